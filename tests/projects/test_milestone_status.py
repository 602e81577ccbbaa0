"""Where a milestone stands at a period end (节点作战图, 项目一页纸): 按期完成, 逾期完成, 逾期未完成 or
未到期, from the one rule of projects/deadlines.py, the same in the database and in Python."""

from datetime import date

import pytest
import time_machine

from investment.rules.periods import Period
from projects.deadlines import Timeliness
from projects.models import Milestone, Project
from tests import builders

END = date(2026, 10, 31)  # October's last day: the period end judged at
ON_TIME, DONE_LATE = Timeliness.ON_TIME, Timeliness.DONE_LATE
OVERDUE, NOT_YET_DUE = Timeliness.OVERDUE, Timeliness.NOT_YET_DUE


@pytest.fixture
def project() -> Project:
    return builders.project({"总投资(万元)": 100, "年度": 2026, "年度计划投资(万元)": 50})


# (planned, done, where it stands at the end of END)
CASES = [
    (date(2026, 10, 20), date(2026, 10, 20), ON_TIME),  # done on its planned day
    (date(2026, 10, 20), date(2026, 10, 1), ON_TIME),  # early
    (date(2026, 10, 20), date(2026, 10, 21), DONE_LATE),  # a day late
    (END, END, ON_TIME),  # planned and done on the period's last day
    (date(2026, 10, 30), END, DONE_LATE),
    (END, None, OVERDUE),  # due on the period's last day, not done by its end
    (date(2026, 3, 1), None, OVERDUE),
    (END, date(2026, 11, 1), OVERDUE),  # done the day after: not done at the period end
    (date(2026, 11, 1), None, NOT_YET_DUE),  # due the day after the period end
    (date(2026, 11, 1), date(2026, 10, 15), ON_TIME),  # done before it was due
    (date(2026, 12, 31), date(2026, 11, 20), NOT_YET_DUE),  # done after the period end
]


@pytest.mark.parametrize(("planned", "done", "status"), CASES)
def test_a_milestone_stands_the_same_in_the_database_and_in_python(project, planned, done, status):
    milestone = Milestone.objects.create(
        project=project, name="主体封顶", planned_date=planned, actual_date=done
    )

    assert milestone.status_at(END) == status
    assert Milestone.objects.with_status(END).get(pk=milestone.pk).status == status


def test_the_statuses_read_as_the_office_says_them():
    assert [str(label) for label in Timeliness.labels] == [
        "按期完成",
        "逾期完成",
        "逾期未完成",
        "未到期",
    ]


def test_on_a_frozen_day_a_milestone_is_judged_at_the_end_of_the_period_that_is_due(project):
    """2 December: November's reports are not due until the 5th, so October is the period; a
    milestone due on 1 November is not due at its end, though the day has passed."""
    rows = {
        "施工许可": (date(2026, 10, 31), None),
        "主体开工": (date(2026, 11, 1), None),
        "主体封顶": (date(2026, 10, 31), date(2026, 11, 15)),
        "立项": (date(2026, 3, 10), date(2026, 3, 10)),
    }
    for name, (planned, done) in rows.items():
        Milestone.objects.create(project=project, name=name, planned_date=planned, actual_date=done)

    with time_machine.travel("2026-12-02 10:00+08:00", tick=False):
        period = Period.due_on()
        judged = dict(Milestone.objects.with_status(period.end).values_list("name", "status"))

    assert (period.year, period.month, period.end) == (2026, 10, END)
    assert judged == {
        "施工许可": OVERDUE,
        "主体开工": NOT_YET_DUE,
        "主体封顶": OVERDUE,
        "立项": ON_TIME,
    }
