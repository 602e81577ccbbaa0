"""Writing data.jsonl's rows into the database, a batch at a time.

Each row is written as ``loaddata`` writes it (Django's deserializer, a raw save: no model
``save()``, no ``auto_now``, so every time stays the backup's), but several hundred rows to
a statement and never the whole file in memory: ``loaddata`` reads the whole file and writes
row by row (an UPDATE tried before each INSERT), which a city's database cannot afford.
References between tables need no order: the foreign keys are checked at commit (deferred
on PostgreSQL and SQLite alike).
"""

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.serializers.python import Deserializer
from django.db import connection
from django.db.models import Model

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
