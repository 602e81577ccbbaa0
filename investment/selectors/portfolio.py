"""Reads that compute portfolio figures, in the database.

Each figure set is a fixed number of grouped queries, whatever the number of projects:
the plan rows grouped by level and nature, and the reports grouped by level. Python only
adds up those few group rows and applies the formulas of ``investment.rules``.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, QuerySet, Sum

from core.models import money
from investment import rules
from investment.models import MonthlyReport
from investment.rules.periods import Period
from investment.selectors.quality import QualityCount, quality_count
from projects.models import AnnualPlan, AnnualPlanQuerySet, Level, Nature, Stage, User
from projects.rules import counted_q, started_q

ZERO = Decimal(0)


@dataclass
class Figures:
    """Counts and amounts of a set of plan rows at a period; rates are derived."""

    time_progress: Decimal
    projects: int = 0
    new: int = 0
    continuing: int = 0
    started: int = 0
    total_investment: Decimal = ZERO
    annual_plan: Decimal = ZERO
    completed: Decimal = ZERO

    @property
    def start_rate(self) -> Decimal | None:
        return rules.percent(self.started, self.projects)

    @property
    def completion_rate(self) -> Decimal | None:
        return rules.percent(self.completed, self.annual_plan)

    @property
    def ahead_pp(self) -> Decimal | None:
        return rules.ahead_pp(self.completion_rate, self.time_progress)


@dataclass
class PortfolioSummary(Figures):
    year: int = 0
    month: int = 0
    by_level: dict[str, Figures] = field(default_factory=dict)

    @property
    def double_half(self) -> bool:
        return rules.double_half(self.completion_rate, self.month)

    def as_json(self) -> dict[str, Any]:
        """The pinned JSON shape of ``portfolio_summary --json`` (DESIGN.md §4)."""
        return {
            "year": self.year,
            "month": self.month,
            "time_progress": rules.json_number(rules.for_machine(self.time_progress)),
            "projects": self.projects,
            "new": self.new,
            "continuing": self.continuing,
            "started": self.started,
            "start_rate": rules.json_number(rules.for_machine(self.start_rate)),
            "total_investment": rules.json_number(self.total_investment),
            "annual_plan": rules.json_number(self.annual_plan),
            "completed": rules.json_number(self.completed),
            "completion_rate": rules.json_number(rules.for_machine(self.completion_rate)),
            "ahead_pp": rules.json_number(rules.for_machine(self.ahead_pp)),
            "double_half": self.double_half,
            "by_level": {
                Level(level).label: {
                    "projects": figures.projects,
                    "annual_plan": rules.json_number(figures.annual_plan),
                    "completed": rules.json_number(figures.completed),
                    "completion_rate": rules.json_number(
                        rules.for_machine(figures.completion_rate)
                    ),
                    "ahead_pp": rules.json_number(rules.for_machine(figures.ahead_pp)),
                }
                for level, figures in self.by_level.items()
            },
        }


def counted_reports(*, year: int, month: int) -> QuerySet[MonthlyReport]:
    """The reports that make up completed investment of year Y through month m."""
    return MonthlyReport.objects.filter(
        counted_q(year, prefix="plan__"),  # as AnnualPlan.objects.counted: 替换 leaves the figures
        MonthlyReport.counted_q(through=month),
    )


ADDITIVE = (
    "projects",
    "new",
    "continuing",
    "started",
    "total_investment",
    "annual_plan",
    "completed",
)

# The dimensions a summary breaks down by, and the plan-row field each groups on.
BREAKDOWNS = {
    "level": "level",
    "nature": "nature",
    "unit": "project__unit__name",
    "industry": "project__industry",
}


def figures_by(
    period: Period, *, by: str, plans: AnnualPlanQuerySet | None = None
) -> dict[str, Figures]:
    """The portfolio figures of ``period`` broken down by ``by`` (a key of BREAKDOWNS).

    Two queries: plan rows grouped by the dimension and nature, reports by the dimension.
    """
    return figures_by_each(period, by=(by,), plans=plans)[by]


def figures_by_each(
    period: Period, *, by: tuple[str, ...], plans: AnnualPlanQuerySet | None = None
) -> dict[str, dict[str, Figures]]:
    """``figures_by`` of each dimension in ``by`` (keys of BREAKDOWNS), from the same two
    queries: plan rows grouped by every dimension asked and nature, reports by every dimension
    asked (at most a few thousand groups: 3 levels × a city's 200 units × its industries),
    added up here for each dimension. The dashboard's three breakdowns read the year's
    reports once instead of three times."""
    keys = [BREAKDOWNS[name] for name in by]
    year, month = period.year, period.month
    schedule = period.time_progress
    end = period.as_of
    plans = (AnnualPlan.objects.all() if plans is None else plans).counted(year)

    groups = (
        plans.order_by()
        .values(*keys, "nature")
        .annotate(
            projects=Count("pk"),
            started=Count("pk", filter=started_q(end)),
            total_investment=Sum("project__total_investment"),
            annual_plan=Sum("planned_investment"),
        )
    )
    completed = (
        counted_reports(year=year, month=month)
        .filter(plan__in=plans.values("pk"))
        .order_by()
        .values(*(f"plan__{key}" for key in keys))
        .annotate(completed=Sum("amount"))
        .values_list(*(f"plan__{key}" for key in keys), "completed")
    )

    breakdowns: dict[str, dict[str, Figures]] = {name: {} for name in by}
    dimensions = [(breakdowns[name], key) for name, key in zip(by, keys, strict=True)]
    for group in groups:
        # each group's sums rounded as `money` once, then added to each dimension's figures
        projects, started = group["projects"], group["started"]
        total, planned = money(group["total_investment"]), money(group["annual_plan"])
        new = group["nature"] == Nature.NEW
        for found, key in dimensions:
            figures = found.get(group[key])
            if figures is None:
                figures = found[group[key]] = Figures(time_progress=schedule)
            figures.projects += projects
            figures.started += started
            figures.total_investment += total
            figures.annual_plan += planned
            if new:
                figures.new += projects
            else:
                figures.continuing += projects
    for *values, amount in completed:
        # each group's sum rounded as `money` before it is added (as one group's was)
        amount = money(amount)
        for (found, _), value in zip(dimensions, values, strict=True):
            found[value].completed += amount
    return breakdowns


# The orders a breakdown is shown in, on the dashboard and in the briefing alike. A tie is put in
# order by name: the groups come from a GROUP BY, which gives them in no order of its own
# (PostgreSQL's hash aggregate, not SQLite's sort), and a page or a PDF must read the same twice.


def by_completion_rate(groups: dict[str, Figures]) -> list[tuple[str, Figures]]:
    """各责任单位投资完成率: the highest completion rate first (none, with no plan money, as 0)."""
    return sorted(groups.items(), key=lambda item: (-(item[1].completion_rate or 0), item[0]))


def by_annual_plan(groups: dict[str, Figures]) -> list[tuple[str, Figures]]:
    """分行业: the largest 年度计划投资 first."""
    return sorted(groups.items(), key=lambda item: (-item[1].annual_plan, item[0]))


def portfolio_summary(
    period: Period,
    *,
    plans: AnnualPlanQuerySet | None = None,
    by_level: dict[str, Figures] | None = None,
) -> PortfolioSummary:
    """The portfolio figures of ``period`` (its year at the end of its month), by level.

    ``plans`` narrows the portfolio (a unit's or an industry's plan rows); it defaults to
    every plan row of the year. Two queries, none when ``by_level`` (``figures_by`` by level of
    the same period and plans, read with other breakdowns by ``figures_by_each``) is given.
    """
    schedule = period.time_progress
    summary = PortfolioSummary(time_progress=schedule, year=period.year, month=period.month)
    if by_level is None:
        by_level = figures_by(period, by="level", plans=plans)
    summary.by_level = {
        level: by_level.get(level, Figures(time_progress=schedule)) for level in Level.values
    }
    for figures in by_level.values():
        for name in ADDITIVE:
            setattr(summary, name, getattr(summary, name) + getattr(figures, name))
    return summary


def monthly_completion(
    period: Period, *, plans: AnnualPlanQuerySet | None = None, annual_plan: Decimal | None = None
) -> list[Decimal | None]:
    """The cumulative completion rate at the end of each month 1..``month`` (two queries; one
    when ``annual_plan``, the same plans' Σ 年度计划投资 (a summary's), is given)."""
    year, month = period.year, period.month
    plans = (AnnualPlan.objects.all() if plans is None else plans).counted(year)
    if annual_plan is None:
        annual_plan = money(plans.aggregate(total=Sum("planned_investment"))["total"])
    by_month = dict(
        counted_reports(year=year, month=month)
        .filter(plan__in=plans.values("pk"))
        .order_by()
        .values("month")
        .annotate(amount=Sum("amount"))
        .values_list("month", "amount")
    )
    rates, cumulative = [], ZERO
    for m in range(1, month + 1):
        cumulative += money(by_month.get(m))
        rates.append(rules.percent(cumulative, annual_plan))
    return rates


def projects_by_stage(
    period: Period, *, plans: AnnualPlanQuerySet | None = None
) -> list[tuple[str, int]]:
    """How many of the year's plan rows are in each project stage (one query).

    A replaced row (替换: its project's stage is 替换) counts in no figure, but it is on the
    year's list and in 项目库: the chart shows it under 替换, said not to count, so the chart
    agrees with 项目库's total."""
    plans = (AnnualPlan.objects.all() if plans is None else plans).filter(year=period.year)
    counts = dict(
        plans.order_by()
        .values("project__stage")
        .annotate(n=Count("pk"))
        .values_list("project__stage", "n")
    )
    return [
        (f"{stage.label}（不计入）" if stage == Stage.REPLACED else str(stage.label),
         counts.get(stage.value, 0))
        for stage in Stage
    ]  # fmt: skip


@dataclass
class UnitReporting:
    """One unit's reports for a month: what was expected and where each one stands."""

    unit_id: int
    unit: str
    expected: int
    submitted: int
    approved: int
    returned: int
    draft: int
    reporters: list[str] = field(default_factory=list)

    @property
    def outstanding(self) -> int:
        """Expected reports not yet sent: drafts, returned ones and those never started."""
        return self.expected - self.submitted - self.approved

    @property
    def missing(self) -> int:
        return self.outstanding - self.returned - self.draft


def expecting_reports(plans: AnnualPlanQuerySet, *, year: int, month: int) -> AnnualPlanQuerySet:
    """The plan rows that owe a report for month ``month``: counted rows started by its end.

    应报 on the review page, 未报送 in the lag list, I5 and the completeness line all count
    these (I5 and 未报送 only once the month's due day has passed).
    """
    return plans.counted(year).filter(started_q(rules.period_end(year, month)))


def reporting_status(*, year: int, month: int, plans: AnnualPlanQuerySet) -> list[UnitReporting]:
    """Each unit's month-``month`` reports, most outstanding first: two queries.

    A plan row expects a report once it has started (as 未报送 in the lag list and I5).
    The unit's active reporters come with their phone numbers, for a reminder call (催报).
    """
    status = MonthlyReport.Status

    def count(value: str) -> Count:
        return Count("month_report", filter=Q(month_report__status=value))

    rows = (
        expecting_reports(plans, year=year, month=month)
        # the month's report only (a row has one: report_unique_plan_month), joined as it is
        # read, not every month's reports joined and filtered after (0.6 s at a city's size)
        .alias(month_report=FilteredRelation("reports", condition=Q(reports__month=month)))
        .order_by()
        .values("project__unit", "project__unit__name")
        .annotate(
            expected=Count("pk"),
            submitted=count(status.SUBMITTED),
            approved=count(status.APPROVED),
            returned=count(status.RETURNED),
            draft=count(status.DRAFT),
        )
    )
    units = {
        row["project__unit"]: UnitReporting(
            unit_id=row["project__unit"],
            unit=row["project__unit__name"],
            expected=row["expected"],
            submitted=row["submitted"],
            approved=row["approved"],
            returned=row["returned"],
            draft=row["draft"],
        )
        for row in rows
    }
    reporters = User.objects.filter(
        role=User.Role.REPORTER, is_active=True, unit__in=list(units)
    ).order_by("username")
    for reporter in reporters:
        units[reporter.unit_id].reporters.append(  # type: ignore[index]  # unit__in: never None
            f"{reporter} {reporter.phone}" if reporter.phone else str(reporter)
        )
    return sorted(units.values(), key=lambda u: (-u.outstanding, u.unit))


def units_not_reported(*, year: int, month: int) -> list[UnitReporting]:
    """The units with reports of the month still outstanding (not sent, drafts, returned)."""
    status = reporting_status(year=year, month=month, plans=AnnualPlan.objects.all())
    return [unit for unit in status if unit.outstanding]


def describe_units(units: list[UnitReporting]) -> str:
    return "、".join(f"{unit.unit}（{unit.outstanding}份）" for unit in units)


@dataclass(frozen=True)
class Completeness:
    """How many of a period's reports are in (DESIGN.md §3): 应报N份、已报M份，K个单位未报.

    The period is month ``month`` (a quarter or a year: its last month); 已报 counts the
    reports that make up the figures (submitted or approved).
    """

    year: int
    month: int
    expected: int
    reported: int
    units_missing: int
    due: bool  # the month's due day has passed
    due_date: date
    # the data-quality flags on the reports these figures count (数据质量提示N条，未核实M条)
    quality: QualityCount = QualityCount(flags=0, unexamined=0)

    @property
    def complete(self) -> bool:
        return self.reported >= self.expected

    @property
    def needs_acknowledgement(self) -> bool:
        """A notice or briefing of this period needs 我已知悉 first: reports are missing, or
        flags on the counted reports are not yet examined by the office."""
        return not self.complete or self.quality.unexamined > 0

    @property
    def acknowledgement(self) -> str:
        """What 我已知悉 acknowledges, in the confirmation's words."""
        said = []
        if not self.complete:
            said.append("本期报表未报齐")
        if self.quality.unexamined:
            said.append(f"有{self.quality.unexamined}条数据质量提示尚未核实")
        return "我已知悉本期" + "、".join(said).removeprefix("本期")

    @property
    def missing(self) -> int:
        return max(self.expected - self.reported, 0)

    @property
    def text(self) -> str:
        """The line shown beside the period's figures ("" when nothing is expected)."""
        if not self.expected:
            return ""
        if self.complete:
            return f"{self.month}月报表应报{self.expected}份，已全部报送"
        if not self.due:
            # Nothing is owed before the due day, so no unit is named as missing.
            return (
                f"{self.month}月报表{self.due_date.month}月{self.due_date.day}日截止，尚未到期："
                f"已开工项目{self.expected}个、已报{self.reported}份"
            )
        return (
            f"{self.month}月报表应报{self.expected}份、已报{self.reported}份，"
            f"{self.units_missing}个单位未报"
        )


def report_completeness(period: Period, *, plans: AnnualPlanQuerySet | None = None) -> Completeness:
    """Whether the period's month's reports are all in, for ``plans`` (default: every row),
    on the period's ``today``.

    One grouped query (rows by unit, with how many have a counted report for the month) and
    one for the data-quality flags.
    """
    year, month = period.year, period.month
    scoped = plans
    plans = AnnualPlan.objects.all() if plans is None else plans
    reported = MonthlyReport.objects.filter(
        plan=OuterRef("pk"), month=month, status__in=MonthlyReport.COUNTED_STATUSES
    )
    rows = (
        expecting_reports(plans, year=year, month=month)
        .order_by()
        .values("project__unit")
        .annotate(expected=Count("pk"), reported=Count("pk", filter=Exists(reported)))
    )
    expected = sent = units_missing = 0
    for row in rows:
        expected += row["expected"]
        sent += row["reported"]
        units_missing += row["reported"] < row["expected"]
    return Completeness(
        year=year,
        month=month,
        expected=expected,
        reported=sent,
        units_missing=units_missing,
        due=period.is_due,
        due_date=period.due_date,
        quality=quality_count(year=year, month=month, plans=scoped),
    )
