"""data.jsonl: every backed-up row, one JSON object a line, written so that it loads back
exactly, and read back a line at a time (memory stays flat whatever the database's size).

Django's JSON Lines serializer with two changes, both found restoring a county people had
used:

- Natural keys only for content types and permissions, which ``migrate`` rebuilds under
  other numbers on the new database. Every other reference keeps its number, since the
  referenced rows come back with theirs: a user named by its natural key broke the audit
  trail's restore, and a history row naming a user deleted since cannot be written as one.
- Times keep their microseconds (Django's encoder cuts them to milliseconds), so every row
  reads back equal, and the audit trail's order is kept.
"""

import datetime
import json
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model

NATURAL = (ContentType, Permission)


class Sink(Protocol):
    """Where the lines go: anything with ``write(str)``."""

    def write(self, text: str, /) -> object: ...


CHUNK = 2000


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(jsonl.Serializer):
    def end_object(self, obj: Model) -> None:
        # One write a line (json.dump would write each token separately).
        self.stream.write(json.dumps(self.get_dump_object(obj), **self.json_kwargs) + "\n")
        self._current = None

    def handle_fk_field(self, obj: Model, field: Any) -> None:
        self.use_natural_foreign_keys = issubclass(field.related_model, NATURAL)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj: Model, field: Any) -> None:
        self.use_natural_foreign_keys = issubclass(field.remote_field.model, NATURAL)
        super().handle_m2m_field(obj, field)


def rows(model: type[Model]) -> Iterator[Model]:
    """Every row of ``model`` (its base manager: nothing filtered), in key order, with what
    the serializer follows fetched in bulk."""
    # A relation's related_model and an automatic through model are models (the stubs say
    # "or None" for fields that are not relations).
    natural_fks = [
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation and issubclass(field.related_model, NATURAL)  # type: ignore[arg-type]
    ]
    prefetch = []
    for field in model._meta.many_to_many:
        if field.remote_field.through._meta.auto_created:  # type: ignore[union-attr]
            prefetch.append(field.name)
            if issubclass(field.remote_field.model, Permission):
                prefetch.append(f"{field.name}__content_type")
    queryset = model._base_manager.order_by(model._meta.pk.name)
    if natural_fks:
        queryset = queryset.select_related(*natural_fks)
    if prefetch:
        queryset = queryset.prefetch_related(*prefetch)
    return queryset.iterator(chunk_size=CHUNK)


def write(models: Iterable[type[Model]], stream: Sink) -> None:
    """Serialize every row of ``models`` into ``stream`` (anything with ``write(str)``), one
    line a row, model after model."""

    def objects() -> Iterator[Model]:
        for model in models:
            yield from rows(model)

    # The serializer only ever calls stream.write (the stubs ask for a whole IO[str]).
    Serializer().serialize(objects(), stream=stream, cls=ExactEncoder, ensure_ascii=False)  # type: ignore[arg-type]
