"""The end of a transactional test: the tables emptied quickly, and what ``post_migrate`` makes
written back in two statements.

A test that commits (a live server for the browser, threads racing, a flush of its own) is
cleaned up by Django's TransactionTestCase with ``flush``, which on PostgreSQL is one
``TRUNCATE`` of every table: about two seconds on this machine for some sixty small tables
(each truncated table gets new files), and the suite has about a hundred such tests. Deleting
the rows of the same tables, the foreign keys checked at commit, leaves the same empty tables
in a tenth of a second.

The flush then sends ``post_migrate``, whose two receivers (content types and permissions)
look up every model of every app and create what is missing, all of it after a flush: a few
hundred queries. The same rows, as the migrated test database had them (read once, right after
it was migrated: ``remember_migrated_rows``), are written back instead with one INSERT per table
and the content types' cache is emptied, as ``create_contenttypes`` empties it. No other receiver
listens (``test_post_migrate_has_the_two_receivers_it_is_replaced_for``).

Only that cleanup is changed: a ``flush`` the test itself runs is Django's own, and SQLite's
tables are emptied as Django empties them (a DELETE per table already).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.commands import flush
from django.db import connection

MIGRATED_ROWS: dict[str, list[Any]] = {}
# the receivers of post_migrate that the rows written back stand for
REPLACED_RECEIVERS = {"create_contenttypes", "create_permissions"}


def remember_migrated_rows() -> None:
    """Right after migrating: the content types and permissions post_migrate made."""
    MIGRATED_ROWS["content_types"] = list(ContentType.objects.order_by("pk"))
    MIGRATED_ROWS["permissions"] = list(Permission.objects.order_by("pk"))


def _migrated_rows_written_back(verbosity: int, interactive: bool, db: str, **kwargs: Any) -> None:
    """``post_migrate`` after a test's flush: the migrated database's content types and
    permissions, with their ids, written back."""
    assert MIGRATED_ROWS, "remember_migrated_rows() runs in django_db_setup"
    ContentType.objects.using(db).bulk_create(MIGRATED_ROWS["content_types"])
    Permission.objects.using(db).bulk_create(MIGRATED_ROWS["permissions"])
    ContentType.objects.clear_cache()


def _deleting_flush(style: Any, tables: list[str], **options: Any) -> list[str]:
    """PostgreSQL's ``sql_flush`` for a test's cleanup (sequences are not reset there)."""
    assert not options.get("reset_sequences"), "a test's cleanup keeps the sequences"
    quote = connection.ops.quote_name
    return ["SET CONSTRAINTS ALL DEFERRED;", *(f"DELETE FROM {quote(table)};" for table in tables)]


@contextmanager
def quick_flush() -> Iterator[None]:
    """Within: ``flush`` empties PostgreSQL's tables with DELETE, and its post_migrate writes
    the migrated database's content types and permissions back."""
    # flush's own name for the signal's sender (the stubs do not re-export it)
    with mock.patch.object(flush, "emit_post_migrate_signal", _migrated_rows_written_back):
        if connection.vendor != "postgresql":
            yield
            return
        ops = connection.ops
        ops.sql_flush = _deleting_flush  # type: ignore[method-assign, assignment]
        try:
            yield
        finally:
            del ops.sql_flush  # the class's own again
