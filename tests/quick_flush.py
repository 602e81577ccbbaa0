"""The end of a transactional test on PostgreSQL: the tables emptied with DELETE, not TRUNCATE.

A test that commits (a live server for the browser, threads racing, a flush of its own) is
cleaned up by Django's TransactionTestCase with ``flush``, which on PostgreSQL is one
``TRUNCATE`` of every table: about two seconds on this machine for some sixty small tables
(each truncated table gets new files), and the suite has about a hundred such tests. Deleting
the rows of the same tables, the foreign keys checked at commit, leaves the same empty tables
in a tenth of a second. Only that cleanup is changed: a ``flush`` the test itself runs is
Django's own, and SQLite's cleanup (a DELETE per table already) is untouched.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


def _deleting_flush(style: Any, tables: list[str], **options: Any) -> list[str]:
    """PostgreSQL's ``sql_flush`` for a test's cleanup (sequences are not reset there)."""
    assert not options.get("reset_sequences"), "a test's cleanup keeps the sequences"
    quote = connection.ops.quote_name
    return ["SET CONSTRAINTS ALL DEFERRED;", *(f"DELETE FROM {quote(table)};" for table in tables)]


@contextmanager
def deleting_flush() -> Iterator[None]:
    """Within: ``flush`` empties PostgreSQL's tables with DELETE."""
    if connection.vendor != "postgresql":
        yield
        return
    ops = connection.ops
    ops.sql_flush = _deleting_flush  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        del ops.sql_flush  # the class's own again
