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
    """A batch's 签约率, 开工率 and 投产率 at ``end``: the county's (``kinds``, in Kind's order)
    and each unit's with a listing (``units``, in the units' order)."""

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


def batch_rates(
    batches: Iterable[Batch], entries: QuerySet[BatchEntry], *, end: date
) -> list[BatchRates]:
    """Each batch's rates at ``end`` over ``entries`` (the user's scope), in one query."""
    batches = list(batches)
    rows = (
        with_achieved(entries.filter(batch__in=[b.pk for b in batches]))
        .values("batch_id", "project__unit__name", "project__unit__sort_order", "kind")
        .annotate(listed=Count("pk"), done=Count("pk", filter=rules.done_q(end)))
        .order_by("project__unit__sort_order", "project__unit__name")
    )
    county: dict[int, dict[str, list[int]]] = {}
    units: dict[int, dict[str, dict[str, tuple[int, int]]]] = {}
    for row in rows:
        batch, kind, listed, done = row["batch_id"], row["kind"], row["listed"], row["done"]
        total = county.setdefault(batch, {}).setdefault(kind, [0, 0])
        total[0] += listed
        total[1] += done
        units.setdefault(batch, {}).setdefault(row["project__unit__name"], {})[kind] = (
            listed,
            done,
        )
    return [
        BatchRates(
            batch=batch,
            end=end,
            kinds=_kinds({k: (v[0], v[1]) for k, v in county.get(batch.pk, {}).items()}),
            units=[UnitRates(name, _kinds(c)) for name, c in units.get(batch.pk, {}).items()],
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
        .order_by("-batch__year", "-batch__quarter", "batch__name", KIND_ORDER, "project__code")
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


def batches_of_year(year: int, *, through_quarter: int = 4) -> QuerySet[Batch]:
    """The year's batches up to a quarter, in their order (the briefing's and dashboard's)."""
    return Batch.objects.filter(year=year, quarter__lte=through_quarter).order_by("quarter", "name")
