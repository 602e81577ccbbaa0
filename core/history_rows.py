"""Rows written in bulk with their model history, the history rows copied by the database.

simple-history's ``bulk_create_with_history`` and ``bulk_update_with_history`` build one
historical model object a row in Python and insert those: at a city's import (hundreds of
thousands of reports and flags) that was about half of the import's time (issue 26). Here the
rows are written as Django writes them (``bulk_create``, ``bulk_update``) and each batch's
history rows are one ``INSERT INTO history … SELECT … FROM table WHERE id IN (…)``: the same
rows simple-history would write (every tracked field as stored, the date, the type ``+`` or
``~``, the user, no reason), without a Python object each. The rows of one call share one
``history_date`` (simple-history takes the clock once a row, microseconds apart).

Where simple-history would read something of a row's own (``_history_user``, ``_history_date``,
``_change_reason`` set on it), a historical model with fields of its own, or a database that
gives no keys back from a bulk insert, it is left to write them as it does.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.utils import (
    bulk_create_with_history,
    bulk_update_with_history,
    get_history_manager_for_model,
)

M = TypeVar("M", bound=models.Model)

HISTORY_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
}
OWN = ("_history_user", "_history_date", "_change_reason")  # what a row may say for itself
BATCH = 1000  # rows a statement (SQLite's limit of variables is far above it)


def bulk_create_recorded(
    objs: list[M], model: type[M], *, user: models.Model | None, batch_size: int = BATCH
) -> list[M]:
    """Create ``objs`` (``bulk_create``) with a history row each (``+``) naming ``user``."""
    if not objs:
        return objs
    if not _copyable(objs, model):
        created: list[M] = bulk_create_with_history(
            objs, model, batch_size=batch_size, default_user=user
        )
        return created
    with transaction.atomic(savepoint=False):
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        _copy_history(model, [obj.pk for obj in objs], "+", user, batch_size)
    return objs


def bulk_update_recorded(
    objs: Sequence[M],
    model: type[M],
    fields: list[str],
    *,
    user: models.Model | None,
    batch_size: int = BATCH,
) -> None:
    """Update ``fields`` of ``objs`` (``bulk_update``) with a history row each (``~``) naming
    ``user``."""
    if not objs:
        return
    if not _copyable(objs, model):
        bulk_update_with_history(objs, model, fields, batch_size=batch_size, default_user=user)
        return
    with transaction.atomic(savepoint=False):
        if fields:
            model._default_manager.bulk_update(objs, fields, batch_size=batch_size)
        _copy_history(model, [obj.pk for obj in objs], "~", user, batch_size)


def _copyable(objs: Sequence[models.Model], model: type[models.Model]) -> bool:
    """Whether the database can copy these rows' history as simple-history would write it."""
    if not connection.features.can_return_rows_from_bulk_insert:  # no keys to copy by
        return False
    history = get_history_manager_for_model(model).model
    own = {field.name for field in history._meta.concrete_fields} - HISTORY_FIELDS
    tracked = {field.name for field in history.tracked_fields}
    return own == tracked and not any(hasattr(obj, name) for obj in objs for name in OWN)


def _copy_history(
    model: type[models.Model],
    pks: list[Any],
    kind: str,
    user: models.Model | None,
    batch_size: int,
) -> None:
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = get_history_manager_for_model(model).model
    if user is None:  # as simple-history: the signed-in user of the request under way, if any
        user = history.get_default_history_user(model())
    quote = connection.ops.quote_name
    meta = history._meta
    copied = [(meta.get_field(f.name).column, f.column) for f in history.tracked_fields]
    stamped = ["history_date", "history_change_reason", "history_type", "history_user"]
    columns = [column for column, _ in copied] + [meta.get_field(n).column for n in stamped]
    when: datetime = timezone.now()
    values = [
        meta.get_field("history_date").get_db_prep_save(when, connection),
        None,
        kind,
        None if user is None else user.pk,
    ]
    table, pk = quote(model._meta.db_table), quote(str(model._meta.pk.column))
    selected = ", ".join(f"{table}.{quote(source)}" for _, source in copied)
    with connection.cursor() as cursor:
        for start in range(0, len(pks), batch_size):
            some = pks[start : start + batch_size]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({', '.join(map(quote, columns))}) "
                f"SELECT {selected}, %s, %s, %s, %s FROM {table} "
                f"WHERE {table}.{pk} IN ({', '.join(['%s'] * len(some))}) ORDER BY {table}.{pk}",
                [*values, *some],
            )
