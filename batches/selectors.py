"""三个一批's figures, counted in the database: one query for the rates of any number of
batches (by unit and for the county), one for a batch's listings, whatever their number."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from batches import rules
from batches.models import Batch, BatchEntry, Kind
from projects.models import Project, Unit
from projects.rules import unit_order


@dataclass(frozen=True)
class KindRate:
    """One kind's listings of a batch (or of a unit in it) at a period end."""

    kind: str
    listed: int = 0
    done: int = 0

    @property
    def label(self) -> str:
        return rules.RATE_NAMES[Kind(self.kind)]

    @property
    def rate(self) -> Decimal | None:
        return rules.rate(self.done, self.listed)


def _kinds(counts: dict[str, tuple[int, int]]) -> list[KindRate]:
    return [KindRate(kind.value, *counts.get(kind.value, (0, 0))) for kind in Kind]


@dataclass
class UnitRates:
    unit: str
    kinds: list[KindRate]


@dataclass
class BatchRates:
    """A batch's 签约率, 开工率 and 投产率 at ``end``: the county's (``kinds``, in Kind's order,
    counted in the database over every listing in scope: the tables' 合计) and each unit's
    (``units``, in the house's unit order)."""

    batch: Batch
    end: date
    kinds: list[KindRate]
    units: list[UnitRates] = field(default_factory=list)

    @property
    def listed(self) -> int:
        return sum(k.listed for k in self.kinds)

    def of(self, kind: str) -> KindRate:
        return next(k for k in self.kinds if k.kind == kind)


def with_achieved(entries: QuerySet[BatchEntry]) -> QuerySet[BatchEntry]:
    """Listings with ``achieved_on``: the date of their kind for their project (rules)."""
    return entries.annotate(achieved_on=rules.achieved_on())


def listing_units(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """The units a batch's by-unit table lists: those of ``units`` (the user's scope) that
    have a project, so could have one listed; with none listed their rates are —."""
    return units.filter(pk__in=Project.objects.values("unit_id"))


def batch_rates(
    batches: Iterable[Batch],
    entries: QuerySet[BatchEntry],
    *,
    end: date,
    units: QuerySet[Unit] | None = None,
) -> list[BatchRates]:
    """Each batch's rates at ``end`` over ``entries`` (the user's scope): the county's in one
    query, by unit in another; the units are ``units`` (each listed, — where it has none
    listed; `listing_units`), else those with a listing. A fixed number of queries."""
    batches = list(batches)
    counted = with_achieved(entries.filter(batch__in=[b.pk for b in batches])).order_by()
    listed, done = Count("pk"), Count("pk", filter=rules.done_q(end))
    county: dict[int, dict[str, tuple[int, int]]] = {}
    for row in counted.values("batch_id", "kind").annotate(listed=listed, done=done):
        county.setdefault(row["batch_id"], {})[row["kind"]] = (row["listed"], row["done"])
    by_unit: dict[int, dict[int, dict[str, tuple[int, int]]]] = {}
    names: dict[int, str] = {}
    order: dict[int, tuple[int, str]] = {}
    for row in counted.values(
        "batch_id", "kind", "project__unit_id", "project__unit__name", "project__unit__sort_order"
    ).annotate(listed=listed, done=done):
        unit = row["project__unit_id"]
        names[unit] = row["project__unit__name"]
        order[unit] = (row["project__unit__sort_order"], row["project__unit__name"])
        by_unit.setdefault(row["batch_id"], {}).setdefault(unit, {})[row["kind"]] = (
            row["listed"],
            row["done"],
        )
    listed_units: list[tuple[int, str]] | None = None
    if units is not None:
        listed_units = list(units.order_by(*unit_order()).values_list("pk", "name"))

    def unit_rows(batch: Batch) -> list[UnitRates]:
        counts = by_unit.get(batch.pk, {})
        shown = listed_units
        if shown is None:
            shown = [(pk, names[pk]) for pk in sorted(counts, key=order.__getitem__)]
        return [UnitRates(name, _kinds(counts.get(pk, {}))) for pk, name in shown]

    return [
        BatchRates(
            batch=batch, end=end, kinds=_kinds(county.get(batch.pk, {})), units=unit_rows(batch)
        )
        for batch in batches
    ]


@dataclass
class Listing:
    """One listed project of a batch as its page shows it at a period end."""

    entry: BatchEntry
    achieved_on: date | None
    done: bool
    on_time: bool | None
    overdue: bool  # not done, and its 目标日期 is before the period end

    @property
    def state(self) -> str:
        kind = Kind(self.entry.kind)
        return (rules.DONE_WORDS if self.done else rules.NOT_DONE_WORDS)[kind]


# 签约, 开工, 投产: the order the batches name them in (their codes sort 投产 first).
KIND_ORDER = Case(
    *(When(kind=kind, then=Value(n)) for n, kind in enumerate(Kind)), output_field=IntegerField()
)


def listings(entries: QuerySet[BatchEntry], *, end: date) -> list[Listing]:
    """``entries`` (one batch's, or one project's) with what each achieved by ``end``: one query."""
    rows = (
        with_achieved(entries)
        .select_related("batch", "project__unit")
        .order_by(*rules.batch_order("batch__"), KIND_ORDER, "project__code")
    )
    out = []
    for entry in rows:
        achieved: Any = entry.achieved_on  # type: ignore[attr-defined]  # annotated
        done = rules.is_done(achieved, end)
        out.append(
            Listing(
                entry=entry,
                achieved_on=achieved if done else None,
                done=done,
                on_time=rules.is_on_time(achieved, entry.target_date) if done else None,
                overdue=not done and entry.target_date is not None and entry.target_date < end,
            )
        )
    return out


def by_kind(found: list[Listing]) -> list[tuple[str, list[Listing]]]:
    """A batch's listings under 签约, 开工 and 投产 (each kind, even one with none)."""
    return [(kind.label, [x for x in found if x.entry.kind == kind.value]) for kind in Kind]


def in_order(batches: QuerySet[Batch]) -> QuerySet[Batch]:
    """``batches`` in the one order every page, the dashboard and the briefing list them in
    (`rules.batch_order`)."""
    return batches.order_by(*rules.batch_order())


def batches_of_year(
    batches: QuerySet[Batch], year: int, *, through_quarter: int = 4
) -> QuerySet[Batch]:
    """The year's batches of ``batches`` up to a quarter (the briefing's and the dashboard's)."""
    return in_order(batches.filter(year=year, quarter__lte=through_quarter))


def listed_kinds(batch: Batch) -> list[tuple[int, str]]:
    """(project id, kind) of each listing of ``batch``, in the kinds' order (the picker's)."""
    return list(
        BatchEntry.objects.filter(batch=batch)
        .order_by("project_id", KIND_ORDER)
        .values_list("project_id", "kind")
    )


def done_before_listing(added: list[BatchEntry], *, today: date) -> str:
    """A hint for listings just made whose project has already done what its kind asks (a
    project listed under 开工 that has started: it counts as 已开工 at once), else ""."""
    done = [x for x in listings(BatchEntry.objects.filter(pk__in=[e.pk for e in added]), end=today)
            if x.done]  # fmt: skip
    if not done:
        return ""
    state, kind = done[0].state, done[0].entry.get_kind_display()
    said = "、".join(f"“{x.entry.project.name}”已于{x.achieved_on:%Y-%m-%d}{kind}" for x in done)
    return f"提示：{said}，列入本期次“{kind}”即计为{state}；如不应列入，可在期次页面移出。"
