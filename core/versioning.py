"""Refusing a stale form (optimistic locking), and telling the user what changed.

A form carries the ``version`` of the row it showed. The service locks the row, and when its
version has moved on, refuses the write with who changed it, when, and which fields, read
from the row's model history (django-simple-history).

An edit service saves through two steps, the same for every versioned row: `locked_current`
(the row, locked, refused when the form is older) and, after the service's own checks,
`save_changes` (only what differs; nothing written when nothing does).
"""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Field
from django.utils import timezone

from core.formatting import wan_text
from core.models import Versioned, is_money
from core.params import INT_MAX

V = TypeVar("V", bound=Versioned)

IGNORED = {"version", "updated_at", "submitted_at", "reviewed_at", "history_id"}


def field_label(field: Any) -> str:
    """A field's name in a change line: an amount's unit goes with its value (总投资：3,600.00万元
    → 3,000.00万元), not twice."""
    label = str(field.verbose_name)
    return label.removesuffix("(万元)") if is_money(field) else label


def change_line(
    field: Any, old: object, new: object, names: dict[tuple[Any, Any], str] | None = None
) -> str:
    """``字段：旧 → 新`` as a clerk reads it, for the stale-form notice and 数据变更记录."""
    return (
        f"{field_label(field)}：{value_text(field, old, names)} → {value_text(field, new, names)}"
    )


def value_text(field: Any, value: object, names: dict[tuple[Any, Any], str] | None = None) -> str:
    """A history value as a clerk reads it: 空, an amount as every page writes it, a choice's
    label, a related row's name, a time in local time to the minute. ``names`` ({(model, pk):
    name}) spares the related row's query."""
    if value in (None, ""):
        return "空"
    if is_money(field):
        return wan_text(Decimal(str(value)))
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%Y-%m-%d %H:%M")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.many_to_one or field.one_to_one:
        # The history diff holds the related row's id: name the row (a user, a unit) instead.
        if names is not None:
            return names.get((field.related_model, value), str(value))
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    return str(value)


def changes_since(instance: Versioned, version: int) -> tuple[str, list[str]]:
    """(who and when, ["field: old → new", …]) between ``version`` and the current row."""
    history = instance.history.order_by("-history_id")  # type: ignore[attr-defined]
    latest = history.first()
    base = history.filter(version=version).first()
    if latest is None:
        return "他人", []
    user = latest.history_user
    who = str(user) if user else "他人（导入或系统）"
    when = timezone.localtime(latest.history_date).strftime("%m-%d %H:%M")
    changes = []
    if base is not None and base.history_id != latest.history_id:
        for change in latest.diff_against(base).changes:
            if change.field in IGNORED:
                continue
            field = cast("Field[Any, Any]", instance._meta.get_field(change.field))
            changes.append(change_line(field, change.old, change.new))
    return f"{who}于{when}", changes


def check_version(instance: Versioned, expected: int | None, *, label: str) -> None:
    """Refuse when ``instance`` (locked by the caller) is newer than the form's ``expected``."""
    if expected is None or instance.version == expected:
        return
    who, changes = changes_since(instance, expected)
    detail = f"：{'；'.join(changes)}" if changes else ""
    raise ValidationError(
        f"{label}已被{who}修改{detail}。您提交的是修改前的内容，未保存；请刷新页面核对后重新填写。",
        code="stale",
    )


def locked_current(instance: V, expected: int | None, *, label: str | Callable[[V], str]) -> V:
    """``instance``'s row as it stands, locked until the transaction ends, refused (naming who
    changed what) when the form showed an older ``expected`` version; ``label`` names the row
    in that refusal (a function of the current row when it names it: 节点“…”)."""
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    check_version(current, expected, label=label(current) if callable(label) else label)
    return current


def save_changes(
    current: Versioned, values: dict[str, Any], *, user: models.Model | None
) -> list[str]:
    """Set ``values`` on ``current`` (locked by `locked_current`) and save those that differ:
    one new version and one history row naming ``user``. Saved as shown, nothing is written.
    The names of the fields that changed."""
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(current, name, values[name])
    if user is not None:
        current._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    # an "updated at" (auto_now) field moves with the change, as a full save would move it
    stamped = [f.name for f in current._meta.concrete_fields if getattr(f, "auto_now", False)]
    current.save(update_fields=[*changed, *stamped])
    return changed


def unchanged(instance: models.Model, values: dict[str, Any]) -> bool:
    """Whether setting ``values`` on ``instance`` would change nothing: a form saved as it was
    shown writes no new version, no history and no event."""
    return all(getattr(instance, name) == value for name, value in values.items())


class VersionedAdminForm(forms.ModelForm):  # type: ignore[type-arg]  # any model
    """The admin's change form of a `Versioned` row: it carries the version it showed, and a
    row that moved on meanwhile is refused naming what changed, as the app's forms do."""

    shown_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=INT_MAX
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["shown_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.instance.pk:
            current = type(self.instance)._default_manager.get(pk=self.instance.pk)
            label = f"该{self.instance._meta.verbose_name}"
            check_version(current, data.get("shown_version"), label=label)
            self.instance.version = current.version
        return data


class VersionedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # any model
    form = VersionedAdminForm
