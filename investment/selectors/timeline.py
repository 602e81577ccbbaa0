"""节点作战图: the milestones of a project, or of a set of plan rows, on a month axis at a period
end, planned against actual.

Where each milestone stands (按期完成, 逾期完成, 逾期未完成, 未到期) is `projects.deadlines.Timeliness`
at the period's last day, read in the milestones' one query (`MilestoneQuerySet.with_status`);
nothing here judges a date. What was done after the period end was not done at it, so its actual
date is left out of the picture of that period.

A set is one row per plan row of the year (its project's name, its unit), with the milestones
that matter that year: planned in it, done in it by the period end, or overdue at it (from an
earlier year too), and, for a row on the lag list at the period end, its `LagWarning`: the
result of `lag_warnings` for the same rows and period that 滞后预警 lists (its level and
reasons, never judged again here). One project is one row per milestone, on an axis of whole years from its
earliest date to its latest. Two queries for a set, one for a project, whatever
their sizes.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from investment.rules.periods import Period
from investment.selectors.progress import LagWarning, lag_warnings
from projects.deadlines import Timeliness
from projects.models import AnnualPlanQuerySet, Milestone, Project
from projects.rules import unit_order

Status = Timeliness


@dataclass(frozen=True)
class Mark:
    """One milestone on the chart."""

    name: str
    kind: str  # its 节点类型's label
    planned: date
    actual: date | None  # done by the period end; else None
    status: str  # a `Timeliness` value at the period end

    @property
    def status_label(self) -> str:
        return str(Timeliness(self.status).label)


@dataclass
class TimelineRow:
    """A row of the chart: a project (a set) or a milestone (one project)."""

    label: str  # the project's name, or the milestone's
    side: str  # the project's unit, or the milestone's kind
    marks: list[Mark] = field(default_factory=list)
    project_id: int | None = None
    warning: LagWarning | None = None  # a set's row on the lag list: its level and reasons

    @property
    def overdue(self) -> list[Mark]:
        return [mark for mark in self.marks if mark.status == Status.OVERDUE]

    @property
    def next_due(self) -> Mark | None:
        """The first milestone not due yet at the period end."""
        return next((m for m in self.marks if m.status == Status.NOT_YET_DUE), None)


@dataclass
class Timeline:
    year: int
    month: int
    end: date  # the period's last day: every status is judged at its end
    first: date  # the 1st of the axis's first month
    months: int  # how many months the axis spans
    rows: list[TimelineRow]
    by_project: bool  # a row per project (a set), else a row per milestone

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """(status, label, how many milestones) in the legend's order."""
        found = Counter(mark.status for row in self.rows for mark in row.marks)
        return [(status.value, str(status.label), found[status]) for status in Timeliness]

    def month_of(self, index: int) -> tuple[int, int]:
        """(year, month) of the axis's ``index``-th month."""
        year, month = divmod(self.first.month - 1 + index, 12)
        return self.first.year + year, month + 1


MARK_VALUES = ("project_id", "name", "kind", "planned_date", "actual_date", "status")


def _mark(name: str, kind: str, planned: date, actual: date | None, status: str) -> Mark:
    done = status in (Status.ON_TIME, Status.DONE_LATE)
    return Mark(name, str(Milestone.Kind(kind).label), planned, actual if done else None, status)


def timeline_plans(plans: AnnualPlanQuerySet, *, year: int) -> AnnualPlanQuerySet:
    """Year ``year``'s counted rows of ``plans`` in the chart's order: by unit in the house's
    order (their 排序, then name: `projects.rules.unit_order`), then code."""
    return plans.counted(year).order_by(*unit_order("project__unit__"), "project__code")


def set_timeline(
    period: Period, *, plans: AnnualPlanQuerySet, warnings: Iterable[LagWarning] | None = None
) -> Timeline:
    """The chart of ``plans`` (the period's year's counted rows among them), January–December
    of that year, judged at the period end, each row on the lag list with its warning.

    ``warnings``: `lag_warnings` of ``period`` over these rows or more (the page's 仅滞后项目 has
    it already); else it is read here, for these rows at this period. Two queries, and the lag
    list's two when not given."""
    year, end = period.year, period.end
    rows: dict[int, TimelineRow] = {}
    ordered = timeline_plans(plans, year=year)
    if warnings is None:
        warnings = lag_warnings(period, plans=ordered)
    lagging = {warning.progress.plan_id: warning for warning in warnings}
    for plan_id, project_id, name, unit in ordered.values_list(
        "pk", "project_id", "project__name", "project__unit__name"
    ):
        row = TimelineRow(name, unit, project_id=project_id, warning=lagging.get(plan_id))
        rows.setdefault(project_id, row)
    in_year = (
        Q(planned_date__year=year)
        | Q(actual_date__year=year, actual_date__lte=end)
        | Milestone.late_q(at_end_of=end)
    )
    milestones = (
        Milestone.objects.filter(in_year, project__in=ordered.values("project_id"))
        .with_status(end)
        .order_by("planned_date", "name")
        .values_list(*MARK_VALUES)
    )
    for project_id, *values in milestones:
        rows[project_id].marks.append(_mark(*values))
    chart_rows = list(rows.values())
    return Timeline(year, period.month, end, date(year, 1, 1), 12, chart_rows, by_project=True)


def project_timeline(period: Period, *, project: Project) -> Timeline:
    """One project's chart: a row per milestone (by planned date), on the whole years from its
    earliest date to its latest (the period's year at least). One query."""
    year, end = period.year, period.end
    marks = [
        _mark(*values)
        for _, *values in project.milestones.with_status(end)
        .order_by("planned_date", "name")
        .values_list(*MARK_VALUES)
    ]
    dates = [d for mark in marks for d in (mark.planned, mark.actual) if d is not None]
    first = date(min([year, *(d.year for d in dates)]), 1, 1)  # whole years
    last = max([year, *(d.year for d in dates)])
    months = (last - first.year + 1) * 12
    rows = [TimelineRow(mark.name, mark.kind, [mark], project_id=project.pk) for mark in marks]
    return Timeline(year, period.month, end, first, months, rows, by_project=False)
