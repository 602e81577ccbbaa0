"""Project-level progress: lag warnings (滞后项目) and the 挂图作战 board (the project ranking:
`investment.selectors.rankings`).

Each reads a fixed number of queries — the plan rows with their sums, the milestones, the
reports by month — so a page's query count does not depend on the number of projects.
The per-row judgements (which reason applies, which colour) follow DESIGN.md §3 here.
"""

import math
import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import reduce
from typing import Any, NamedTuple

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    DecimalField,
    Expression,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Coalesce, Round
from django.db.models.lookups import LessThan, LessThanOrEqual

from core import formatting
from core.models import money
from investment import rules
from investment.models import LEVEL_ORDER, MonthlyReport, WarningLevel, WarningRule
from investment.rules.periods import Period
from investment.rules.reporting import first_expected_month
from projects.models import AnnualPlan, AnnualPlanQuerySet, Level, Milestone, Project
from projects.rules import (
    counted_q,
    due_to_start_q,
    in_statistics_q,
    is_due_to_start,
    is_in_statistics,
    is_started,
    started_q,
)

ZERO = Decimal(0)
Indicator = WarningRule.Indicator


@dataclass
class PlanProgress:
    """A plan row at a period: who, how much, how far."""

    plan_id: int
    project_id: int
    code: str
    name: str
    unit: str
    level: str
    industry: str
    leader: str
    planned_investment: Decimal
    completed: Decimal
    time_progress: Decimal
    actual_start: date | None
    planned_start: date | None
    actual_end: date | None
    statistics_date: date | None = None

    @property
    def completion_rate(self) -> Decimal | None:
        return rules.percent(self.completed, self.planned_investment)

    @property
    def ahead_pp(self) -> Decimal | None:
        return rules.ahead_pp(self.completion_rate, self.time_progress)


def counted_reports_of_row(month: int) -> "QuerySet[MonthlyReport]":
    """The reports of the plan row at hand (``OuterRef("pk")``) that count through ``month``:
    for a subquery a row, an index lookup each. On PostgreSQL a join of a city's list with
    every year's reports, grouped by row, took 5–10 times as long (docs/performance.md)."""
    return MonthlyReport.objects.filter(
        MonthlyReport.counted_q(through=month), plan=OuterRef("pk")
    ).order_by()


def completed_through(month: int) -> Subquery:
    """A plan row's completed investment through ``month`` (None when no report counts)."""
    rows = counted_reports_of_row(month).values("plan").annotate(total=Sum("amount"))
    return Subquery(rows.values("total"))


def plan_progress(
    *, year: int, month: int, plans: AnnualPlanQuerySet | None = None
) -> AnnualPlanQuerySet:
    """Year ``year``'s plan rows with ``completed`` through ``month``, in one query."""
    plans = (AnnualPlan.objects.all() if plans is None else plans).counted(year)
    return (
        plans.select_related("project__unit")
        .annotate(completed=completed_through(month))
        .order_by("project__code")
    )


def plan_progress_all_years(*, project: Project, month: int = 12) -> AnnualPlanQuerySet:
    """A project's plan rows, every year, each with ``completed`` through ``month``."""
    counted = MonthlyReport.counted_q(through=month, prefix="reports__")
    return (
        AnnualPlan.objects.filter(project=project)
        .annotate(completed=Sum("reports__amount", filter=counted))
        .order_by("-year")
    )


# PlanProgress field ← the plan row's value it is read from.
PROGRESS_VALUES = {
    "plan_id": "pk",
    "project_id": "project_id",
    "code": "project__code",
    "name": "project__name",
    "unit": "project__unit__name",
    "level": "level",
    "industry": "project__industry",
    "leader": "project__leader",
    "planned_investment": "planned_investment",
    "completed": "completed",
    "actual_start": "actual_start",
    "planned_start": "project__planned_start",
    "actual_end": "project__actual_end",
    "statistics_date": "statistics_date",
}


def progress_rows(
    *, year: int, month: int, plans: AnnualPlanQuerySet | None = None, **extra: Any
) -> list[tuple[PlanProgress, dict[str, Any]]]:
    """``plan_progress`` read as plain values (no model instances: a city's thousands of rows
    cost a fraction), each with the values of the ``extra`` annotations."""
    rows = plan_progress(year=year, month=month, plans=plans).annotate(**extra)
    return as_progress(rows.values(*PROGRESS_VALUES.values(), *extra), month=month)


def as_progress(
    rows: Iterable[dict[str, Any]], *, month: int
) -> list[tuple[PlanProgress, dict[str, Any]]]:
    """`PlanProgress` of each row of ``plan_progress(...).values(*PROGRESS_VALUES.values())``."""
    levels = dict(Level.choices)
    schedule = rules.time_progress(month)
    result = []
    for row in rows:
        values = {name: row[source] for name, source in PROGRESS_VALUES.items()}
        values |= {"level": str(levels[row["level"]]), "completed": money(row["completed"])}
        result.append((PlanProgress(time_progress=schedule, **values), row))
    return result


# --- due to start --------------------------------------------------------------------
# DESIGN.md §3 "Lagging projects": a plan row not due to start by the period end
# (`projects.rules.due_to_start_q`) is neither 未按期开工 nor 投资滞后 (it still counts in every
# completion rate), and the board shows it grey as 未到开工期.

BEFORE_START_LABEL = "未到开工期"


def due_to_start(end: date) -> "ExpressionWrapper[Q]":
    """``due_to_start_q`` as an annotation (a boolean per row, in the rows' one query)."""
    return ExpressionWrapper(due_to_start_q(end), output_field=BooleanField())


# --- lag warnings ------------------------------------------------------------------


class LagReason:
    """The reasons a row is on the lag list: the labels of `WarningRule.Indicator`."""

    NOT_STARTED = str(Indicator.NOT_STARTED.label)
    INVESTMENT = str(Indicator.INVESTMENT.label)
    NOT_IN_STATISTICS = str(Indicator.NOT_IN_STATISTICS.label)
    MILESTONE = str(Indicator.MILESTONE.label)
    NOT_REPORTED = str(Indicator.NOT_REPORTED.label)


class Reason(NamedTuple):
    reason: str  # a LagReason
    details: str
    level: str  # a WarningLevel

    @property
    def level_label(self) -> str:
        return str(WarningLevel(self.level).label)


@dataclass
class LagWarning:
    progress: PlanProgress
    reasons: list[Reason] = field(default_factory=list)

    @property
    def level(self) -> str:
        """The row's level: its worst reason's."""
        level = worst_level(reason.level for reason in self.reasons)
        assert level is not None  # a warning has a reason
        return level

    @property
    def level_rank(self) -> int:
        """Red first when sorted ascending."""
        return -LEVEL_ORDER[self.level]

    @property
    def level_label(self) -> str:
        return str(WarningLevel(self.level).label)

    @property
    def summary(self) -> str:
        """The level and the reasons as one line of text (the mark's words, the exports)."""
        return f"{self.level_label}预警：" + "；".join(
            f"{r.reason}（{WarningLevel(r.level).label}）{r.details}" for r in self.reasons
        )


def _reports_judged(period: Period) -> bool:
    """Whether 未报送 is judged at all: the judged month's due day has passed."""
    month = period.judged_month
    return bool(month) and period.at(period.year, month).is_due


def _months_between(earlier: date, year: int, month: int) -> int:
    return (year - earlier.year) * 12 + month - earlier.month


def lag_warnings(period: Period, *, plans: AnnualPlanQuerySet | None = None) -> list[LagWarning]:
    """The early-warning list of ``period``: every plan row with at least one reason at
    yellow or red under the year's `WarningRule` rows (whose docstring table defines each
    measure and edge).

    The list is judged at the period's ``as_of``: its end, or today while it has not ended
    (a quarter asked for on 7 December is not judged on 31 December, which has not come).
    未按期开工, 未纳统 and 节点逾期 are judged on that day; 投资滞后 and 未报送 on the figures of
    its ``judged_month`` (November, on 7 December), and 未报送 only once that month's due day
    has passed. A row not due to start by that day (``due_to_start_q``) is judged neither
    未按期开工 nor 投资滞后. Two queries, the plan rows with their sums and the overdue
    milestones (and the year's rules, when the period has not read them yet).
    """
    year, rule, end = period.year, period.warning_rules, period.as_of
    month = period.judged_month
    when = period.as_of_text
    deadline_passed = _reports_judged(period)
    last = counted_reports_of_row(month).values("plan").annotate(last=Max("month"))
    rows = progress_rows(
        year=year,
        month=max(month, 1),
        plans=plans,
        last_reported=Subquery(last.values("last")),
        due_to_start=due_to_start(end),
    )
    counted = (AnnualPlan.objects.all() if plans is None else plans).counted(year)
    overdue = (  # of the rows' projects only (a page of the list: not every project's)
        Milestone.objects.filter(project__in=counted.values("project"))
        .late(at_end_of=end)
        .order_by("planned_date", "name")
        .values_list("project_id", "name", "planned_date")  # names only: no model instances
    )
    overdue_by_project: dict[int, list[tuple[str, date]]] = {}
    for project_id, name, planned in overdue:
        overdue_by_project.setdefault(project_id, []).append((name, planned))

    def judge(indicator: str, measure: Decimal | int, details: str) -> None:
        level = rule[indicator].level(measure)
        if level is not None:
            warning.reasons.append(Reason(str(Indicator(indicator).label), details, level))

    warnings = []
    for progress, values in rows:
        warning = LagWarning(progress)
        start = progress.actual_start
        started = is_started(start, end)
        planned = progress.planned_start
        due = values["due_to_start"]
        if not started and planned and planned < end:  # "before the period end": not on it
            late = _months_between(planned, end.year, end.month)
            judge(
                Indicator.NOT_STARTED,
                late,
                f"计划{formatting.day(planned)}开工，至{when}未开工"
                + (f"（已{late}个月）" if late else ""),
            )
        behind = progress.ahead_pp
        if month and behind is not None and due:
            judge(
                Indicator.INVESTMENT,
                -behind,
                f"完成{rules.for_page(progress.completion_rate)}%，"
                f"低于序时进度{rules.for_page(-behind)}个百分点",
            )
        if started and start and not is_in_statistics(progress.statistics_date, end):
            since = _months_between(start, end.year, end.month)
            judge(
                Indicator.NOT_IN_STATISTICS,
                since,
                f"{formatting.day(start)}开工，至{when}未纳统",
            )
        late_milestones = overdue_by_project.get(progress.project_id, [])
        if late_milestones:
            names = "、".join(f"{name}（{planned:%m-%d}）" for name, planned in late_milestones)
            days = (end - late_milestones[0][1]).days  # the oldest first
            judge(
                Indicator.MILESTONE,
                days,
                f"{len(late_milestones)}个节点逾期：{names}"
                + (f"，最久逾期{days}天" if days else ""),
            )
        if deadline_passed and started and start:
            first_expected = first_expected_month(start, year)
            running = min(month - (values["last_reported"] or 0), month - first_expected + 1)
            if running:
                judge(
                    Indicator.NOT_REPORTED,
                    running,
                    f"{month}月报表逾期未报送"
                    if running == 1
                    else f"连续{running}个月（{month - running + 1}–{month}月）报表未报送",
                )
        if warning.reasons:
            warnings.append(warning)
    return warnings


def project_warning(period: Period, *, project: Project) -> LagWarning | None:
    """``project``'s row on the lag list of ``period`` (its page, 项目一页纸), None when it is
    not on it: the list's own judgement, read for one project (two queries)."""
    found = lag_warnings(period, plans=AnnualPlan.objects.filter(project=project))
    return found[0] if found else None


# --- the lag levels in the database --------------------------------------------------
# `lag_warnings` above judges loaded rows and writes each reason's details; `lag_levels` is the
# same judgement as database expressions, one level per indicator and row, so that a count
# (总体情况, 我的待办) or a filter needs no row loaded and judged in Python. Each edge of
# `WarningRule`'s table becomes a date or a product compared in the query (no division: SQLite
# divides integers whole): a whole measure passes a threshold t from ceil(t) (≥) or floor(t) + 1
# (>); "n months from a date's month to m" is "the date on or before the last day of the month
# n before m"; "n days from a date to ``end``" is "the date on or before ``end`` − n days".
# `tests/investment/test_lag_levels.py` holds the two forms equal on random data.

LAG_FIELDS = {indicator: f"lag_{indicator}" for indicator in Indicator.values}


def _at_least(threshold: Decimal, strict: bool) -> int:
    """The least whole measure past ``threshold`` (> when ``strict``, else ≥)."""
    return math.floor(threshold) + 1 if strict else math.ceil(threshold)


def _months_back(end: date, months: int) -> date:
    """The last day of the month ``months`` before the month of ``end``."""
    index = end.year * 12 + end.month - 1 - months
    return rules.period_end(index // 12, index % 12 + 1)


class _OfTheRow(ExpressionWrapper):  # type: ignore[type-arg]
    """A value of the outer query's row inside an aggregate's subquery: a constant there, so
    nothing to group by (Django would group by it, and cannot write an outer reference in a
    GROUP BY)."""

    def get_group_by_cols(self) -> list[Any]:
        return []


# (threshold, strict) → the rows whose measure passes it; None: none can (a level without its
# condition, rather than a condition on no row: inside an aggregate's subquery, a condition on
# the reports' own key would group them by it)
Passes = Callable[[Decimal, bool], Q | None]


def _lag_conditions(period: Period) -> dict[str, Passes]:
    """indicator → (threshold, strict) → the rows whose measure passes it (`lag_warnings`'s
    measures, in its order, judged as it judges them: at ``as_of``, on ``judged_month``)."""
    year, month, end = period.year, period.judged_month, period.as_of
    started = started_q(end)

    def not_started(threshold: Decimal, strict: bool) -> Q:
        months = _at_least(threshold, strict)
        late = Q(project__planned_start__lte=_months_back(end, months)) if months > 0 else Q()
        return ~started & Q(project__planned_start__lt=end) & late

    def investment(threshold: Decimal, strict: bool) -> Q | None:
        """Of the reports' sum (``lag_completed``) against the row's plan (``OuterRef``): it is
        judged inside the subquery that sums them (`_investment_level`), once a row."""
        if not month:
            return None
        # 序时进度 − completed × 100 / plan > t  ⇔  completed × 1200 < (100 m − 12 t) × plan
        compare = LessThan if strict else LessThanOrEqual
        behind = compare(
            F("lag_completed") * Value(Decimal(1200)),
            _OfTheRow(
                OuterRef("planned_investment") * Value(Decimal(100 * month) - 12 * threshold),
                output_field=DecimalField(),
            ),
        )
        return Q(behind)

    def not_in_statistics(threshold: Decimal, strict: bool) -> Q:
        months = _at_least(threshold, strict)
        since = Q(actual_start__lte=_months_back(end, months)) if months > 0 else Q()
        return started & ~in_statistics_q(end) & since

    def milestone(threshold: Decimal, strict: bool) -> Q:
        """Of the oldest 计划完成日期 among the project's milestones late at ``end``
        (``lag_oldest``, None when none is late): judged inside the subquery that finds it
        (`_milestone_level`), once a row."""
        days = max(_at_least(threshold, strict), 0)
        return Q(lag_oldest__lte=end - timedelta(days=days))

    def not_reported(threshold: Decimal, strict: bool) -> Q | None:
        """Of the last month through m with a counted report (``lag_last``, 0 when none)
        against the row's start (``OuterRef``): judged inside the subquery that reads the
        row's reports (`_not_reported_level`), once a row."""
        # running ≥ n: no counted report in months m − n + 1..m, and the row owed one for
        # each of them (its first expected month on or before m − n + 1: started by that
        # month's end, which is on or before ``end``, so started)
        months = max(_at_least(threshold, strict), 1)  # a row with no month missing: no reason
        if not _reports_judged(period) or months > month:
            return None
        first = month - months + 1
        owed = LessThanOrEqual(
            _OfTheRow(OuterRef("actual_start"), output_field=DateField()),
            Value(rules.period_end(year, first)),
        )
        return Q(lag_last__lt=first) & Q(owed)

    return {
        Indicator.NOT_STARTED: not_started,
        Indicator.INVESTMENT: investment,
        Indicator.NOT_IN_STATISTICS: not_in_statistics,
        Indicator.MILESTONE: milestone,
        Indicator.NOT_REPORTED: not_reported,
    }


def _level(period: Period, indicator: str, passes: Passes) -> Case:
    """The level of ``indicator`` from its condition at the rule's red and yellow thresholds."""
    rule = period.warning_rules[indicator]
    _, yellow_strict, red_strict = WarningRule.EDGES[Indicator(indicator)]
    edges = [
        (WarningLevel.RED, passes(rule.red, red_strict)),
        (WarningLevel.YELLOW, passes(rule.yellow, yellow_strict)),
    ]
    return Case(
        *(
            When(condition, then=Value(level))
            for level, condition in edges
            if condition is not None
        ),
        default=Value(None),
        output_field=CharField(),
    )


def _investment_level(period: Period, passes: Passes) -> Case:
    """投资滞后's level of the row at hand, judged where its reports are summed: one subquery a
    row (an aggregate without GROUP BY: one row even with no report, the sum then 0) instead
    of the sum written into each threshold's condition and computed for each (a city's
    12,000 rows: 21,000 sums instead of 12,000)."""
    reports = counted_reports_of_row(period.judged_month).annotate(one=Value(1)).values("one")
    # rounded as `money` (SQLite sums decimals as floats)
    completed = Round(Coalesce(Sum("amount"), Value(ZERO)), 4, output_field=DecimalField())
    judged = reports.annotate(lag_completed=completed).annotate(
        level=_level(period, Indicator.INVESTMENT, passes)
    )
    due = ~Q(planned_investment=0) & due_to_start_q(period.as_of)
    return Case(
        When(due, then=Subquery(judged.values("level"))),
        default=Value(None),
        output_field=CharField(),
    )


def _milestone_level(period: Period, passes: Passes) -> Subquery:
    """节点逾期's level of the row at hand, judged where its project's late milestones are
    found: one subquery a row (an aggregate without GROUP BY: one row, the oldest date None
    when none is late), an index lookup by project, instead of a pass over every project's
    milestones for each threshold."""
    late = (
        Milestone.objects.filter(project=OuterRef("project"))
        .late(at_end_of=period.as_of)
        .order_by()
        .annotate(one=Value(1))
        .values("one")
    )
    judged = late.annotate(lag_oldest=Min("planned_date")).annotate(
        level=_level(period, Indicator.MILESTONE, passes)
    )
    return Subquery(judged.values("level"), output_field=CharField())


def _not_reported_level(period: Period, passes: Passes) -> Expression:
    """未报送's level of the row at hand, judged where its reports are read: one subquery a
    started row (the last month with a counted report, 0 when none), an index lookup by row,
    instead of a pass over every year's reports for each threshold."""
    if not _reports_judged(period):
        return Value(None, output_field=CharField())
    reports = counted_reports_of_row(period.judged_month).annotate(one=Value(1)).values("one")
    judged = reports.annotate(lag_last=Coalesce(Max("month"), Value(0))).annotate(
        level=_level(period, Indicator.NOT_REPORTED, passes)
    )
    return Case(
        When(started_q(period.as_of), then=Subquery(judged.values("level"))),
        default=Value(None),
        output_field=CharField(),
    )


def lag_levels(period: Period, plans: AnnualPlanQuerySet | None = None) -> AnnualPlanQuerySet:
    """The period's counted plan rows (of ``plans``), each annotated, for each indicator, with
    the level it reaches (``LAG_FIELDS``: a `WarningLevel` value or None), as `lag_warnings`
    judges them. One query."""
    plans = (AnnualPlan.objects.all() if plans is None else plans).counted(period.year)
    return plans.annotate(**_lag_annotations(period))


def _lag_annotations(period: Period, suffix: str = "") -> dict[str, BaseExpression]:
    """`lag_levels`' annotations of ``period``, named ``LAG_FIELDS`` + ``suffix``."""
    levels: dict[str, BaseExpression] = {}
    for indicator, passes in _lag_conditions(period).items():
        name = LAG_FIELDS[indicator] + suffix
        if not period.warning_rules[indicator].enabled:
            levels[name] = Value(None, output_field=CharField())
        elif indicator == Indicator.INVESTMENT and period.judged_month:
            levels[name] = _investment_level(period, passes)
        elif indicator == Indicator.MILESTONE:
            levels[name] = _milestone_level(period, passes)
        elif indicator == Indicator.NOT_REPORTED:
            levels[name] = _not_reported_level(period, passes)
        else:
            levels[name] = _level(period, indicator, passes)
    return levels


def worst_level(levels: Iterable[str | None]) -> str | None:
    """A row's level from its reasons' levels: the worst, None when there is none."""
    found = [level for level in levels if level]
    return max(found, key=LEVEL_ORDER.__getitem__) if found else None


class LevelCount(NamedTuple):
    level: str
    label: str
    total: int


def _level_counts(counts: dict[str, int]) -> list[LevelCount]:
    return [
        LevelCount(level, str(WarningLevel(level).label), counts.get(level, 0))
        for level in (WarningLevel.RED, WarningLevel.YELLOW)
    ]


def level_counts(warnings: list[LagWarning]) -> list[LevelCount]:
    """How many rows are red, and how many yellow (red first)."""
    counts = dict.fromkeys(WarningLevel.values, 0)
    for warning in warnings:
        counts[warning.level] += 1
    return _level_counts(counts)


def lag_level_counts(
    period: Period, *, plans: AnnualPlanQuerySet | None = None
) -> list[LevelCount]:
    """``level_counts(lag_warnings(period, plans=plans))`` judged in the database: one query
    reading five levels a row, no model and no measure (and the year's rules, when the period
    has not read them yet)."""
    return lag_level_counts_each([period], plans=plans)[0]


def lag_level_counts_each(
    periods: list[Period], *, plans: AnnualPlanQuerySet | None = None
) -> list[list[LevelCount]]:
    """`lag_level_counts` of each of ``periods`` (in their order) in one query: each row read
    once with each period's five levels beside it (the dashboard's month shown and the month
    that is due, for its to-dos); a row not counted in a period's year has none of its levels."""
    shown = list(dict.fromkeys(periods))
    years = {period.year for period in shown}
    levels: dict[str, BaseExpression] = {}
    for i, period in enumerate(shown):
        for name, judged in _lag_annotations(period, suffix=f"_{i}").items():
            if len(years) > 1:
                counted = Q(counted_q(period.year))
                judged = Case(When(counted, then=judged), default=None, output_field=CharField())
            levels[name] = judged
    rows = (
        (AnnualPlan.objects.all() if plans is None else plans)
        .filter(reduce(operator.or_, (counted_q(year) for year in years)))
        .annotate(**levels)
        .order_by()
        .values_list("pk", *levels)  # "pk": grouped by the row, not by its levels
    )
    counts: list[dict[str, int]] = [{} for _ in shown]
    width = len(LAG_FIELDS)
    # each period's levels in the row (after its "pk"), with the period's counts
    slices = [(slice(1 + i * width, 1 + (i + 1) * width), found) for i, found in enumerate(counts)]
    worst: dict[tuple[str | None, ...], str | None] = {}  # a few hundred combinations at most
    for row in rows:
        for where, found in slices:
            row_levels = row[where]
            if row_levels not in worst:
                worst[row_levels] = worst_level(row_levels)
            level = worst[row_levels]
            if level is not None:
                found[level] = found.get(level, 0) + 1
    by_period = {period: _level_counts(found) for period, found in zip(shown, counts, strict=True)}
    return [by_period[period] for period in periods]


# --- the lag list, a page at a time --------------------------------------------------


class LagRows:
    """The lag list (`lag_warnings` of ``plans``; only the rows with ``reason``, or at
    ``level``, when asked) judging in Python only the rows a page shows: one query reads every
    row's levels (`lag_levels`) with what the list sorts by, and `lag_warnings` writes the
    reasons of the rows sliced (two queries more). A list to django-tables2: ``len``, slices,
    ``order_by`` (by the table's accessors) and ``sort`` (any other order: every row judged)."""

    # a sort of the list (the table's accessor) → the value of a row read here
    KEYS = {"progress__code": 1, "progress__unit": 2, "progress__level": 3, "level_rank": 4}

    def __init__(
        self,
        period: Period,
        *,
        plans: AnnualPlanQuerySet,
        reason: str | None = None,
        level: str | None = None,
    ) -> None:
        self.period, self.plans = period, plans
        labels = dict(Level.choices)
        fields = list(LAG_FIELDS.values())
        reasons = {str(Indicator(indicator).label): n for n, indicator in enumerate(LAG_FIELDS)}
        found = lag_levels(period, plans).values_list(
            "pk", "project__code", "project__unit__name", "level", *fields
        )
        self.rows: list[tuple[int, str, str, str, int]] = []
        counts: dict[str, int] = {}
        for pk, code, unit, row_level, *levels in found.order_by("project__code"):
            worst = worst_level(levels)
            if worst is None:
                continue
            counts[worst] = counts.get(worst, 0) + 1
            if reason and levels[reasons[reason]] is None or level and worst != level:
                continue
            rank = -LEVEL_ORDER[worst]  # `LagWarning.level_rank`
            self.rows.append((pk, code, unit, str(labels[row_level]), rank))
        self.levels = _level_counts(counts)  # every row's, before the reason and level asked
        self.judged: list[LagWarning] | None = None  # every row, once sorted by `sort`

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[LagWarning]:
        return iter(self[:])

    def __getitem__(self, index: slice) -> list[LagWarning]:
        if self.judged is not None:
            return self.judged[index]
        keys = [row[0] for row in self.rows[index]]
        shown = self.plans.filter(pk__in=keys)
        judged = {w.progress.plan_id: w for w in lag_warnings(self.period, plans=shown)}
        return [judged[key] for key in keys]

    def order_by(self, accessors: list[str]) -> bool:
        """Sort by the table's ``accessors`` ("-": descending) as django-tables2 would (stable,
        from the code order); False, nothing done, for an accessor not in ``KEYS``."""
        if any(accessor.lstrip("-") not in self.KEYS for accessor in accessors):
            return False
        for accessor in reversed(accessors):  # the least significant first: sorts are stable
            key = self.KEYS[accessor.lstrip("-")]
            self.rows.sort(key=operator.itemgetter(key), reverse=accessor.startswith("-"))
        return True

    def sort(self, key: Callable[[LagWarning], Any]) -> None:
        """Python's sort of every row judged (an order not read here)."""
        self.judged = sorted(self[:], key=key)


def with_marks(
    rows: "list[BoardRow]", period: Period, *, plans: AnnualPlanQuerySet
) -> "list[BoardRow]":
    """The board rows with their warning marks: the lag list of the same rows (``plans``
    narrowed to them), so a mark and the list always agree. Two more queries."""
    shown = plans.filter(pk__in=[row.progress.plan_id for row in rows])
    marks = {w.progress.plan_id: w for w in lag_warnings(period, plans=shown)}
    for row in rows:
        row.warning = marks.get(row.progress.plan_id)
    return rows


# --- the 挂图作战 board ---------------------------------------------------------------


class Colour:
    GREEN = "green"  # on or ahead of schedule
    AMBER = "amber"  # up to the threshold behind
    RED = "red"  # more than the threshold behind
    GREY = "grey"  # no plan, not started yet, or not due to start yet (未到开工期)
    BLUE = "blue"  # completed
    # Ours: a month whose due day has not passed and whose report is not in yet. It expects no
    # report yet (DESIGN.md §3), so it is not judged red for the money not reported.
    PENDING = "pending"


@dataclass
class BoardCell:
    month: int
    colour: str
    completed: Decimal  # cumulative through this month
    completion_rate: Decimal | None
    time_progress: Decimal
    # A started row's month whose due day has passed with no report in (未报送): the colour
    # still follows the cumulative figure, the cell says the month is missing.
    missing: bool = False
    # The month ends before the row's 计划开工日期 (`is_due_to_start`): grey, 未到开工期.
    before_start: bool = False

    @property
    def label(self) -> str:
        return BEFORE_START_LABEL if self.before_start else ""


@dataclass
class BoardRow:
    progress: PlanProgress
    cells: list[BoardCell]
    warning: LagWarning | None = None  # the row's mark, when the page asks (`with_marks`)


def board_colour(
    *,
    completion_rate: Decimal | None,
    schedule: Decimal,
    started: bool,
    completed_project: bool,
    threshold: Decimal,
    awaiting_report: bool = False,
    due_to_start: bool = True,
) -> str:
    """A project-month's colour on the board (DESIGN.md §3); ``due_to_start`` False: the
    month ends before the row's 计划开工日期 (未到开工期)."""
    if completed_project:
        return Colour.BLUE
    if completion_rate is None or not started or not due_to_start:
        return Colour.GREY
    if awaiting_report:
        return Colour.PENDING
    behind = schedule - completion_rate
    if behind <= 0:
        return Colour.GREEN
    if behind <= threshold:
        return Colour.AMBER
    return Colour.RED


def board(period: Period, *, plans: AnnualPlanQuerySet | None = None) -> list[BoardRow]:
    """Every plan row × months 1..``month``, coloured, with the figures behind each colour.

    A month whose due day has not passed by the period's ``today`` and whose report is not in
    is ``Colour.PENDING``, not red. The amber/red edge is the 投资滞后 rule's yellow threshold.
    Two queries, the plan rows and the reports summed by plan and month (and the year's
    rules, when the period has not read them yet).
    """
    year, month = period.year, period.month
    threshold = period.warning_rules[Indicator.INVESTMENT].yellow
    through = period.due_through
    plans = (AnnualPlan.objects.all() if plans is None else plans).counted(year)
    rows = progress_rows(year=year, month=month, plans=plans)
    monthly: dict[tuple[int, int], Decimal] = {
        (plan_id, report_month): money(amount)
        for plan_id, report_month, amount in MonthlyReport.objects.filter(
            MonthlyReport.counted_q(through=month), plan__in=plans.values("pk")
        )
        .order_by()
        .values("plan", "month")
        .annotate(amount=Sum("amount"))
        .values_list("plan", "month", "amount")
    }
    board_rows = []
    for progress, _ in rows:
        cumulative = ZERO
        cells = []
        for k in range(1, month + 1):
            cumulative += monthly.get((progress.plan_id, k), ZERO)
            k_end = rules.period_end(year, k)
            rate = rules.percent(cumulative, progress.planned_investment)
            schedule = rules.time_progress(k)
            started = is_started(progress.actual_start, k_end)
            completed = progress.actual_end is not None and progress.actual_end <= k_end
            reported = (progress.plan_id, k) in monthly
            due = is_due_to_start(progress.planned_start, k_end)
            colour = board_colour(
                completion_rate=rate,
                schedule=schedule,
                started=started,
                completed_project=completed,
                threshold=threshold,
                awaiting_report=k > through and not reported,
                due_to_start=due,
            )
            missing = k <= through and started and not completed and not reported
            before_start = not due and not completed
            cells.append(BoardCell(k, colour, cumulative, rate, schedule, missing, before_start))
        board_rows.append(BoardRow(progress, cells))
    return board_rows
