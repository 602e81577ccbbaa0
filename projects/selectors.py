"""Reads of the register that compute: what points at a unit, where a merged unit went,
the unit names closest to a typed one, the next 排序 offered."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.query import QuerySet

from projects.models import SORT_ORDER_MAX, AnnualPlan, Project, Unit, UnitMerge

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


def first_start(project: Project, *, excluding: AnnualPlan | None = None) -> date | None:
    """``project``'s earliest 实际开(复)工日期 over its plan rows (``excluding`` one being changed),
    the day its 实际竣工日期 may not precede (`projects.rules.completed_before_start`)."""
    plans = AnnualPlan.objects.filter(project=project)
    if excluding is not None:
        plans = plans.exclude(pk=excluding.pk)
    first: date | None = plans.aggregate(first=models.Min("actual_start"))["first"]
    return first


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
    return with_plans(counts, AnnualPlan.objects.filter(project__unit=unit).count())


def with_plans(counts: dict[str, int], plans: int) -> dict[str, int]:
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
