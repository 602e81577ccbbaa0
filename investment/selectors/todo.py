"""我的待办: what waits for the signed-in user, at the top of 总体情况.

Each role gets the few counts that are its daily work, each linking to the page where it is
done: a unit's reporter the month's reports and the findings to answer, the office the
reports to review and the units still missing, the supervisor the findings to close out.
A fixed handful of queries whatever the portfolio size.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from core.capabilities import can, own_unit
from investment.models import MonthlyReport, ReportingPeriod, WarningLevel
from investment.rules import periods
from investment.rules.periods import Period
from investment.selectors.portfolio import reporting_status
from investment.selectors.progress import LagReason, LevelCount, lag_level_counts
from projects.access import visible_plans
from projects.models import Milestone, User
from projects.rules import milestone_unit
from supervision.access import visible_findings
from supervision.models import Finding
from supervision.selectors import WAITING, status_counts


@dataclass(frozen=True)
class Todo:
    label: str
    count: int
    url: str
    urgent: bool = False


def _url(name: str, **query: object) -> str:
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


def counts_warnings(user: User) -> bool:
    """Whether `todos` counts the lag warnings at the period that is due for ``user``."""
    return can(user, "report.enter")


def todos(
    user: User, *, period: Period, lagging: dict[Period, list[LevelCount]] | None = None
) -> list[Todo]:
    """The user's open items with a count above zero, most urgent first, on the ``today`` of
    ``period`` (any period of the request: the items are the month being reported's and the
    period that is due's, built from it so that no year's settings are read twice).
    ``lagging``: the page's `lag_level_counts` in the user's scope by period, the one that is
    due's taken instead of counting again when the page has it."""
    today = period.today
    # The month being reported (not the period that is due): what reporters fill in and the
    # office reviews until its due day and, late, after it.
    reporting = period.at(*periods.reporting_month(today))
    year, month = reporting.year, reporting.month
    items: list[Todo] = []
    if counts_warnings(user):
        due = period.due()
        overdue = timezone.now() >= reporting.deadline
        units = reporting_status(year=year, month=month, plans=visible_plans(user))
        if not can(user, "report.review"):  # a unit's reporter: what to send
            returned = sum(unit.returned for unit in units)
            unsent = sum(unit.outstanding for unit in units) - returned
            # A locked month cannot be corrected from the month page: say who can open it.
            locked = reporting.locked
            after = "（该月已锁定，需项目办解锁）" if locked else ""
            items += [
                Todo(
                    f"{month}月月报未报送{after or _due_soon(reporting)}",
                    unsent,
                    _url("report_current"),
                    not locked and (overdue or bool(_due_soon(reporting))),
                ),
                Todo(
                    f"{month}月月报被退回待修改{after}",
                    returned,
                    _url("report_current") + "#returned",
                    not locked,
                ),
                *_unlock_and_past_due(user, reporting=reporting, due=due),
            ]
        else:
            submitted = MonthlyReport.objects.filter(
                plan__in=visible_plans(user).counted(year),
                month=month,
                status=MonthlyReport.Status.SUBMITTED,
            ).count()
            missing = sum(1 for unit in units if unit.outstanding)
            items += [
                Todo(f"{month}月月报待审核", submitted, _url("review_current")),
                Todo(f"{month}月月报未报齐的单位", missing, _url("review_current"), overdue),
                *_past_due(user, reporting=reporting, due=due),
            ]
        items += _warnings(user, due=due, counts=(lagging or {}).get(due))
        late = _overdue_milestones(user, year=year, today=today)
        items.append(
            Todo(
                "逾期未完成的项目节点", late, _url("lag_warnings", reason=LagReason.MILESTONE), True
            )
        )
    if can(user, "finding.answer") or can(user, "supervision.keep"):
        counts = status_counts(visible_findings(user), today=today)
        if can(user, "finding.answer"):
            waiting = counts[Finding.Status.OPEN] + counts[Finding.Status.IN_PROGRESS]
            items.append(
                Todo("待整改答复的督查问题", waiting, _url("finding_list", status=WAITING))
            )
        else:
            rectified = counts[Finding.Status.RECTIFIED]
            items.append(
                Todo("已整改待验收销号的问题", rectified, _url("finding_list", status="rectified"))
            )
        items.append(
            Todo(
                "超过整改时限的督查问题",
                counts["overdue"],
                _url("finding_list", when="overdue"),
                True,
            )
        )
    return sorted((item for item in items if item.count), key=lambda item: not item.urgent)


def _warnings(user: User, *, due: Period, counts: list[LevelCount] | None) -> list[Todo]:
    """The warning rules' red (and, for a unit, yellow) projects at the period that is due:
    the office is told the red ones, a unit's reporter their own unit's red and yellow."""
    year, month = due.year, due.month
    if counts is None:
        counts = lag_level_counts(due, plans=visible_plans(user))
    office = can(user, "report.review")
    return [
        Todo(
            f"{month}月{label}预警项目" + ("" if office else "（本单位）"),
            count,
            _url("lag_warnings", year=year, month=month, warning=level),
            level == WarningLevel.RED,
        )
        for level, label, count in counts
        if level == WarningLevel.RED or not office
    ]


REMINDER_DAYS = 3  # reporters are reminded of the due day from this many days before it
UNLOCK_NOTICE_DAYS = 31  # an unlocked month is announced for at most this long


def _due_soon(reporting: Period) -> str:
    """The due day in the label from REMINDER_DAYS before it through the day itself."""
    due = reporting.due_date
    days = (due - reporting.today).days
    if days == 0:
        return f"（今天{due.month}月{due.day}日截止）"
    if 0 < days <= REMINDER_DAYS:
        return f"（{due.month}月{due.day}日截止，还有{days}天）"
    return ""


def _unlock_and_past_due(user: User, *, reporting: Period, due: Period) -> list[Todo]:
    """A late month that is also unlocked is one item (the unlock notice, with its reason)."""
    unlocked = _unlock_notices(user, today=reporting.today)
    pages = {item.url for item in unlocked}
    late = _past_due(user, reporting=reporting, due=due)
    return unlocked + [item for item in late if item.url not in pages]


def _past_due(user: User, *, reporting: Period, due: Period) -> list[Todo]:
    """Before the due day of the month being reported, the month before is already late:
    its missing reports stay on the list (while it is not locked) until they are sent."""
    due_year, due_month = due.year, due.month
    if (due_year, due_month) == (reporting.year, reporting.month) or due.locked:
        return []
    units = reporting_status(year=due_year, month=due_month, plans=visible_plans(user))
    page = reverse("report_month", args=[due_year, due_month])
    if not can(user, "report.review"):
        late = sum(unit.outstanding for unit in units)
        return [Todo(f"{due_month}月月报逾期未报送", late, page, True)]
    missing = sum(1 for unit in units if unit.outstanding)
    review = reverse("review_month", args=[due_year, due_month])
    return [Todo(f"{due_month}月月报逾期未报齐的单位", missing, review, True)]


def _unlock_notices(user: User, *, today: date) -> list[Todo]:
    """A month the office unlocked (and has not locked again), with its reason, while the
    unit still has something to send in it (missing, draft or returned): one query, plus
    two per unlocked month."""
    unlocked = ReportingPeriod.objects.filter(
        locked_at__isnull=True,
        unlocked_at__date__gte=today - timedelta(days=UNLOCK_NOTICE_DAYS),
    ).order_by("-year", "-month")
    items = []
    for period in unlocked:
        open_rows = sum(
            unit.outstanding
            for unit in reporting_status(
                year=period.year, month=period.month, plans=visible_plans(user)
            )
        )
        items.append(
            Todo(
                f"{period.year}年{period.month}月已解锁：{period.unlock_reason}"
                "（本单位待补报或更正的项目）",
                open_rows,
                reverse("report_month", args=[period.year, period.month]),
                True,
            )
        )
    return items


def _overdue_milestones(user: User, *, year: int, today: date) -> int:
    """Milestones of this year's projects in the user's scope, past their date, not done."""
    milestones = Milestone.objects.filter(
        project__in=visible_plans(user).counted(year).values("project"),
    ).late(on=today)
    if (unit := own_unit(user)) is not None:  # a milestone counts for its own 责任单位
        milestones = milestones.annotate(owner=milestone_unit()).filter(owner=unit)
    return milestones.count()
