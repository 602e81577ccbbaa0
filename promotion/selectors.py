"""招商引资's figures for any period, summed in the database (`promotion.rules.FIGURES`): two
queries whatever the number of activities, one more for the units' table."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, QuerySet, Sum

from core.models import money
from projects.models import Project, Unit
from projects.rules import unit_order
from promotion.models import Activity
from promotion.rules import FIGURES, RECEPTION, aggregates, held_q


@dataclass(frozen=True)
class PromotionFigures:
    """Seed 004's section (五) for activities held from ``start`` through ``end``."""

    start: date
    end: date
    activities: int = 0  # records of either kind
    visits: int = 0
    visits_leader: int = 0
    visits_department: int = 0
    visits_township: int = 0
    receptions: int = 0  # reception records
    reception_batches: int = 0
    reception_people: int = 0
    signed_projects: int = 0
    signed_investment: Decimal = field(default_factory=lambda: Decimal(0))  # 总投资, 万元

    @property
    def recorded(self) -> bool:
        return self.activities > 0

    def values(self) -> list[int]:
        """The figures in `FIGURES`' order."""
        return [getattr(self, figure.key) for figure in FIGURES]

    def cells(self) -> list[tuple[str, int]]:
        """(label, figure) in `FIGURES`' order: a table's row (its 合计)."""
        return [(figure.label, getattr(self, figure.key)) for figure in FIGURES]


@dataclass(frozen=True)
class LaterActivities:
    """The activities held after a period's last day: a page of that period does not count
    them, and says so (a record made today is not lost because the page shows the month due)."""

    count: int
    latest: date | None


def held_after(activities: QuerySet[Activity], end: date) -> LaterActivities:
    """How many of ``activities`` were held after ``end``, and the latest day: one query."""
    later = (
        activities.filter(held_on__gt=end).order_by().aggregate(n=Count("pk"), last=Max("held_on"))
    )
    return LaterActivities(count=later["n"], latest=later["last"])


def promotion_figures(activities: QuerySet[Activity], start: date, end: date) -> PromotionFigures:
    """The figures of ``activities`` (a user's scope, or all) held from ``start`` to ``end``."""
    held = activities.filter(held_q(start, end)).order_by()
    totals = held.aggregate(
        activities=Count("pk"), receptions=Count("pk", filter=RECEPTION), **aggregates()
    )
    signed = Project.objects.filter(pk__in=held.values("projects")).aggregate(
        count=Count("pk"), investment=Sum("total_investment")
    )
    return PromotionFigures(
        start=start,
        end=end,
        **{key: value or 0 for key, value in totals.items()},
        signed_projects=signed["count"],
        signed_investment=money(signed["investment"]),
    )


@dataclass(frozen=True)
class UnitFigures:
    unit: str
    figures: list[int]
    signed_projects: int

    def cells(self) -> list[tuple[str, int]]:
        """(label, figure) in `FIGURES`' order."""
        return [(figure.label, value) for figure, value in zip(FIGURES, self.figures, strict=True)]


def figures_by_unit(
    activities: QuerySet[Activity], start: date, end: date, *, units: QuerySet[Unit]
) -> list[UnitFigures]:
    """The same figures for each of ``units`` (every unit that could have recorded one: the
    user's scope), 0 where it recorded none, in the house's unit order (three queries). Their
    合计 is `promotion_figures` of the same activities: a project signed from two units'
    activities counts once in it, once in each unit's row."""
    held = activities.filter(held_q(start, end)).order_by()
    rows: dict[int, dict[str, Any]] = {
        row["unit_id"]: dict(row) for row in held.values("unit_id").annotate(**aggregates())
    }
    signed = dict(
        held.filter(projects__isnull=False)
        .values("unit_id")
        .annotate(n=Count("projects", distinct=True))
        .values_list("unit_id", "n")
    )
    return [
        UnitFigures(
            unit=name,
            figures=[rows.get(pk, {}).get(figure.key) or 0 for figure in FIGURES],
            signed_projects=signed.get(pk, 0),
        )
        for pk, name in units.order_by(*unit_order()).values_list("pk", "name")
    ]


@dataclass(frozen=True)
class BriefingSection:
    """What the briefing's section (五) says: the year through the period's end, and the
    period's own part of it (None for a year's briefing)."""

    year_to_date: PromotionFigures
    this_period: PromotionFigures | None


def briefing_section(
    *, year_start: date, start: date, end: date, activities: QuerySet[Activity] | None = None
) -> BriefingSection:
    """Section (五) of the briefing of the period ``start``–``end``: the year through its end and
    the period's own part (None when it starts the year); of ``activities`` (the 招商统计 page:
    the user's), else the county's."""
    everything = Activity.objects.all() if activities is None else activities
    return BriefingSection(
        year_to_date=promotion_figures(everything, year_start, end),
        this_period=None if start == year_start else promotion_figures(everything, start, end),
    )


EXPORT_HEADERS = [
    "日期", "类型", "牵头", "带队领导", "单位", "客商/企业", "地点", "批次", "人数", "成效",
    "签约项目代码", "签约项目名称",
]  # fmt: skip


def export_rows(activities: QuerySet[Activity]) -> Iterator[list[Any]]:
    """The list's rows as its Excel export writes them (a fixed number of queries)."""
    rows = activities.select_related("unit").prefetch_related("projects").order_by("held_on", "pk")
    for activity in rows.iterator(chunk_size=500):
        projects = sorted(activity.projects.all(), key=lambda project: project.code)
        yield [
            activity.held_on,
            activity.get_kind_display(),
            activity.get_led_by_display(),
            activity.leader,
            activity.unit.name,
            activity.counterpart,
            activity.place,
            activity.batches,
            activity.people,
            activity.outcome,
            "、".join(project.code for project in projects),
            "、".join(project.name for project in projects),
        ]
