"""The 13710 clocks and the overdue rules for findings, in one place.

13710 (seed 003's 工作机制): a finding is assigned (交办) within 1 day of being found, the unit
reports back (首次反馈) within 3 days, an ordinary problem is settled (办结, i.e. 销号) within 7
days, a complex one within 30 days or by a timetable the supervisor sets. Days are calendar
days counted from the day the finding was found; a step is on time when done on or before its
due day.

Any finding, 13710 or not, is overdue once its 整改时限 has passed without 销号
(``Finding.overdue_q``/``is_overdue``, the rule of ``projects/deadlines.py``); each clock here
is late by the same rule.

Escalation: an overdue step of a 13710 finding is chased by the supervision office (督查办催办,
level 1); a finding whose settling deadline has passed without 销号 is escalated to the county
leaders (县领导督办, level 2) and listed on their pages as well.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from projects import deadlines
from supervision.models import Finding

ASSIGN_DAYS = 1
FIRST_REPLY_DAYS = 3
SETTLE_DAYS: dict[str, int] = {Finding.Clock.ORDINARY: 7, Finding.Clock.COMPLEX: 30}

LEVEL_OFFICE = 1
LEVEL_LEADERS = 2
LEVEL_LABELS = {LEVEL_OFFICE: "督查办催办", LEVEL_LEADERS: "县领导督办"}


def settle_deadline(*, clock: str, found_on: date, timetable: date | None = None) -> date | None:
    """The 整改时限 a 13710 clock sets; a timetable (or a plain finding) takes the given date."""
    if clock in SETTLE_DAYS:
        return found_on + timedelta(days=SETTLE_DAYS[clock])
    return timetable


@dataclass(frozen=True)
class Step:
    label: str
    due: date
    done_on: date | None

    def state(self, today: date) -> str:
        if self.done_on is not None:
            on_time = deadlines.is_on_time(due=self.due, done=self.done_on)
            return "done" if on_time else "done_late"
        late = deadlines.is_late(due=self.due, done=None, on=today)
        return "overdue" if late else "pending"

    def days_overdue(self, today: date) -> int:
        end = self.done_on or today
        return max((end - self.due).days, 0)


STATE_LABELS = {
    "done": "按时完成",
    "done_late": "逾期完成",
    "overdue": "已逾期",
    "pending": "进行中",
}


def steps(finding: Finding) -> list[Step]:
    """The clocks of one finding, in order: 交办, 首次反馈 (13710 only), 办结."""
    settle = Step("办结销号", finding.deadline, finding.closed_on)
    if not finding.clock:
        return [settle]
    return [
        Step("交办", finding.found_on + timedelta(days=ASSIGN_DAYS), finding.assigned_on),
        Step(
            "首次反馈",
            finding.found_on + timedelta(days=FIRST_REPLY_DAYS),
            finding.first_reply_on,
        ),
        settle,
    ]


def escalation_level(finding: Finding, today: date) -> int:
    """0 when nothing is overdue, else the level the finding is chased at."""
    if finding.is_closed:
        return 0
    clocks = steps(finding)
    overdue = [step.state(today) == "overdue" for step in clocks]
    if overdue[-1]:
        return LEVEL_LEADERS
    return LEVEL_OFFICE if any(overdue) else 0


# The same rules as conditions, so the lists filter in the database.


def step_overdue_q(today: date) -> Q:
    """Not closed out and some clock has run out: 交办, 首次反馈 (13710) or 办结."""
    clocked = ~Q(clock=Finding.Clock.NONE)
    unassigned = Q(assigned_on__isnull=True, found_on__lt=today - timedelta(days=ASSIGN_DAYS))
    unanswered = Q(
        first_reply_on__isnull=True, found_on__lt=today - timedelta(days=FIRST_REPLY_DAYS)
    )
    return Finding.overdue_q(on=today) | (
        ~Q(status=Finding.Status.CLOSED) & clocked & (unassigned | unanswered)
    )
