"""Why a unit scored what it did: the rows behind each indicator's numerator and denominator.

The rows are selected with the very conditions ``unit_ranking`` counts with
(``milestones_due``, ``Milestone.ON_TIME``, ``findings_due``, ``Finding.ON_TIME``,
``report_expected``, ``report_on_time``), so an explanation cannot disagree with the score.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import ClassVar

from django.db.models import BooleanField, Case, Q, Value, When

from core.models import money
from investment import rules
from investment.rules.indicators import INVESTMENT, START, Indicator
from investment.rules.periods import Period
from investment.rules.reporting import expected_months, report_expected
from investment.selectors.portfolio import counted_reports
from investment.selectors.rankings import (
    UnitScore,
    findings_due,
    milestones_due,
    report_on_time,
    unit_ranking,
)
from projects.models import AnnualPlan, Milestone
from projects.rules import is_started
from supervision.models import Finding

POINTS = Decimal("0.01")


@dataclass
class PlanLine:
    code: str
    name: str
    planned_investment: Decimal
    actual_start: date | None
    planned_start: date | None = None
    completed: Decimal = Decimal(0)
    expected_months: list[int] = field(default_factory=list)
    on_time_months: list[int] = field(default_factory=list)
    started: bool = False  # 实际开(复)工日期 on or before the period end, as I2 counts
    behind: Decimal = Decimal(0)  # 万元 short of 序时 (negative: ahead of it)
    i1_points: Decimal = Decimal(0)  # I1 points this row costs (negative: points it gives back)
    i2_points: Decimal = Decimal(0)  # I2 points this row costs (not started)

    @property
    def behind_shown(self) -> Decimal:
        """``behind`` as a person reads it, to 0.01 万元: plan × 序时 has no exact 元 (a plan of
        10,664 at 11/12 is 9,775.3333…), so the stored four places would print noise."""
        return rules.round_half_up(self.behind, POINTS)

    @property
    def missing_or_late_months(self) -> list[int]:
        return [m for m in self.expected_months if m not in self.on_time_months]


@dataclass
class ItemLine:
    """A milestone or a finding, and whether it counts as done on time."""

    code: str
    name: str
    due: date
    done: date | None
    on_time: bool


@dataclass
class Explanation:
    score: UnitScore
    plans: list[PlanLine]
    milestones: list[ItemLine]
    findings: list[ItemLine]

    @property
    def behind_schedule(self) -> list[PlanLine]:
        """The rows that cost I1 points, furthest behind 序时 first."""
        return sorted((p for p in self.plans if p.i1_points > 0), key=lambda p: -p.behind)

    @property
    def given_back(self) -> Decimal:
        """The I1 points the rows ahead of 序时 give back (as a positive number)."""
        return -sum((p.i1_points for p in self.plans if p.i1_points < 0), start=Decimal(0))

    @property
    def not_started(self) -> list[PlanLine]:
        """The rows that cost I2 points: not started by the period end."""
        return [p for p in self.plans if not p.started]

    @property
    def points_lost(self) -> tuple[Decimal, ...]:
        """The points each indicator lost: weight × (1 − indicator), to 2 decimals, in the
        indicators' order."""
        s = self.score
        return tuple(
            rules.round_half_up(w * (1 - i), POINTS)
            for w, i in zip(s.weights, s.indicators, strict=True)
        )

    # The two indicators whose lost points are charged to plan rows (``_charge_points``).
    investment: ClassVar[Indicator] = INVESTMENT
    start: ClassVar[Indicator] = START


class UnknownUnit(LookupError):
    pass


def explain_unit(period: Period, *, unit: str) -> Explanation:
    """The breakdown of ``unit``'s score at ``period``; ``UnknownUnit`` if it is not ranked."""
    year, month = period.year, period.month
    ranking = unit_ranking(period)
    score = next((s for s in ranking.units if s.unit == unit), None)
    if score is None:
        names = "、".join(s.unit for s in ranking.units) or "（无）"
        raise UnknownUnit(
            f"“{unit}”在{year}年没有列入计划的项目，不参加排名。参加排名的单位：{names}"
        )
    end = period.as_of
    through = period.due_through

    plans = {
        plan.pk: PlanLine(
            code=plan.project.code,
            name=plan.project.name,
            planned_investment=plan.planned_investment,
            actual_start=plan.actual_start,
            planned_start=plan.project.planned_start,
            expected_months=expected_months(plan.actual_start, year, through),
            started=is_started(plan.actual_start, end),
        )
        for plan in AnnualPlan.objects.counted(year)
        .filter(project__unit=score.unit_id)
        .select_related("project")
        .order_by("project__code")
    }
    on_time = report_on_time(year=year, month=month, due_day=ranking.settings.due_day)
    expected = report_expected(year=year, through=through)
    reports = counted_reports(year=year, month=month).filter(plan__in=list(plans))
    for plan_id, report_month, amount, counts in reports.values_list(
        "plan", "month", "amount", _flag(on_time & expected)
    ):
        plans[plan_id].completed += money(amount)
        if counts:
            plans[plan_id].on_time_months.append(report_month)

    _charge_points(list(plans.values()), score)

    milestones = [
        ItemLine(m.project.code, m.name, m.planned_date, m.actual_date, m.on_time)
        for m in milestones_due(year=year, end=end)
        .filter(owner=score.unit_id)
        .annotate(on_time=_flag(Milestone.ON_TIME))
        .select_related("project")
        .order_by("planned_date", "pk")
    ]
    findings = [
        ItemLine(
            f.project.code if f.project else "", f.description, f.deadline, f.closed_on, f.on_time
        )
        for f in findings_due(year=year, end=end)
        .filter(unit=score.unit_id)
        .annotate(on_time=_flag(Finding.ON_TIME))
        .select_related("project")
        .order_by("deadline", "pk")
    ]
    return Explanation(score, list(plans.values()), milestones, findings)


def _charge_points(plans: list[PlanLine], score: UnitScore) -> None:
    """Each row's share of the points I1 and I2 lost, exactly (before rounding).

    I1 = Σ completed / (Σ plan × 序时) when below 1, that is 1 − Σ (plan × 序时 − completed) /
    (Σ plan × 序时): a row behind 序时 costs weight × its shortfall / (Σ plan × 序时), a row ahead
    gives as much back. At I1 = 1 (capped) no row costs anything. I2 = started / rows: a row
    not started costs weight / rows."""
    schedule = score.time_progress / rules.HUNDRED
    expected = score.annual_plan * schedule
    i1_lost = INVESTMENT.value(score) < 1 and expected > 0
    i1_weight, i2_weight = score.weight(INVESTMENT), score.weight(START)
    for p in plans:
        p.behind = p.planned_investment * schedule - p.completed
        if i1_lost:
            p.i1_points = rules.round_half_up(i1_weight * p.behind / expected, POINTS)
        if not p.started:
            p.i2_points = rules.round_half_up(Decimal(i2_weight) / score.projects, POINTS)


def _flag(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )
