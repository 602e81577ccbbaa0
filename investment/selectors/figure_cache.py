"""The figure cache: a page's figures kept under the data version, so no write leaves one stale.

**The data version** is one row (`investment.models.DataVersion`) whose token is drawn anew
after every committed write to a table a figure may read. Every statement Django sends on a
connection passes `_watch` (installed once per connection, however often it reconnects): an
INSERT, UPDATE or DELETE of a watched table (every table but `UNWATCHED`'s: sessions, sign-in
and audit logs, background jobs), a TRUNCATE or a schema change. A form's save, a queryset's
``update()``, a bulk insert, the ledger import, a restore, a unit merge and a migration are all
statements; only PostgreSQL's COPY (`generate_scale`) bypasses them, and its builder says so
itself (`written`).

Outside a transaction the version moves on at once; inside one, once the outermost one has
committed (``on_commit``: a transaction rolled back moves nothing). The token lives in the
database, so a figure cached in any process under the old token is never read again. The bump
after the commit cannot fail the write that caused it: without the table (a migration back past
it, a database not migrated yet) there is nothing a cached figure could be read under, and any
other error is logged (the figures are also kept at most `FIGURE_CACHE_SECONDS`).

**The key** of a figure set (`cached`) is (the format of the cached values, the data version,
the period as asked and its ``today``, the viewer's scope: role and unit). The year's settings,
warning rules and locks are rows, so saving them moves the version on too. While the request's
own transaction has written and not yet committed, its reads are not the other processes':
nothing is read from or kept in the cache then.
"""

import hashlib
import logging
import re
import uuid
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import NO_DB_ALIAS, BaseDatabaseWrapper
from django.db.backends.signals import connection_created

from investment.models import DataVersion

logger = logging.getLogger(__name__)

TABLE = DataVersion._meta.db_table
# Written while nothing a figure reads changes: sessions, the cache, the background jobs'
# progress and queue, the audit and sign-in logs, the admin's log and the version itself.
UNWATCHED = (
    "django_session",
    "django_cache",
    "django_tasks",
    "django_admin_log",
    "jobs_job",
    "audit_auditentry",
    "axes_",
    TABLE,
)
# A sign-in writes the person's last_login and a history row: no figure reads either (a history
# row is written beside the write to its record, which is watched), so a sign-in keeps the cache.
UNWATCHED_WRITE = re.compile(
    r'^\s*(?:INSERT\s+INTO\s+"?\w+_historical\w*"?'
    r'|UPDATE\s+"?projects_user"?\s+SET\s+"?last_login"?\s*=\s*%s\s+WHERE\b)',
    re.IGNORECASE,
)
WRITE = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+[\"`]?(\w+)",
    re.IGNORECASE,
)
# Whatever table they name (a flush truncates every table in one statement).
SCHEMA = re.compile(r"^\s*(?:TRUNCATE|ALTER|CREATE|DROP)\b", re.IGNORECASE)
# Moved on whenever what `cached` keeps changes shape, so a shared cache (CACHES["figures"] on
# Redis or a database table, docs/deployment) never hands new code an old value.
FORMAT = 1

T = TypeVar("T")


def writes_figures(sql: str) -> bool:
    """Whether ``sql`` may change what a figure reads."""
    if SCHEMA.match(sql):
        return True
    found = WRITE.match(sql)
    if found is None or UNWATCHED_WRITE.match(sql):
        return False
    return not found.group(1).lower().startswith(UNWATCHED)


def bump(connection: BaseDatabaseWrapper) -> None:
    """Draw a new version on ``connection``. Never raises: it runs after the write's commit,
    which it must not fail."""
    try:
        if connection.get_autocommit():
            # No transaction of its own: on SQLite the write that called it may still be
            # returning its rows, and a COMMIT then fails (the two commit together instead).
            _draw(connection)
        else:  # inside a transaction managed by hand: a savepoint, so a failure spoils nothing
            with transaction.atomic(using=connection.alias):
                _draw(connection)
    except DatabaseError as error:
        if TABLE not in _tables(connection):
            return  # before the migration that makes it, or after one back past it
        logger.error("数据版本未能更新（缓存的统计数据最长%s秒后重新计算）：%s",
                     settings.FIGURE_CACHE_SECONDS, error)  # fmt: skip


def _draw(connection: BaseDatabaseWrapper) -> None:
    token = uuid.uuid4().hex
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET token = %s WHERE id = 1", [token])
        if cursor.rowcount == 0:
            cursor.execute(f"INSERT INTO {TABLE} (id, token) VALUES (1, %s)", [token])


def _tables(connection: BaseDatabaseWrapper) -> list[str]:
    try:
        with connection.cursor() as cursor:
            return connection.introspection.table_names(cursor)
    except DatabaseError:
        return []


def _pending(connection: BaseDatabaseWrapper) -> bool:
    """Whether the transaction open on ``connection`` has written (its bump is waiting for the
    commit; a savepoint rolled back takes its writes' bump with it)."""
    callbacks = [entry[1] for entry in connection.run_on_commit]  # (savepoints, func, robust)
    return any(isinstance(func, partial) and func.func is bump for func in callbacks)


def _watch(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and writes_figures(sql):
        written(context["connection"])
    return result


def written(connection: BaseDatabaseWrapper | None = None) -> None:
    """Data has been written on ``connection`` (the default one): the version moves on now
    (outside a transaction) or once the transaction commits. `_watch` calls it for every write
    statement; a write that is not one (PostgreSQL's COPY) calls it itself."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    if not connection.in_atomic_block:
        bump(connection)
    elif not _pending(connection):
        # the connection's own on_commit: it may be one `connections` does not hold
        connection.on_commit(partial(bump, connection))


def watch(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """On each new connection (a connection object reconnects once a request without
    CONN_MAX_AGE): `_watch` once, never a second time. Not on the one that creates and drops
    databases, which holds no data."""
    if connection.alias != NO_DB_ALIAS and _watch not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _watch)


def install() -> None:
    connection_created.connect(watch, dispatch_uid="investment.selectors.figure_cache.watch")
    for connection in connections.all(initialized_only=True):
        watch(None, connection)


def current() -> str | None:
    """The data version, read where the page reads its figures (a replica's, on a figure page
    that reads from one: `core.replica`, whose data and version arrive in the primary's commit
    order); None when nothing may be cached: the request's own transaction has written data no
    other process sees yet, or nothing was ever written."""
    connection = connections[DEFAULT_DB_ALIAS]  # where every write goes
    if connection.in_atomic_block and _pending(connection):
        return None
    return DataVersion.objects.filter(pk=1).values_list("token", flat=True).first()


def cached(name: str, *key: Any, compute: Callable[[], T]) -> T:
    """``compute()``'s value kept in CACHES["figures"] under (``name``, ``key``: what the value
    depends on besides the data, as plain values) and the data version (`current`)."""
    version = current()
    if version is None:
        return compute()
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    store = caches["figures"]
    cache_key = f"{name}:{FORMAT}:{version}:{digest}"
    found = store.get(cache_key, default=_MISSING)
    if found is _MISSING:
        found = compute()
        store.set(cache_key, found, settings.FIGURE_CACHE_SECONDS)
    return found


_MISSING = object()
