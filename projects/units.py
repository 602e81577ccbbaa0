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

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.query import QuerySet

from projects.capabilities import require
from projects.models import SORT_ORDER_MAX, AnnualPlan, Project, Unit, UnitMerge, User
from projects.names import clean_name
from projects.versioning import locked_current, save_changes

# Characters nearly every unit name has (县…局, …镇): sharing them says nothing.
GENERIC_CHARACTERS = frozenset("县市区镇乡街道局办委")


def closest_units(name: str, existing: Iterable[str], limit: int = 3) -> list[str]:
    """The existing unit names closest to ``name``: 城管局 → 县城市管理局, 县往建局 → 县住房和城乡建设局.

    Clerks shorten names (城管局) rather than misspell them, so besides difflib's ratio a
    name counts as close when every one of its characters appears, in order, in the other,
    or when most of its telling characters (not 县, 局, 镇 …) appear in it. Only the names
    near the best are offered: a clerk merging a typo unit picks from them.
    """
    telling = [ch for ch in name if ch not in GENERIC_CHARACTERS]
    scored = []
    for other in existing:
        ratio = SequenceMatcher(None, name, other).ratio()
        it = iter(other)
        if all(ch in it for ch in name):  # a subsequence: an abbreviation
            ratio = max(ratio, 0.6)
        shared = sum(ch in other for ch in telling) / len(telling) if telling else 0
        if shared >= 0.5:
            ratio = max(ratio, 0.5 + 0.3 * shared)
        if ratio >= 0.5:
            scored.append((-ratio, other))
    scored.sort()
    best = -scored[0][0] if scored else 0
    return [other for score, other in scored[:limit] if -score >= best - 0.1]


def next_sort_order() -> int:
    """The 排序 a new unit is offered: after every unit, on the next ten (at most
    SORT_ORDER_MAX, so the offer is always one the form takes)."""
    highest = Unit.objects.aggregate(highest=models.Max("sort_order"))["highest"] or 0
    return min((highest // 10 + 1) * 10, SORT_ORDER_MAX)


def merged_into(unit_id: int) -> Unit | None:
    """The unit a merged unit's rows now belong to (following later merges), None when
    ``unit_id`` was never merged away."""
    seen: set[int] = set()
    while unit_id not in seen:
        seen.add(unit_id)
        forward = UnitMerge.objects.filter(source_id=unit_id).first()
        if forward is None:
            return None
        target = Unit.objects.filter(pk=forward.target_id).first()
        if target is not None:
            return target
        unit_id = forward.target_id
    return None


def merged_note(unit_id: int, name: str = "") -> str:
    """责任单位“X”已并入“Y” (or 已不存在): what became of a unit a form still names."""
    forward = UnitMerge.objects.filter(source_id=unit_id).first()
    shown = name or (forward.source_name if forward else "所选单位")
    target = merged_into(unit_id)
    if target is None:
        return f"责任单位“{shown}”已不存在"
    return f"责任单位“{shown}”已并入“{target}”，原属该单位的记录现在都属于“{target}”"


def merged_refusal(unit_id: int, name: str = "") -> str:
    """What a clerk is told when the unit they chose was merged away meanwhile."""
    target = merged_into(unit_id)
    choose = f"请改选“{target}”" if target else "请改选责任单位"
    return f"{merged_note(unit_id, name)}。未保存；{choose}后重新提交（您填写的内容仍在下面）。"


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


@dataclass(frozen=True)
class UnitLink:
    """One foreign key to Unit: which model, which field, as a clerk names it."""

    model: type[models.Model]
    field_name: str
    label: str

    @property
    def key(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field_name}"

    @property
    def alias(self) -> str:
        """The name of its count on ``units_with_counts``."""
        return "n_" + self.key.replace(".", "_")

    def rows(self, unit: Unit) -> QuerySet[models.Model]:
        # the base manager: every row, whatever a default manager hides
        return self.model._base_manager.filter(**{self.field_name: unit})


def unit_links() -> list[UnitLink]:
    """Every foreign key pointing at Unit, in every installed app."""
    relations = list(Unit._meta.related_objects)
    for rel in relations:
        if rel.many_to_many:  # none today; moving one needs its through table
            raise TypeError(f"{rel} points at Unit through a many-to-many: merge it by hand")
    per_model = Counter(rel.related_model for rel in relations)
    links = []
    for rel in relations:
        model = rel.related_model
        assert isinstance(model, type) and rel.field is not None
        label = str(model._meta.verbose_name_plural)
        if per_model[model] > 1:
            label += f"（{rel.field.verbose_name}）"
        links.append(UnitLink(model, rel.field.name, label))
    return links


PLANS_LABEL = "年度计划（随项目）"


def unit_usage(unit: Unit) -> dict[str, int]:
    """What points at ``unit``, per kind (label → count); plan rows come with their projects."""
    counts = {link.label: link.rows(unit).count() for link in unit_links()}
    return _with_plans(counts, AnnualPlan.objects.filter(project__unit=unit).count())


def _with_plans(counts: dict[str, int], plans: int) -> dict[str, int]:
    """``counts`` with the plan rows right after the projects they come with."""
    ordered: dict[str, int] = {}
    for label, n in counts.items():
        ordered[label] = n
        if label == Project._meta.verbose_name_plural:
            ordered[PLANS_LABEL] = plans
    ordered.setdefault(PLANS_LABEL, plans)
    return ordered


def units_with_counts() -> QuerySet[Unit]:
    """Every unit, each foreign key's rows counted (``link.alias``; one query: subqueries)."""
    annotations: dict[str, Coalesce] = {}
    for link in unit_links():
        counted = (
            link.model._base_manager.filter(**{link.field_name: OuterRef("pk")})
            .order_by()
            .values(link.field_name)
            .annotate(n=Count("pk"))
            .values("n")
        )
        annotations[link.alias] = Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
    return Unit.objects.annotate(**annotations)


def counted_usage(unit: Unit) -> dict[str, int]:
    """What points at a unit of ``units_with_counts``, per kind, leaving out the zeros."""
    counts = {link.label: getattr(unit, link.alias) for link in unit_links()}
    return {label: n for label, n in counts.items() if n}


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
    try:
        # Two people saving one name at once both pass _clean_name: the unique index refuses
        # the second, which is told as a sequential clash is.
        with transaction.atomic():
            if unit is not None:
                save_changes(unit, values, user=user)
                return unit
            unit = Unit(**values)
            unit._history_user = user  # type: ignore[attr-defined]  # read by simple-history
            unit.save()
    except IntegrityError:
        raise ValidationError(name_taken(typed, name)) from None
    return unit


@dataclass
class Merged:
    source: str
    target: str
    moved: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        moved = "，".join(f"{label}{n}条" for label, n in self.moved.items() if n) or "无记录"
        return f"“{self.source}”并入“{self.target}”：{moved}；“{self.source}”已删除。"


def _unique_sets(model: type[models.Model], field_name: str) -> list[tuple[tuple[str, ...], Q]]:
    """The unique field sets of ``model`` that hold ``field_name`` (with their condition)."""
    sets: list[tuple[tuple[str, ...], Q]] = []
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and field_name in constraint.fields:
            sets.append((tuple(constraint.fields), constraint.condition or Q()))
    for together in model._meta.unique_together:
        if field_name in together:
            sets.append((tuple(together), Q()))
    if model._meta.get_field(field_name).unique:  # type: ignore[union-attr]
        sets.append(((field_name,), Q()))
    return sets


def merge_collisions(source: Unit, target: Unit) -> list[str]:
    """Why moving ``source``'s rows onto ``target`` would break a unique rule (none: it can)."""
    problems = []
    for link in unit_links():
        for fields, condition in _unique_sets(link.model, link.field_name):
            others = [name for name in fields if name != link.field_name]
            mine = link.rows(source).filter(condition)
            theirs = link.rows(target).filter(condition)
            if not others:
                clash = list(mine[:3]) if theirs.exists() else []
            else:
                keys = theirs.values_list(*others)
                clash = [row for row in mine if tuple(getattr(row, n) for n in others) in keys]
            if clash:
                shown = "、".join(f"“{row}”" for row in clash[:3])
                problems.append(
                    f"{link.label}：{shown}在两个单位都有（{'、'.join(_verbose(link.model, others))}"
                    "相同），合并后会重复"
                )
    return problems


def _verbose(model: type[models.Model], names: list[str]) -> list[str]:
    return [str(model._meta.get_field(name).verbose_name) for name in names]  # type: ignore[union-attr]


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
        for row in rows:
            setattr(row, link.field_name, target)
            row._history_user = user  # type: ignore[attr-defined]  # read by simple-history
            row.save(update_fields=[link.field_name])
        moved[link.label] = len(rows)
    merged = Merged(source.name, target.name, _with_plans(moved, plans))
    UnitMerge.objects.create(
        source_id=source.pk,
        source_name=source.name,
        target_id=target.pk,
        target_name=target.name,
        merged_by=user,
    )
    source._history_user = user  # type: ignore[attr-defined]
    source._change_reason = f"并入“{target}”"  # type: ignore[attr-defined]  # the deletion's history row
    source.delete()
    return merged
