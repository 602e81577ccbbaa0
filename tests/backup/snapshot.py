"""Every table and every media file, in a form two databases can be compared by.

Rows are compared column by column in key order. Content types and permissions are rebuilt
by ``migrate`` under numbers of its own, so they (and every column pointing at one) are
compared by their natural keys; the join rows of many-to-many fields are compared by the
pair they join (a restore numbers them anew). Sessions are not in a backup by design
(a restore signs everyone out): they are left out here and checked apart.
"""

from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session

from investment.models import DataVersion

NOT_BACKED_UP = {Session, DataVersion}  # the data version: drawn anew by every write


def _columns(model) -> list[str]:
    columns = []
    for field in model._meta.concrete_fields:
        if field.is_relation and issubclass(field.related_model, ContentType):
            columns += [f"{field.name}__app_label", f"{field.name}__model"]
        elif field.is_relation and issubclass(field.related_model, Permission):
            columns += [
                f"{field.name}__content_type__app_label",
                f"{field.name}__content_type__model",
                f"{field.name}__codename",
            ]
        else:
            columns.append(field.attname)
    return columns


def database() -> dict[str, list[tuple]]:
    tables = {}
    rows: list[tuple]
    for model in apps.get_models(include_auto_created=True):
        if model in NOT_BACKED_UP:
            continue
        if model is ContentType:
            rows = sorted(model.objects.values_list("app_label", "model"))
        elif model is Permission:
            rows = sorted(
                model.objects.values_list(
                    "content_type__app_label", "content_type__model", "codename", "name"
                )
            )
        elif model._meta.auto_created:  # a many-to-many join table
            columns = [c for c in _columns(model) if c != model._meta.pk.attname]
            rows = sorted(model._base_manager.values_list(*columns))
        else:
            rows = list(model._base_manager.order_by("pk").values_list(*_columns(model)))
        tables[model._meta.label] = rows
    return tables


def media(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
