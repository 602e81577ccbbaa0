"""责任单位: keeping units (name, kind, order) and merging one into another.

Every app points at `Unit` through a foreign key (projects, milestones, findings, users …);
this module finds them through ``Unit._meta.related_objects`` rather than naming them, so
``projects`` imports no other app and a new app's foreign key is merged without a change here.

A merged unit is deleted, not kept as 已合并: nothing points at it any more, its name is free
for a real unit, its history keeps the deletion (who, when), and the audit entry names both
units. A ledger row that still says the typo name comes back as a new unit in the preview,
with the closest existing names, rather than silently landing on a unit nobody sees.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.query import QuerySet

from projects.capabilities import require
from projects.models import AnnualPlan, Project, Unit, User
from projects.names import clean_name

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
    """The 排序 a new unit is offered: after every unit, on the next ten."""
    highest = Unit.objects.aggregate(highest=models.Max("sort_order"))["highest"] or 0
    return (highest // 10 + 1) * 10


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
    *, user: User, unit: Unit | None = None, name: str, kind: str, sort_order: int
) -> Unit:
    """Create a unit (``unit`` None) or change one's name, kind and order."""
    require(user, "units.keep")
    name = _clean_name(name, unit=unit)
    if kind not in Unit.Kind.values:
        raise ValidationError(f"单位类型应为{'、'.join(Unit.Kind.labels)}之一。")
    if sort_order < 0:
        raise ValidationError("排序应为不小于0的整数。")
    if unit is None:
        unit = Unit(name=name, kind=kind, sort_order=sort_order)
    elif (unit.name, unit.kind, unit.sort_order) == (name, kind, sort_order):
        return unit  # saved as shown: no history row
    else:
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        unit.name, unit.kind, unit.sort_order = name, kind, sort_order
    unit._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    unit.save()
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
    locked = {
        u.pk: u for u in Unit.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    }
    if len(locked) < 2:
        raise ValidationError("要合并的单位已不存在，请刷新页面。")
    source, target = locked[source.pk], locked[target.pk]
    if problems := merge_collisions(source, target):
        raise ValidationError(
            f"不能把“{source}”并入“{target}”：{'；'.join(problems)}。"
            "请先修改或转交这些记录，再合并。未做任何修改。"
        )
    plans = AnnualPlan.objects.filter(project__unit=source).count()
    moved: dict[str, int] = {}
    for link in unit_links():
        rows = list(link.rows(source).select_for_update())
        for row in rows:
            setattr(row, link.field_name, target)
            row._history_user = user  # type: ignore[attr-defined]  # read by simple-history
            row.save(update_fields=[link.field_name])
        moved[link.label] = len(rows)
    merged = Merged(source.name, target.name, _with_plans(moved, plans))
    source._history_user = user  # type: ignore[attr-defined]
    source.delete()
    return merged
