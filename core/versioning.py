"""Refusing a stale form (optimistic locking), and telling the user what changed.

A form carries the ``version`` of the row it showed. The service locks the row, and when its
version has moved on, refuses the write with who changed it, when, and which fields, read
from the row's model history (django-simple-history).

Every service that writes a record saves it here, the same way for every row:

- `locked_current` (an edit: the row, locked, refused when the form is older) or
  `locked_or_default` (a row that may not exist yet, shown as its defaults: a year's settings and
  rules, a month's report, a briefing note), then the service's own checks;
- `save_changes` (only what differs, one version and one history row naming the user; nothing
  written when nothing differs), or `save_recorded` for a write that is not a form's values (a
  new row, a new password), and `delete_recorded`.

Both saves name the user in the row's history (a command and a test too, not only a request)
and, given ``clash``, turn the unique index's refusal of a row written meanwhile by someone
else (two first saves of a year's settings, two units given one name at once) into the refusal
the sequential case gets, rather than a server error.

Every service saves through here (nothing else sets a history row's user). Left outside are
the append-only logs (a finding's events, unit merges, confirmed previews, audit entries) and
the month's row 锁定 makes the first time (``get_or_create``, so a second lock at the same
moment is told the month was locked).
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Field
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from core import journal
from core.formatting import wan_text
from core.models import Versioned, is_money
from core.params import INT_MAX

V = TypeVar("V", bound=Versioned)
M = TypeVar("M", bound=models.Model)

# What a unique clash under a race is told: a text, or a function giving it (read after the
# clash, so it may name the row that won).
Clash = str | Callable[[], str]

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
    current = locked(instance)
    check_version(current, expected, label=label(current) if callable(label) else label)
    return current


def locked(instance: M, *, related: Iterable[str] = ()) -> M:
    """``instance``'s row as it stands, locked until the transaction ends, with the
    ``related`` rows its checks read; `check_version` follows the service's own checks."""
    rows = type(instance)._default_manager.select_for_update()
    return (
        rows.select_related(*related).get(pk=instance.pk) if related else rows.get(pk=instance.pk)
    )


def locked_or_default(
    rows: "models.QuerySet[V]",
    expected: int | None,
    *,
    label: str,
    default: Callable[[], V],
    gone: str | None = None,
) -> V:
    """The one row of ``rows`` (a lookup by its unique key), locked and refused when the form
    is older, or, when none is saved, ``default()``: the unsaved row the form showed (version
    0), which `save_changes` inserts only when a value differs from it.

    ``gone`` is the refusal when the form showed a saved row (a version above 0) that is no
    longer there (removed by an operator); None: the form is saved as a new row."""
    current = rows.select_for_update().first()
    if current is not None:
        check_version(current, expected, label=label)
        return current
    if gone is not None and expected:
        raise ValidationError(gone, code="stale")
    return default()


def save_changes(
    current: M,
    values: dict[str, Any],
    *,
    user: models.Model | None,
    stamps: dict[str, Any] | None = None,
    reason: str = "",
    clash: Clash | None = None,
    clash_code: str = "duplicate",
) -> list[str]:
    """Set ``values`` on ``current`` (locked by `locked_current`, or the unsaved default of
    `locked_or_default`) and save those that differ: one new version and one history row
    naming ``user`` (and ``reason``). Saved as shown, nothing is written. ``stamps`` (who did
    it, when: an ``updated_by``) are written with a change, never on their own. The names of
    the fields that changed."""
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    if not changed:
        return []
    adding = current._state.adding
    before = {name: getattr(current, name) for name in changed}
    for name, value in ({name: values[name] for name in changed} | (stamps or {})).items():
        setattr(current, name, value)
    fields = None
    if not adding:
        # an "updated at" (auto_now) field moves with the change, as a full save would move it
        stamped = [f.name for f in current._meta.concrete_fields if getattr(f, "auto_now", False)]
        fields = [*changed, *(stamps or {}), *stamped]
    _save(current, user=user, fields=fields, reason=reason, clash=clash, clash_code=clash_code)
    if journal.recording():
        lines = [_field_change(current, name, before[name], values[name]) for name in changed]
        journal.wrote(current, journal.CREATED if adding else journal.CHANGED, lines)
    return changed


def _field_change(row: models.Model, name: str, old: object, new: object) -> journal.FieldChange:
    """One field's change as the audit entry keeps it: the clerk's words for field and values."""
    field = row._meta.get_field(name)  # a foreign key's ``x_id`` finds its field too
    return journal.FieldChange(
        field=field.name, label=field_label(field), old=_shown(field, old), new=_shown(field, new)
    )


def _shown(field: Any, value: object) -> str:
    return str(value) if isinstance(value, models.Model) else value_text(field, value)


def save_recorded(
    instance: M,
    *,
    user: models.Model | None,
    fields: Iterable[str] | None = None,
    reason: str = "",
    clash: Clash | None = None,
    clash_code: str = "duplicate",
) -> M:
    """Save ``instance`` (a new row, or ``fields`` of a locked one; every field when None)
    with its history row naming ``user`` (and ``reason``, the history's 变更原因). Given
    ``clash``, a unique index's refusal (a row someone saved meanwhile) is a `ValidationError`
    saying ``clash``, with ``clash_code`` ("stale": the form showed a row not there yet).
    The action under way notes the row (`core.journal`): new, or changed as a whole."""
    adding = instance._state.adding
    _save(instance, user=user, fields=fields, reason=reason, clash=clash, clash_code=clash_code)
    journal.wrote(instance, journal.CREATED if adding else journal.CHANGED)
    return instance


def _save(
    instance: M,
    *,
    user: models.Model | None,
    fields: Iterable[str] | None,
    reason: str,
    clash: Clash | None,
    clash_code: str,
) -> None:
    _recorded_by(instance, user, reason)
    if clash is None:
        instance.save(update_fields=fields)
        return
    try:
        with transaction.atomic():  # the clash rolls back this save only, then is refused
            instance.save(update_fields=fields)
    except IntegrityError:
        raise ValidationError(clash() if callable(clash) else clash, code=clash_code) from None


def delete_recorded(instance: models.Model, *, user: models.Model | None, reason: str = "") -> None:
    """Delete ``instance``, its history's deletion row naming ``user`` (and ``reason``); the
    action under way notes it."""
    journal.wrote(instance, journal.DELETED)
    _recorded_by(instance, user, reason)
    instance.delete()


def unchanged(instance: models.Model, values: dict[str, Any]) -> bool:
    """Whether setting ``values`` on ``instance`` would change nothing: a form saved as it was
    shown writes no new version, no history and no event."""
    return all(getattr(instance, name) == value for name, value in values.items())


def bulk_update_recorded(
    rows: list[M],
    fields: list[str],
    *,
    user: "models.Model | None | Callable[[M], models.Model | None]",
    batch_size: int = 500,
) -> None:
    """Update ``fields`` of ``rows`` (set by the caller) in bulk, with a history row each
    naming ``user`` (a function of the row when each names its own: a report under its
    unit's reporter). Written as they stand: no version is added, no diff is made (the demo
    county's story, told in bulk)."""
    if not rows:
        return
    for row in rows:
        _recorded_by(row, user(row) if callable(user) else user)
    bulk_update_with_history(rows, type(rows[0]), fields, batch_size=batch_size)


def _recorded_by(instance: models.Model, user: models.Model | None, reason: str = "") -> None:
    """The history row of the next save names ``user``, from a command or a test too (in a
    request, simple-history's middleware would name the signed-in user anyway), and ``reason``.
    The one place a service's write is attributed; None is the system's write (a judging
    nobody asked for), even inside someone's request."""
    instance._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]  # read by simple-history


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
        """The admin validates and saves in one transaction (`ModelAdmin.changeform_view`), so
        the row read here stays locked until it is saved: a save meanwhile waits, then is refused."""
        super().clean()
        data = self.cleaned_data
        if self.instance.pk:
            current = locked(self.instance)
            label = f"该{self.instance._meta.verbose_name}"
            check_version(current, data.get("shown_version"), label=label)
            self.instance.version = current.version
        return data


class VersionedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # any model
    form = VersionedAdminForm
