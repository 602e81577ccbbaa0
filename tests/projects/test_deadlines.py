"""The one lateness rule (projects/deadlines.py) behind 节点逾期 and 逾期未销号: in the database
and in Python it gives the same answers, on a day in progress and at the end of a period."""

from datetime import date

import pytest

from projects.models import Milestone, Project
from tests import builders

DUE = date(2026, 3, 31)  # the last day of March: a period end
BEFORE, AFTER = date(2026, 3, 30), date(2026, 4, 1)


@pytest.fixture
def project() -> Project:
    return builders.project({"总投资(万元)": 100, "年度": 2026, "年度计划投资(万元)": 50})


# (done, judged, late on that day in progress, late at the end of that day)
CASES = [
    (None, BEFORE, False, False),
    (None, DUE, False, True),  # due today: not late yet; due on the period's last day: late
    (None, AFTER, True, True),
    (DUE, DUE, False, False),  # done on the due day
    (AFTER, DUE, False, True),  # done after the period: late at its end
    (AFTER, AFTER, False, False),  # done today: done
    (date(2026, 4, 2), AFTER, True, True),
]


@pytest.mark.parametrize(("done", "day", "late_on", "late_at_end"), CASES)
def test_a_milestone_is_late_by_the_same_rule_in_the_database_and_in_python(
    project, done, day, late_on, late_at_end
):
    milestone = Milestone.objects.create(
        project=project, name="主体封顶", planned_date=DUE, actual_date=done
    )

    assert milestone.late_on(day) is late_on
    assert Milestone.objects.late(on=day).filter(pk=milestone.pk).exists() is late_on
    assert Milestone.objects.late(at_end_of=day).filter(pk=milestone.pk).exists() is late_at_end


@pytest.mark.parametrize(
    ("done", "on_time"), [(None, False), (BEFORE, True), (DUE, True), (AFTER, False)]
)
def test_a_milestone_is_on_time_when_done_by_its_planned_date(project, done, on_time):
    milestone = Milestone.objects.create(
        project=project, name="主体封顶", planned_date=DUE, actual_date=done
    )

    assert milestone.done_on_time is on_time
    assert Milestone.objects.filter(Milestone.ON_TIME, pk=milestone.pk).exists() is on_time


def test_it_refuses_to_judge_without_exactly_one_day(project):
    with pytest.raises(TypeError):
        Milestone.objects.late()
    with pytest.raises(TypeError):
        Milestone.late_q(on=DUE, at_end_of=DUE)
