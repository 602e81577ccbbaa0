"""The data version: what cached figures are keyed on, so that no write leaves one stale.

Every statement any process writes through Django's database connection (a form's save, a
queryset's update, an import's bulk insert, a restore's raw rows, a migration) is seen by
`_watch` (installed on each connection as it opens): when it writes a table other than
those that never change a figure (`UNWATCHED`), the one `DataVersion` row gets a new token
after the transaction commits (at once outside one). The token lives in the database, so a
figure cached in another process's memory under the old one is never read again.

While a transaction that has written is still open, its own reads see data no other process
sees yet: `current` then answers None, and the figure is computed, not cached.
"""

import re
import uuid
from collections.abc import Callable
from typing import Any

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

TABLE = "investment_dataversion"
# Writes that change no figure: the sign-ins' sessions, the cache, the background jobs'
# progress, and the version row itself.
UNWATCHED = ("django_session", "django_cache", "django_tasks", TABLE)
WRITE = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|REPLACE\s+INTO)"
    r'\s+["`]?(\w+)',
    re.IGNORECASE,
)
READY = "_data_version_table"  # on the connection: the table exists
DIRTY = "_data_version_dirty"  # on the connection: it wrote in the transaction still open


def writes_figures(sql: str) -> bool:
    """Whether ``sql`` writes a table a figure may read."""
    found = WRITE.match(sql)
    return found is not None and not found.group(1).lower().startswith(UNWATCHED)


def bump(using: str = "default") -> None:
    """Draw a new version (the row made the first time; nothing before the table exists,
    while the migrations run)."""
    connection = connections[using]
    if not getattr(connection, READY, False):
        if TABLE not in connection.introspection.table_names():
            return
        setattr(connection, READY, True)
    token = uuid.uuid4().hex
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET token = %s WHERE id = 1", [token])
        if cursor.rowcount == 0:
            cursor.execute(f"INSERT INTO {TABLE} (id, token) VALUES (1, %s)", [token])


def _watch(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and writes_figures(sql):
        connection = context["connection"]
        if not connection.in_atomic_block:
            setattr(connection, DIRTY, False)
            bump(connection.alias)
        else:
            setattr(connection, DIRTY, True)
            if not any(func is _after_commit for _, func, _ in connection.run_on_commit):
                transaction.on_commit(_after_commit, using=connection.alias)
    return result


def _after_commit() -> None:
    """Registered once per transaction that wrote (a rolled-back savepoint drops it, and the
    next write registers it again)."""
    for connection in connections.all(initialized_only=True):
        if getattr(connection, DIRTY, False) and not connection.in_atomic_block:
            setattr(connection, DIRTY, False)
            bump(connection.alias)


def watch(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    connection.execute_wrappers.append(_watch)


def install() -> None:
    connection_created.connect(watch, dispatch_uid="investment.data_version")
    for connection in connections.all(initialized_only=True):
        if _watch not in connection.execute_wrappers:
            connection.execute_wrappers.append(_watch)


def current(using: str = "default") -> str | None:
    """The version, None (compute, keep nothing) while this connection's own transaction has written uncommitted data
    (its reads are not the other processes')."""
    connection = connections[using]
    if not connection.in_atomic_block:
        setattr(connection, DIRTY, False)  # a transaction rolled back since it wrote
    elif getattr(connection, DIRTY, False):
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None  # no write since the table was made: nothing kept
