"""The 13710 clocks on a frozen calendar: on time, overdue at each step, escalation."""

from datetime import date

import pytest

from supervision.models import Finding
from supervision.rules import LEVEL_LEADERS, LEVEL_OFFICE, escalation_level, steps
from supervision.selectors import escalations, overdue_findings, status_counts
from supervision.services import finding_answer, finding_close
from tests.supervision.builders import a_finding, people_of

# Found on Monday 2 March 2026: assign by 3 March, first report by 5 March, settle by 9 March.


@pytest.fixture
def people(cast):
    return people_of(cast)


def states(finding, today):
    return [(step.label, step.state(today)) for step in steps(finding)]


def test_a_finding_handled_on_every_step_in_time_is_never_escalated(people):
    finding = a_finding(people, today=date(2026, 3, 3))
    finding_answer(user=people["reporter"], finding=finding, note="已整改", today=date(2026, 3, 5), done=True)  # fmt: skip
    finding = finding_close(user=people["supervisor"], finding=finding, today=date(2026, 3, 9))

    assert states(finding, date(2026, 12, 31)) == [
        ("交办", "done"),
        ("首次反馈", "done"),
        ("办结销号", "done"),
    ]
    assert escalation_level(finding, date(2026, 12, 31)) == 0


def test_assigning_after_a_day_is_overdue_then_done_late(people):
    finding = a_finding(people, today=date(2026, 3, 4))  # recorded two days after the inspection

    assert states(finding, date(2026, 3, 4))[0] == ("交办", "done_late")
    assert steps(finding)[0].days_overdue(date(2026, 3, 4)) == 1


def test_no_first_report_after_three_days_is_chased_by_the_office(people):
    finding = a_finding(people)

    assert escalation_level(finding, date(2026, 3, 5)) == 0  # the third day is still in time
    assert states(finding, date(2026, 3, 6))[1] == ("首次反馈", "overdue")
    assert escalation_level(finding, date(2026, 3, 6)) == LEVEL_OFFICE


def test_an_answer_stops_the_first_report_clock(people):
    finding = a_finding(people)
    finding = finding_answer(user=people["reporter"], finding=finding, note="正在整改", today=date(2026, 3, 4))  # fmt: skip

    assert states(finding, date(2026, 3, 8)) == [
        ("交办", "done"),
        ("首次反馈", "done"),
        ("办结销号", "pending"),
    ]
    assert escalation_level(finding, date(2026, 3, 8)) == 0


def test_not_settled_after_seven_days_goes_to_the_leaders(people):
    finding = a_finding(people)
    finding = finding_answer(user=people["reporter"], finding=finding, note="正在整改", today=date(2026, 3, 4))  # fmt: skip

    assert escalation_level(finding, date(2026, 3, 9)) == 0
    assert states(finding, date(2026, 3, 10))[2] == ("办结销号", "overdue")
    assert escalation_level(finding, date(2026, 3, 10)) == LEVEL_LEADERS


def test_a_complex_finding_has_thirty_days_to_settle(people):
    finding = a_finding(people, clock="complex")
    finding = finding_answer(user=people["reporter"], finding=finding, note="已制定方案", today=date(2026, 3, 3))  # fmt: skip

    assert escalation_level(finding, date(2026, 4, 1)) == 0
    assert escalation_level(finding, date(2026, 4, 2)) == LEVEL_LEADERS


def test_settled_late_is_recorded_as_late(people):
    finding = a_finding(people)
    finding_answer(user=people["reporter"], finding=finding, note="已整改", today=date(2026, 3, 5), done=True)  # fmt: skip
    finding = finding_close(user=people["supervisor"], finding=finding, today=date(2026, 3, 12))

    assert states(finding, date(2026, 3, 12))[2] == ("办结销号", "done_late")
    assert steps(finding)[2].days_overdue(date(2026, 4, 1)) == 3
    assert escalation_level(finding, date(2026, 4, 1)) == 0  # closed: nothing left to chase


def test_a_plain_finding_has_only_its_deadline(people):
    finding = a_finding(people, clock="", deadline=date(2026, 3, 31))

    assert states(finding, date(2026, 3, 20)) == [("办结销号", "pending")]
    assert escalation_level(finding, date(2026, 3, 31)) == 0
    assert escalation_level(finding, date(2026, 4, 1)) == LEVEL_LEADERS


def test_the_escalation_list_filters_in_the_database_like_the_clocks(people):
    in_time = a_finding(
        people, description="按时", found_on=date(2026, 3, 8), today=date(2026, 3, 8)
    )
    a_finding(people, description="未反馈", found_on=date(2026, 3, 4), today=date(2026, 3, 4))  # fmt: skip
    unsettled = a_finding(people, description="未办结")
    finding_answer(user=people["reporter"], finding=unsettled, note="整改中", today=date(2026, 3, 3))  # fmt: skip
    plain = a_finding(people, clock="", description="普通", deadline=date(2026, 3, 31))
    today = date(2026, 3, 10)

    rows = escalations(Finding.objects.all(), today=today)

    assert [(e.finding.description, e.level, e.step, e.days_overdue) for e in rows] == [
        ("未办结", LEVEL_LEADERS, "办结销号", 1),
        ("未反馈", LEVEL_OFFICE, "首次反馈", 3),
    ]
    leaders = escalations(Finding.objects.all(), today=today, min_level=LEVEL_LEADERS)
    assert [e.finding for e in leaders] == [unsettled]
    assert list(overdue_findings(Finding.objects.all(), today=today)) == [unsettled]
    counts = status_counts(Finding.objects.all(), today=today)
    assert (counts["total"], counts["open"], counts["in_progress"], counts["overdue"]) == (
        4,
        3,
        1,
        1,
    )
    assert in_time not in [e.finding for e in rows] and plain not in [e.finding for e in rows]


def test_the_escalation_list_cut_to_its_first_rows_reads_only_those_with_their_units(
    people, django_assert_num_queries
):
    """The dashboard and the finding list show the first few: every candidate's clocks are
    judged (one query), the rows kept are read whole with their units (one more), whatever
    the number of overdue findings."""
    for day in (1, 2, 3, 4):
        a_finding(people, description=f"{day}日未反馈", found_on=date(2026, 3, day),
                  today=date(2026, 3, day))  # fmt: skip
    today = date(2026, 3, 10)
    every = escalations(Finding.objects.all(), today=today)

    with django_assert_num_queries(2):
        first = escalations(Finding.objects.all(), today=today, limit=2)
        shown = [(e.finding.unit.name, e.finding.description, e.step) for e in first]

    assert [(e.finding, e.level, e.step, e.days_overdue) for e in first] == [
        (e.finding, e.level, e.step, e.days_overdue) for e in every[:2]
    ]
    assert shown == [(e.finding.unit.name, e.finding.description, e.step) for e in every[:2]]
