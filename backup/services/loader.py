"""Writing data.jsonl's rows into the database, a batch at a time.

Each row is written as ``loaddata`` writes it (Django's deserializer, a raw save: no model
``save()``, no ``auto_now``, so every time stays the backup's), but several hundred rows to
a statement and never the whole file in memory: ``loaddata`` reads the whole file and writes
row by row (an UPDATE tried before each INSERT), which a city's database cannot afford.
References between tables need no order: the foreign keys are checked at commit (deferred
on PostgreSQL and SQLite alike).

On SQLite most rows (a county's reports, plan rows, milestones and their history) skip the
model instance and the INSERT compiler (``_Columns``): each column's value goes through the same
two functions the deserializer and the compiler call on it (the field's ``to_python``, then
its ``get_db_prep_save``), and a batch is one ``executemany`` of one prepared statement.
Building an instance for every row, then a statement of a few dozen rows' placeholders
from it, was nine tenths of a SQLite restore's time (SQLite takes at most 999 values to a
statement). PostgreSQL keeps Django's way: one statement a batch, which costs its server less
than a statement a row (measured: docs/benchmarks.md). A model the shortcut does not fit
(many-to-many fields, natural keys, a column the backup leaves out) and any batch whose rows
are not exactly the model's columns go the way ``loaddata`` goes.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from functools import cache, partial
from typing import Any, cast

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.python import Deserializer
from django.db import connection
from django.db.models import Field, Model

BATCH = 1000


# A model's rows handed to a function of their own instead of inserted (its label → the
# function, which takes that model's rows).
Apart = dict[str, Callable[[list[Any]], None]]


def load(
    lines: Iterable[bytes], *, apart: Apart, progress: Callable[..., None] | None = None
) -> None:
    """Write every row of ``lines`` (one JSON object each, grouped by model). The rows of a
    model labelled in ``apart`` are handed, deserialized, to its function instead. After each
    batch ``progress(read=rows so far)``, when given."""
    batch: list[dict[str, Any]] = []
    done = 0
    for line in lines:
        if not line.strip():
            continue
        row = json.loads(line)
        if batch and (row["model"] != batch[0]["model"] or len(batch) >= BATCH):
            _write(batch, apart)
            done += len(batch)
            if progress is not None:
                progress(read=done)
            batch = []
        batch.append(row)
    if batch:
        _write(batch, apart)
        if progress is not None:
            progress(read=done + len(batch))


def _write(rows: list[dict[str, Any]], apart: Apart) -> None:
    if connection.vendor == "sqlite" and rows[0]["model"] not in apart:
        columns = _columns(rows[0]["model"])
        if columns is not None and columns.insert(rows):
            return
    deserialized = list(Deserializer(rows, handle_forward_references=False))
    if rows[0]["model"] in apart:
        apart[rows[0]["model"]]([item.object for item in deserialized])
        return
    model = type(deserialized[0].object)
    insert(model, [item.object for item in deserialized])
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        if not through._meta.auto_created:
            continue  # an explicit through model's rows are in the backup as rows
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        joins = [
            through(**{f"{source}_id": item.object.pk, f"{target}_id": value})
            for item in deserialized
            for value in (item.m2m_data or {}).get(field.name, [])
        ]
        through._base_manager.bulk_create(joins, batch_size=BATCH)


def insert(model: type[Model], objects: Sequence[Model], *, with_keys: bool = True) -> None:
    """INSERT ``objects`` as they are (a raw insert: no ``auto_now``, no signals); without
    their keys when ``with_keys`` is false, the database numbering them."""
    meta = model._meta
    fields = [
        field
        for field in meta.local_concrete_fields
        if not field.generated and (with_keys or field is not meta.auto_field)
    ]
    size = max(connection.ops.bulk_batch_size(fields, objects), 1)
    for start in range(0, len(objects), size):
        # Django's own raw INSERT (what loaddata's save_base does), not in the stubs.
        model._base_manager._insert(objects[start : start + size], fields=fields, raw=True)  # type: ignore[attr-defined]


# Models whose references the backup writes as natural keys (serializer.NATURAL).
NATURAL = (ContentType, Permission)


class _Columns:
    """How one model's rows go from data.jsonl into its table without model instances: for
    each column, the value the deserializer would set (the field's ``to_python``; a reference's
    target field's) prepared as the INSERT compiler prepares a raw save's value
    (``get_db_prep_save``)."""

    def __init__(self, model: type[Model]) -> None:
        meta = model._meta
        fields = [field for field in meta.local_concrete_fields if not field.generated]
        self.names = frozenset(field.name for field in fields if field is not meta.pk)
        self.steps = [
            (None if field is meta.pk else field.name, _reader(field),
             partial(field.get_db_prep_save, connection=connection))
            for field in fields
        ]  # fmt: skip
        quote = connection.ops.quote_name
        marks = ", ".join(["%s"] * len(fields))
        names = ", ".join(quote(cast(str, field.column)) for field in fields)
        self.sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})"

    @staticmethod
    def fit(model: type[Model]) -> bool:
        """Whether every row of ``model`` the serializer writes is plain columns: no
        many-to-many list, no natural key, no column left out of the backup."""
        meta = model._meta
        return (
            not meta.many_to_many
            and not meta.parents
            and all(
                (field is meta.pk or field.serialize)  # type: ignore[attr-defined]
                and not hasattr(field, "get_placeholder")
                and not (field.is_relation and issubclass(field.related_model, NATURAL))  # type: ignore[arg-type]
                for field in meta.local_concrete_fields
            )
        )

    def values(self, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]] | None:
        """Each row's column values as the INSERT sends them; None when a row is not exactly
        this model's columns or a value does not convert (the deserializer then says what
        is wrong)."""
        names, steps = self.names, self.steps
        if any("pk" not in row or row["fields"].keys() != names for row in rows):
            return None
        try:
            return [
                tuple(
                    prepare(read(row["pk"] if name is None else row["fields"][name]))
                    for name, read, prepare in steps
                )
                for row in rows
            ]
        except Exception:  # the instances' way fails naming the row and the value
            return None

    def insert(self, rows: list[dict[str, Any]]) -> bool:
        """INSERT ``rows``; False, writing nothing, when ``values`` cannot make them."""
        values = self.values(rows)
        if values is None:
            return False
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, values)
        return True


def _reader(field: "Field[Any, Any]") -> Callable[[Any], Any]:
    """The deserializer's conversion of a JSON value for ``field`` (a reference: its target's)."""
    if field.is_relation:
        related: Any = field.remote_field  # a ForeignKey's: its model and the field it names
        target = related.model._meta.get_field(related.field_name)

        def reference(value: Any) -> Any:
            return None if value is None else target.to_python(value)

        return reference
    return field.to_python


@cache
def _columns(label: str) -> _Columns | None:
    model = apps.get_model(label)
    return _Columns(model) if _Columns.fit(model) else None
