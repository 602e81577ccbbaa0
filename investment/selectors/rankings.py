"""Unit rankings (单位考核排名) and the 红黑榜, as DESIGN.md §3 pins them; the project ranking
(项目完成率排名, `project_ranking`: projects are ranked by completion rate).

A unit's score at (Y, m) = Σ weight × indicator over the indicators of
`investment.rules.indicators` (I1 投资完成 … I5 按时报送), each computed from the unit's counts.

Every numerator and denominator is counted in the database, one grouped query per table
(plan rows, reports, milestones, findings), so the query count does not depend on the
number of projects or units. Python only divides, weighs and sorts one row per unit.

Where DESIGN.md is silent: unit names sort by code point, the same on both databases; the
红黑榜 size is cut to half the ranked units (``Ranking.list_size``), so no unit stands on both
lists; I5 expects a report only for the months a row was expected to report, from its start
month through the last month whose due day has passed (``periods.due_through``), counting one
submitted or approved, from the ledger or sent by the end of its due day (``report_on_time``).
"""

import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import reduce
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, F, FloatField, Q, QuerySet, Sum, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast, Coalesce, NullIf

from core.models import money
from investment import rules
from investment.models import MonthlyReport, YearSettings
from investment.rules.indicators import (
    INDICATORS,
    Indicator,
    UnitCounts,
    weighted_score,
    weights_of,
)
from investment.rules.periods import Period, report_deadline
from investment.rules.reporting import expected_count, report_expected
from investment.selectors.portfolio import counted_reports
from investment.selectors.progress import (
    PROGRESS_VALUES,
    PlanProgress,
    as_progress,
    plan_progress,
)
from projects.models import AnnualPlan, Milestone, Project
from projects.rules import milestone_unit, started_q
from supervision.models import Finding

ZERO = Decimal(0)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class Owner(TypedDict):
        owner: int  # the unit a milestone counts for


@dataclass
class IndicatorLine:
    """One indicator of one unit, as 计算明细 shows it."""

    indicator: Indicator
    weight: int
    value: Decimal
    numerator: int | Decimal
    denominator: int | Decimal
    rate: Decimal | None


@dataclass(kw_only=True)
class UnitScore(UnitCounts):
    """One unit's counts at a period, and everything derived from them."""

    unit_id: int
    unit: str
    weights: tuple[int, ...]  # the year's, in the indicators' order
    rank: int = 0

    @property
    def indicators(self) -> tuple[Decimal, ...]:
        """Each indicator's value (0–1), in `INDICATORS`' order."""
        return tuple(indicator.value(self) for indicator in INDICATORS)

    @property
    def rates(self) -> dict[str, Decimal | None]:
        """Each indicator's rate in percent, by its key in ``rankings --json``."""
        return {indicator.rate_key: indicator.rate_of(self) for indicator in INDICATORS}

    @property
    def lines(self) -> list[IndicatorLine]:
        return [
            IndicatorLine(
                indicator=indicator,
                weight=weight,
                value=indicator.value(self),
                numerator=getattr(self, indicator.numerator),
                denominator=getattr(self, indicator.denominator),
                rate=indicator.rate_of(self),
            )
            for indicator, weight in zip(INDICATORS, self.weights, strict=True)
        ]

    def weight(self, indicator: Indicator) -> int:
        return self.weights[INDICATORS.index(indicator)]

    @property
    def score(self) -> Decimal:
        return weighted_score(self.weights, self.indicators)

    def sort_key(self) -> tuple[Any, ...]:
        rate = self.completion_rate
        return (-self.score, -(rate if rate is not None else Decimal("-1")), self.unit)

    def as_json(self) -> dict[str, Any]:
        """The pinned JSON object of ``rankings --json`` (DESIGN.md §4)."""
        rates = {
            key: rules.json_number(rules.for_machine(rate)) for key, rate in self.rates.items()
        }
        return {
            "rank": self.rank,
            "unit": self.unit,
            "score": float(self.score),
            **rates,
            "projects": self.projects,
        }


@dataclass
class Ranking:
    year: int
    month: int
    settings: YearSettings
    units: list[UnitScore] = field(default_factory=list)
    indicators: tuple[Indicator, ...] = INDICATORS  # for the tables that show them

    @property
    def weighted(self) -> list[tuple[Indicator, int]]:
        """Each indicator with its weight in the year's settings (the score's formula)."""
        return list(zip(self.indicators, weights_of(self.settings), strict=True))

    @property
    def list_size(self) -> int:
        """N of the 红黑榜, never so large that a unit would stand on both lists."""
        return min(self.settings.list_size, len(self.units) // 2)

    @property
    def red_list(self) -> list[UnitScore]:
        return self.units[: self.list_size]

    @property
    def black_list(self) -> list[UnitScore]:
        """The bottom N, worst last, in ranking order."""
        return self.units[len(self.units) - self.list_size :] if self.list_size else []


def milestones_due(*, year: int, end: date) -> "QuerySet[WithAnnotations[Milestone, Owner]]":
    """Milestones planned in ``year`` on or before ``end``, with the unit they count for."""
    return Milestone.objects.filter(
        planned_date__gte=date(year, 1, 1), planned_date__lte=end
    ).annotate(owner=milestone_unit())


def findings_due(*, year: int, end: date) -> QuerySet[Finding]:
    """Findings with a deadline in ``year`` on or before ``end``."""
    return Finding.objects.filter(deadline__gte=date(year, 1, 1), deadline__lte=end)


def report_on_time(*, year: int, month: int, due_day: int) -> Q:
    """A report counts as on time when it came from the ledger or was sent by its due day."""
    return Q(source=MonthlyReport.Source.LEDGER) | reduce(
        operator.or_,
        (
            Q(month=m, submitted_at__lt=report_deadline(year, m, due_day))
            for m in range(1, month + 1)
        ),
    )


def report_history(project: Project) -> list[MonthlyReport]:
    """A project's reports, newest first, each with its ``deadline`` and whether it came
    ``late`` by the same rule as ``report_on_time``; one query for the reports, one for their
    photos, one for the years' due days."""
    reports = list(
        MonthlyReport.objects.filter(plan__project=project)
        .select_related("plan", "submitted_by", "reviewed_by")
        .prefetch_related("photos")  # thumbnails on the project page
        .order_by("-plan__year", "-month")
    )
    years = {report.plan.year for report in reports}
    due_days = dict(YearSettings.objects.filter(year__in=years).values_list("year", "due_day"))
    default_due_day = YearSettings._meta.get_field("due_day").default
    for report in reports:
        due_day = due_days.get(report.plan.year, default_due_day)
        deadline = report_deadline(report.plan.year, report.month, due_day)
        # Shown on the page beside each report: attributes of the instance, not fields.
        report.deadline = deadline  # type: ignore[attr-defined]
        report.late = (  # type: ignore[attr-defined]
            report.source == MonthlyReport.Source.FORM
            and report.submitted_at is not None
            and report.submitted_at >= deadline
        )
    return reports


def unit_ranking(period: Period) -> Ranking:
    """Every unit with plan rows in the period's year, scored and ranked at its end.

    I5 expects reports only for the months whose due day had passed by the period's ``today``
    (DESIGN.md §3: a month not yet due expects no report yet).

    The period's settings (due day, weights, 红黑榜 size) are the year's saved ones; 年度设置's
    preview builds a period with unsaved ones, so the preview and the ranking are the one rule.
    """
    year, month, settings = period.year, period.month, period.settings
    schedule = period.time_progress
    end = period.as_of  # judged by today while the period has not ended
    scores: dict[int, UnitScore] = {}
    through = period.due_through

    expected = expected_count(year=year, through=through)
    plan_rows = (
        AnnualPlan.objects.counted(year)
        .order_by()
        .values("project__unit", "project__unit__name")
        .annotate(
            projects=Count("pk"),
            started=Count("pk", filter=started_q(end)),
            annual_plan=Sum("planned_investment"),
            expected=Sum(expected),
        )
    )
    for row in plan_rows:
        scores[row["project__unit"]] = UnitScore(
            unit_id=row["project__unit"],
            unit=row["project__unit__name"],
            time_progress=schedule,
            weights=weights_of(settings),
            projects=row["projects"],
            started=row["started"],
            annual_plan=money(row["annual_plan"]),
            reports_expected=row["expected"] or 0,
        )

    on_time = report_on_time(year=year, month=month, due_day=settings.due_day)
    expected_month = report_expected(year=year, through=through)
    reports = (
        counted_reports(year=year, month=month)
        .order_by()
        .values("plan__project__unit")
        .annotate(
            completed=Sum("amount"),
            on_time=Count("pk", filter=on_time & expected_month),
        )
    )
    for report_row in reports:
        score = scores.get(report_row["plan__project__unit"])
        if score:
            score.completed = money(report_row["completed"])
            score.reports_on_time = report_row["on_time"]

    milestones = (
        milestones_due(year=year, end=end)
        .order_by()
        .values("owner")
        .annotate(due=Count("pk"), on_time=Count("pk", filter=Milestone.ON_TIME))
    )
    for milestone_row in milestones:
        score = scores.get(milestone_row["owner"])
        if score:
            score.milestones_due = milestone_row["due"]
            score.milestones_on_time = milestone_row["on_time"]

    findings = (
        findings_due(year=year, end=end)
        .order_by()
        .values("unit")
        .annotate(due=Count("pk"), on_time=Count("pk", filter=Finding.ON_TIME))
    )
    for finding_row in findings:
        score = scores.get(finding_row["unit"])
        if score:
            score.findings_due, score.findings_on_time = finding_row["due"], finding_row["on_time"]

    ranked = sorted(scores.values(), key=UnitScore.sort_key)
    for position, score in enumerate(ranked, start=1):
        score.rank = position
    return Ranking(year=year, month=month, settings=settings, units=ranked)


# --- project ranking ---------------------------------------------------------------


def project_ranking(
    period: Period,
    *,
    level: str | None = None,
    unit_id: int | None = None,
    industry: str | None = None,
    limit: int | None = None,
) -> list[PlanProgress]:
    """Plan rows ranked by completion rate (rows with no plan money last), then by code
    (`ranking_key`); the first ``limit`` of them when asked. One query (see below).

    With ``limit`` the database ranks the rows (`ranking_rate`) and only the first ones are
    read, twice ``limit`` of them (a city's 12,000 rows read and ranked here cost the page 0.04 s
    of its 0.24 s of CPU); they are ranked again here by `ranking_key`, and when
    the database's cut after them is not clearly below the ``limit``-th row (rows on the same
    rate, as in a January where most rows are at 0 %), every row is read and ranked here, as
    without ``limit`` (a second query)."""
    plans = AnnualPlan.objects.all()
    if level:
        plans = plans.filter(level=level)
    if unit_id:
        plans = plans.filter(project__unit=unit_id)
    if industry:
        plans = plans.filter(project__industry=industry)
    year, month = period.year, period.month
    rows: Iterable[dict[str, Any]] | None = None
    if limit is not None:
        first = list(
            plan_progress(year=year, month=month, plans=plans)
            .annotate(ranking_rate=ranking_rate())
            .order_by(*RANKING_ORDER)
            .values(*PROGRESS_VALUES.values(), "ranking_rate")[: 2 * limit]
        )
        every = len(first) < 2 * limit  # every row read
        if (
            every
            or limit
            and clearly_below(first[-1]["ranking_rate"], first[limit - 1]["ranking_rate"])
        ):
            rows = first
    if rows is None:
        rows = plan_progress(year=year, month=month, plans=plans).values(*PROGRESS_VALUES.values())
    ranked = sorted(
        (progress for progress, _ in as_progress(rows, month=month)),
        key=lambda row: ranking_key(row.completion_rate, code=row.code),
    )
    return ranked if limit is None else ranked[:limit]


def ranking_key(completion_rate: Decimal | None, *, code: str) -> tuple[bool, Decimal, str]:
    """The project ranking's order: by completion rate, highest first, rows with no plan money
    (no rate) last, then by code."""
    return (completion_rate is None, -(completion_rate or ZERO), code)


# `ranking_key`'s order in the database, for reading a page's first rows only: the rate as a
# float (PostgreSQL's numeric division keeps 16 significant digits, SQLite sums and divides
# floats), so two rows whose rates differ in the 15th digit, or are equal but computed from
# different sums, may come in either order. The rows read are ranked again by `ranking_key`,
# and the rows not read are trusted to rank below only when `clearly_below` says so: their
# rate, whatever its error, is below that of the last row shown. `tests/investment/
# test_project_ranking.py` holds the page's rows to the whole ranking's on random data.
RATE_ERROR = 1e-9  # relative, and absolute: far above either database's rounding


def ranking_rate() -> CombinedExpression:
    """The completed investment × 100 / the plan (NULL without plan money), in floats (on
    SQLite an integer sum divided by an integer plan would be divided whole)."""
    completed = Cast(Coalesce(F("completed"), Value(ZERO)), FloatField())
    plan = NullIf(Cast("planned_investment", FloatField()), Value(0.0))
    return completed * Value(100.0) / plan


RANKING_ORDER = (F("ranking_rate").desc(nulls_last=True), F("project__code").asc())


def clearly_below(rate: float | None, than: float | None) -> bool:
    """Whether a row the database ranks at ``rate`` (`ranking_rate`) ranks after one it ranks
    at ``than`` by `ranking_key`, whatever the rounding of each (a rate below the other by
    more than their errors; any rate before none)."""
    if than is None:
        return False
    if rate is None:
        return True
    return rate * (1 + RATE_ERROR) + RATE_ERROR < than * (1 - RATE_ERROR) - RATE_ERROR
