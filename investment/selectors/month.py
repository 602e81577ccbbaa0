"""Reads of one month's reporting: the sums beside a unit's month page and the office's review.

The pages only render what these return; every total is added up in the database.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Exists, F, OuterRef, Prefetch, Subquery, Sum
from django.shortcuts import get_object_or_404

from core.models import money
from investment import rules
from investment.models import MonthlyReport, QualityFlag, ReportPhoto
from investment.selectors.portfolio import UnitReporting, reporting_status, units_not_reported
from projects.access import visible_plans
from projects.models import AnnualPlan, Unit, User

COUNTED = MonthlyReport.COUNTED_STATUSES


# --- a unit's month page ------------------------------------------------------------------------


def counted_before(*, plans: list[AnnualPlan], month: int) -> dict[int, Decimal]:
    """Each plan row's counted investment of the months before ``month``, by plan id (one
    query): the figure a reporter checks the new month's amount against."""
    rows = (
        MonthlyReport.objects.filter(plan__in=plans, month__lt=month, status__in=COUNTED)
        .order_by()
        .values("plan")
        .annotate(total=Sum("amount"))
        .values_list("plan", "total")
    )
    return {plan_id: money(total) for plan_id, total in rows}


class MonthChoice(NamedTuple):
    year: int
    month: int
    note: str  # 本月填报, 有退回待修改, both (本月填报，有退回待修改), or ""

    @property
    def value(self) -> str:
        return f"{self.year}-{self.month}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月" + (f"（{self.note}）" if self.note else "")


MONTHS_OFFERED = 12


def month_choices(
    *, unit: Unit | None, current: tuple[int, int], shown: tuple[int, int]
) -> list[MonthChoice]:
    """月度填报's month picker: the month being reported now, every month in which ``unit``
    has a returned report (any year: a correction is never out of reach), the last twelve
    months and the month ``shown`` (opened by its address), latest first; one query."""
    returned = set(
        MonthlyReport.objects.filter(plan__project__unit=unit, status=MonthlyReport.Status.RETURNED)
        .values_list("plan__year", "month")
        .distinct()
    ) if unit else set()  # fmt: skip
    year, month = current
    recent = []
    for _ in range(MONTHS_OFFERED):
        recent.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    months = sorted({*recent, *returned, shown}, reverse=True)
    return [
        MonthChoice(
            y,
            m,
            "，".join(
                note
                for note, applies in (
                    ("本月填报", (y, m) == current),
                    ("有退回待修改", (y, m) in returned),
                )
                if applies
            ),
        )
        for y, m in months
    ]


@dataclass(frozen=True)
class EntryStatus:
    """Where a unit's expected reports of a month stand, counted as 我的待办 counts them."""

    expected: int
    submitted: int
    approved: int
    returned: int
    unsent: int
    not_expected: int
    first_returned: int | None  # the first returned line's plan id, to jump to


def entry_status(
    *,
    plans: list[AnnualPlan],
    reports: dict[int, MonthlyReport],
    year: int,
    month: int,
) -> EntryStatus | None:
    """应报 and where the month's reports of these plan rows stand (None: no plan rows)."""
    if not plans:
        return None
    units = reporting_status(
        year=year, month=month, plans=AnnualPlan.objects.filter(pk__in=[p.pk for p in plans])
    )
    unit = units[0] if units else None
    expected = unit.expected if unit else 0
    returned = [p.pk for p in plans if getattr(reports.get(p.pk), "status", "") == "returned"]
    return EntryStatus(
        expected=expected,
        submitted=unit.submitted if unit else 0,
        approved=unit.approved if unit else 0,
        returned=unit.returned if unit else 0,
        unsent=unit.outstanding - unit.returned if unit else 0,
        not_expected=len(plans) - expected,
        first_returned=returned[0] if returned else None,
    )


# --- the office's review ------------------------------------------------------------------------


class ReviewRow(NamedTuple):  # a tuple, so the template unpacks it
    report: MonthlyReport
    cumulative: Decimal  # counted investment of months 1..m
    cumulative_rate: Decimal | None
    unusual: str  # why the amount looks unusual ("" when it does not)


@dataclass
class UnitGroup:
    """One unit's reports on the review page, under a heading the actions come back to."""

    unit_id: int
    unit: str
    rows: list[ReviewRow] = field(default_factory=list)

    @property
    def submitted_ids(self) -> list[int]:
        return [
            row.report.pk
            for row in self.rows
            if row.report.status == MonthlyReport.Status.SUBMITTED
        ]


@dataclass(frozen=True)
class ReviewList:
    groups: list[UnitGroup]

    @property
    def submitted_count(self) -> int:
        """Reports listed that wait for the office's decision."""
        return sum(len(group.submitted_ids) for group in self.groups)

    @property
    def held_count(self) -> int:
        """Of those, the reports 全部通过 leaves: a data-quality flag not examined yet."""
        return sum(
            True
            for group in self.groups
            for row in group.rows
            if row.report.status == MonthlyReport.Status.SUBMITTED and row.report.unexamined_flags  # type: ignore[attr-defined]  # annotated
        )


def review_list(
    *, year: int, month: int, status: str, unit: Unit | None, focus: int | None = None
) -> ReviewList:
    """The month's reports by unit, each with its cumulative total and last month beside it.

    ``status`` filters (any other value: every status); ``focus`` is the unit an action was
    just taken on, whose heading stays even when its last report has left the list. Four
    queries whatever the number of reports: the reports (with their subqueries), their photos,
    their data-quality flags, and the focused unit's name when it has no row left.
    """
    reports = (
        MonthlyReport.objects.filter(plan__year=year, month=month)
        .select_related("plan__project__unit")
        .order_by("plan__project__unit__name", "plan__project__code")
    )
    if status in MonthlyReport.Status.values:
        reports = reports.filter(status=status)
    if unit:
        reports = reports.filter(plan__project__unit=unit)
    cumulative = (
        MonthlyReport.objects.filter(plan=OuterRef("plan"), month__lte=month, status__in=COUNTED)
        .order_by()
        .values("plan")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    previous = MonthlyReport.objects.filter(plan=OuterRef("plan"), month=month - 1)
    unexamined = QualityFlag.objects.filter(
        report=OuterRef("pk"), status__in=QualityFlag.UNEXAMINED
    )
    # A report sent again after a return: what it said when it was returned, and why. The
    # return's own history row is the one its reviewer wrote (a correction saved while still
    # returned is the reporter's).
    when_returned = MonthlyReport.history.model.objects.filter(
        id=OuterRef("pk"),
        status=MonthlyReport.Status.RETURNED,
        history_user_id=F("reviewed_by_id"),
    ).order_by("-history_id")
    reports = reports.annotate(
        returned_amount=Subquery(when_returned.values("amount")[:1]),
        returned_reason=Subquery(when_returned.values("return_reason")[:1]),
        unexamined_flags=Exists(unexamined),
        cumulative=Subquery(cumulative),
        previous_amount=Subquery(previous.filter(status__in=COUNTED).values("amount")),
        previous_progress=Subquery(previous.values("progress")),
    ).prefetch_related(
        Prefetch("photos", queryset=ReportPhoto.objects.order_by("uploaded_at")),
        Prefetch(
            "flags",
            queryset=QualityFlag.objects.select_related("explained_by", "accepted_by").order_by(
                "rule"
            ),
        ),
    )
    groups: dict[int, UnitGroup] = {}
    for report in reports:
        project = report.plan.project
        group = groups.setdefault(project.unit_id, UnitGroup(project.unit_id, project.unit.name))
        total = money(report.cumulative)
        group.rows.append(
            ReviewRow(
                report=report,
                cumulative=total,
                cumulative_rate=rules.percent(total, report.plan.planned_investment),
                unusual=rules.unusual_amount(report.amount, report.plan.planned_investment),
            )
        )
    if focus is not None and focus not in groups and (not unit or unit.pk == focus):
        focused = Unit.objects.filter(pk=focus).first()
        if focused:  # its last report just left this list: keep its heading to come back to
            groups[focused.pk] = UnitGroup(focused.pk, focused.name)
    # by code point, as rankings
    return ReviewList(groups=sorted(groups.values(), key=lambda group: group.unit))


@dataclass(frozen=True)
class LockSummary:
    """What the lock confirmation names: the units still owing reports, and what waits."""

    missing: list[UnitReporting]
    outstanding: int  # reports the missing units still owe
    waiting: int  # reports sent and not yet reviewed


def lock_summary(*, year: int, month: int) -> LockSummary:
    missing = units_not_reported(year=year, month=month)
    return LockSummary(
        missing=missing,
        outstanding=sum(unit.outstanding for unit in missing),
        waiting=MonthlyReport.objects.filter(
            plan__year=year, month=month, status=MonthlyReport.Status.SUBMITTED
        ).count(),
    )


def report_for(user: User, pk: int) -> MonthlyReport:
    """A report within the user's scope; another unit's report is 404 for a reporter."""
    return get_object_or_404(
        MonthlyReport.objects.select_related("plan__project").filter(plan__in=visible_plans(user)),
        pk=pk,
    )
