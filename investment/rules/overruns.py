"""超概算 and 超工期 (DESIGN.md §3 Overruns): the one rule, as a query and as a Python check.

- cost overrun = 总投资 − 原总投资 (万元), and that / 原总投资 × 100 (%);
- time overrun = whole months from 原计划竣工日期 to the later of 计划竣工日期 and, for a project
  not yet 竣工 or 投产, the period end; never negative.

**Whole months** from day a to day b: calendar months between them, less one when b's day of
the month has not reached a's, unless b is the last day of its month (a period end always is:
from 31 March, 30 April is one whole month). Same month: 0.

Both forms sit side by side (`time_overrun_months` in Python, `time_overrun_expression` in
SQL) and `tests/investment/test_overruns.py` holds them equal on both databases. Lists and
counts are annotated in the database (`overrun_plans`, `overrun_summary`): a page's query count
does not grow with the portfolio. The originals are kept by `projects.services.revisions`.
"""

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    Greatest,
)

from core.formatting import prose, wan_text
from core.models import money
from investment import rules
from investment.rules.periods import Period
from projects.models import AnnualPlan, AnnualPlanQuerySet, Stage

# A project 竣工 or 投产 is done: the period end no longer pushes its overrun on.
DONE = (Stage.COMPLETED, Stage.OPERATING)


# --- the rule in Python ---------------------------------------------------------------------


def whole_months(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    month_end = end.day == calendar.monthrange(end.year, end.month)[1]
    if end.day < start.day and not month_end:
        months -= 1
    return months


def time_overrun_months(
    *, original: date | None, planned: date | None, stage: str, period_end: date
) -> int:
    """超工期 in whole months (0 when there is no original date to compare with)."""
    if original is None:
        return 0
    reach = planned if stage in DONE else max(planned or period_end, period_end)
    if reach is None:
        return 0
    return max(whole_months(original, reach), 0)


def cost_overrun(total: Decimal, original: Decimal | None) -> Decimal | None:
    """超概算 in 万元 (negative: below the original approval); None when no original."""
    return None if original is None else total - original


def cost_overrun_pct(total: Decimal, original: Decimal | None) -> Decimal | None:
    """超概算 as a percentage of 原总投资 (None with no original, or an original of 0)."""
    overrun = cost_overrun(total, original)
    return None if overrun is None or original is None else rules.percent(overrun, original)


# --- the rule in the database ---------------------------------------------------------------


def time_overrun_expression(*, period_end: date, prefix: str = ""):
    """`time_overrun_months` over project fields (``prefix``: "project__" from a plan row)."""
    original = F(f"{prefix}original_completion")
    planned = F(f"{prefix}planned_end")
    end = Value(period_end, output_field=DateField())
    reach = Case(
        When(**{f"{prefix}stage__in": DONE}, then=planned),
        default=Greatest(Coalesce(planned, end), end),
        output_field=DateField(),
    )
    following = ExpressionWrapper(reach + Value(timedelta(days=1)), output_field=DateField())
    months = (ExtractYear(reach) - ExtractYear(original)) * 12 + (
        ExtractMonth(reach) - ExtractMonth(original)
    )
    short = Case(
        When(
            Q(_reach_day__lt=F("_original_day")) & ~Q(_following_day=1),
            then=Value(1),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    return {
        "_reach_day": ExtractDay(reach),
        "_original_day": ExtractDay(original),
        "_following_day": ExtractDay(following),
        "time_overrun": Coalesce(
            Greatest(months - short, Value(0), output_field=IntegerField()),
            Value(0),
            output_field=IntegerField(),
        ),
    }


def with_overruns(queryset: QuerySet, *, period_end: date, prefix: str = "") -> QuerySet:
    """``queryset`` (projects, or plan rows with ``prefix`` "project__") annotated with
    ``time_overrun`` (months) and ``cost_overrun`` (万元, None without an original)."""
    parts = time_overrun_expression(period_end=period_end, prefix=prefix)
    steps = {name: parts.pop(name) for name in ("_reach_day", "_original_day", "_following_day")}
    total, original = F(f"{prefix}total_investment"), F(f"{prefix}original_total")
    return queryset.annotate(**steps).annotate(
        **parts,
        cost_overrun=total - original,
        # for sorting by the share only; the share shown is `cost_overrun_pct`, exact
        cost_overrun_ratio=Case(
            When(**{f"{prefix}original_total__gt": 0}, then=(total - original) / original),
            default=None,
        ),
    )


COST_Q = Q(project__total_investment__gt=F("project__original_total"))
TIME_Q = Q(time_overrun__gt=0)


def overrun_plans(period: Period, *, plans: AnnualPlanQuerySet) -> QuerySet[AnnualPlan]:
    """The period's year's counted plan rows (of ``plans``) whose project overruns its cost or
    its time at the period's end, annotated (`with_overruns`), most over budget first."""
    rows = with_overruns(plans.counted(period.year), period_end=period.as_of, prefix="project__")
    return (
        rows.filter(COST_Q | TIME_Q)
        .select_related("project__unit")
        .order_by(F("cost_overrun").desc(nulls_last=True), "-time_overrun", "project__code")
    )


@dataclass(frozen=True)
class OverrunSummary:
    """超概算项目N个，合计X万元；超工期项目M个 (the dashboard, the briefing)."""

    cost_projects: int
    cost_total: Decimal
    time_projects: int

    @property
    def any(self) -> bool:
        return bool(self.cost_projects or self.time_projects)

    @property
    def text(self) -> str:
        return self._said(wan_text)

    @property
    def prose(self) -> str:
        """The same in the briefing's running text, its sum as every amount there
        (`core.formatting.prose`: 合计1.1亿元)."""
        return self._said(prose)

    def _said(self, amount: Callable[[Decimal], str]) -> str:
        return (
            f"超概算项目{self.cost_projects}个，合计{amount(self.cost_total)}；"
            f"超工期项目{self.time_projects}个"
        )


def overrun_summary(period: Period, *, plans: AnnualPlanQuerySet) -> OverrunSummary:
    """The counts and the sum of cost overruns of the period's year's list, in one query."""
    rows = with_overruns(plans.counted(period.year), period_end=period.as_of, prefix="project__")
    figures = rows.aggregate(
        cost_projects=Count("pk", filter=COST_Q),
        cost_total=Sum(
            F("project__total_investment") - F("project__original_total"), filter=COST_Q
        ),
        time_projects=Count("pk", filter=TIME_Q),
    )
    return OverrunSummary(
        cost_projects=figures["cost_projects"],
        cost_total=money(figures["cost_total"]),
        time_projects=figures["time_projects"],
    )


@dataclass(frozen=True)
class ProjectOverrun:
    """One project's overruns at a period end, for its page (`project_overrun`)."""

    period_end: date
    original_total: Decimal | None
    cost: Decimal | None  # 万元; negative: below the original approval
    cost_pct: Decimal | None
    original_completion: date | None
    months: int

    @property
    def over_cost(self) -> bool:
        return self.cost is not None and self.cost > 0

    @property
    def over_time(self) -> bool:
        return self.months > 0

    @property
    def below_original(self) -> bool:
        return self.cost is not None and self.cost < 0


def project_overrun(project, *, period_end: date) -> ProjectOverrun:
    """``project``'s cost and time overruns at ``period_end`` (the rule in Python: one row)."""
    return ProjectOverrun(
        period_end=period_end,
        original_total=project.original_total,
        cost=cost_overrun(project.total_investment, project.original_total),
        cost_pct=cost_overrun_pct(project.total_investment, project.original_total),
        original_completion=project.original_completion,
        months=time_overrun_months(
            original=project.original_completion,
            planned=project.planned_end,
            stage=project.stage,
            period_end=period_end,
        ),
    )
