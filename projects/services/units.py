"""责任单位: keeping units (name, kind, order) and merging one into another.

Every app points at `Unit` through a foreign key (projects, milestones, findings, users …);
this module finds them through ``Unit._meta.related_objects`` rather than naming them, so
``projects`` imports no other app and a new app's foreign key is merged without a change here.

A merged unit is deleted, not kept as 已合并: nothing points at it any more, its name is free
for a real unit, its history keeps the deletion (who, when), and the audit entry names both
units. A ledger row that still says the typo name comes back as a new unit in the preview,
with the closest existing names, rather than silently landing on a unit nobody sees.

A merge and a write that points a row at a unit are serialized on the unit's row: the merge
locks both units first (`unit_merge`), every such write locks its units first (`lock_units`,
called by the services of projects, supervision and people before they lock anything else,
so the two never wait on each other in opposite orders). A write that comes second to a
merge finds its unit gone and is refused naming the unit it went into (`UnitMerge`, the
merge's forwarding record), with the form's input kept by the view.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import audited
from core import journal
from core.capabilities import require
from core.names import clean_name
from core.versioning import delete_recorded, locked_current, save_changes, save_recorded
from projects.models import SORT_ORDER_MAX, AnnualPlan, Unit, UnitMerge, User
from projects.selectors import merge_collisions, merged_note, merged_refusal, unit_links, with_plans


def lock_units(*units: Unit | None) -> None:
    """Lock the rows of ``units`` (None skipped) until the transaction ends, so no merge moves
    or deletes them meanwhile; refused, naming where it went, when one was merged away.

    Called first by every write that points a row at a unit, before it locks anything else:
    `unit_merge` locks its units first too, so neither waits on the other holding what it
    needs next. FOR NO KEY UPDATE: it waits for a merge (FOR UPDATE), and leaves the foreign
    key checks of other writes (FOR KEY SHARE) alone. SQLite serializes writers anyway
    (BEGIN IMMEDIATE): there the query only finds a unit merged before the transaction.
    """
    wanted = {unit.pk: unit for unit in units if unit is not None}
    if not wanted:
        return
    found = set(
        Unit.objects.select_for_update(no_key=True)
        .filter(pk__in=wanted)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk, unit in sorted(wanted.items()):
        if pk not in found:
            raise ValidationError(merged_refusal(pk, unit.name), code="merged")


def _clean_name(name: str, *, unit: Unit | None) -> str:
    typed = " ".join(name.split())
    name = clean_name(name)
    if not name:
        raise ValidationError("请填写单位名称。")
    if len(name) > Unit._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ValidationError("单位名称不能超过100个字。")
    others = Unit.objects.filter(name=name)
    if unit is not None:
        others = others.exclude(pk=unit.pk)
    if others.exists():
        raise ValidationError(name_taken(typed, name))
    return name


def name_taken(typed: str, name: str) -> str:
    """The refusal for a unit name another unit has, naming that unit as it is kept."""
    if typed == name:
        return f"已有名为“{name}”的责任单位，单位名称不能重复。"
    return (
        f"填写的单位名称与已有的责任单位“{name}”相同（只差不可见字符、空格或全角、半角），"
        "单位名称不能重复。"
    )


@audited(lambda **given: "修改责任单位" if given.get("unit") else "新增责任单位")
@transaction.atomic
def unit_save(
    *,
    user: User,
    unit: Unit | None = None,
    name: str,
    kind: str,
    sort_order: int,
    expected_version: int | None = None,
) -> Unit:
    """Create a unit (``unit`` None) or change one's name, kind and order. An edit made on a
    form older than the unit (``expected_version``) is refused naming who changed what; saved
    as shown, nothing is written."""
    require(user, "units.keep")
    if unit is not None:
        try:
            lock_units(unit)  # a merge of this unit goes first, or waits for this save
        except ValidationError:
            raise ValidationError(f"{merged_note(unit.pk, unit.name)}。未保存。") from None
        unit = locked_current(unit, expected_version, label="该责任单位")
    typed = " ".join(name.split())
    name = _clean_name(name, unit=unit)
    if kind not in Unit.Kind.values:
        raise ValidationError(f"单位类型应为{'、'.join(Unit.Kind.labels)}之一。")
    if not 0 <= sort_order <= SORT_ORDER_MAX:
        raise ValidationError(f"排序应为0–{SORT_ORDER_MAX}之间的整数。")
    values = {"name": name, "kind": kind, "sort_order": sort_order}
    # Two people saving one name at once both pass _clean_name: the unique index refuses the
    # second, which is told as a sequential clash is.
    clash = name_taken(typed, name)
    if unit is not None:
        save_changes(unit, values, user=user, clash=clash)
        return unit
    return save_recorded(Unit(**values), user=user, clash=clash)


@dataclass
class Merged:
    source: str
    target: str
    moved: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        moved = "，".join(f"{label}{n}条" for label, n in self.moved.items() if n) or "无记录"
        return f"“{self.source}”并入“{self.target}”：{moved}；“{self.source}”已删除。"


@audited("合并责任单位")
@transaction.atomic
def unit_merge(*, source: Unit, target: Unit, user: User) -> Merged:
    """Move everything that points at ``source`` onto ``target`` (projects, milestones,
    findings, users …, each with a history row naming ``user``), then delete ``source``.
    All or nothing: a row that would collide with one of ``target``'s is refused, naming it."""
    require(user, "units.keep")
    if source.pk == target.pk:
        raise ValidationError("不能把单位合并到它自己。")
    # Both units first, in id order as `lock_units` takes them: a write to either waits for
    # the merge, or the merge for it (then the merge moves what it wrote).
    pair = Unit.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
    locked = {u.pk: u for u in pair}
    for unit in (source, target):
        if unit.pk not in locked:
            raise ValidationError(f"{merged_note(unit.pk, unit.name)}，请刷新页面。")
    source, target = locked[source.pk], locked[target.pk]
    if problems := merge_collisions(source, target):
        raise ValidationError(
            f"不能把“{source}”并入“{target}”：{'；'.join(problems)}。"
            "请先修改或转交这些记录，再合并。未做任何修改。"
        )
    plans = AnnualPlan.objects.filter(project__unit=source).count()
    moved: dict[str, int] = {}
    for link in unit_links():
        # NO KEY UPDATE: only the unit column changes, so other writes' foreign key checks on
        # these rows (a finding naming a project being moved) do not wait for the merge.
        rows = list(link.rows(source).select_for_update(no_key=True))
        with journal.quiet():  # the entry says what moved (the summary), not each row
            for row in rows:
                setattr(row, link.field_name, target)
                save_recorded(row, user=user, fields=[link.field_name])
        moved[link.label] = len(rows)
    merged = Merged(source.name, target.name, with_plans(moved, plans))
    UnitMerge.objects.create(
        source_id=source.pk,
        source_name=source.name,
        target_id=target.pk,
        target_name=target.name,
        merged_by=user,
    )
    journal.note(merged.summary())
    delete_recorded(source, user=user, reason=f"并入“{target}”")
    return merged
