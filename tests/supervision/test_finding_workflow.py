"""The life of a finding through the services: every state change and every refusal."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.uploads import check_attachment
from supervision.models import Finding, FindingEvent
from supervision.services import (
    finding_answer,
    finding_close,
    finding_create,
    finding_edit,
    finding_send_back,
)
from tests.supervision.builders import FOUND, a_finding, people_of

Status = Finding.Status
Action = FindingEvent.Action


@pytest.fixture
def people(cast):
    return people_of(cast)


def test_a_new_finding_is_assigned_today_with_the_13710_deadline(people):
    finding = a_finding(people, clock="ordinary", today=date(2026, 3, 3))

    assert finding.status == Status.OPEN
    assert finding.assigned_on == date(2026, 3, 3)
    assert finding.deadline == date(2026, 3, 9)  # found 2 March + 7 days
    assert list(finding.events.values_list("action", flat=True)) == [Action.ASSIGNED]


def test_a_complex_finding_gets_30_days_and_a_timetable_its_own_date(people):
    complex_one = a_finding(people, clock="complex", description="征迁未完成")
    timetable = a_finding(
        people, clock="timetable", description="用地报批", deadline=date(2026, 9, 30)
    )

    assert complex_one.deadline == date(2026, 4, 1)
    assert timetable.deadline == date(2026, 9, 30)


def test_a_plain_or_timetable_finding_needs_a_deadline(people):
    for clock in ("", "timetable"):
        with pytest.raises(ValidationError, match="请填写整改时限"):
            a_finding(people, clock=clock)
    assert not Finding.objects.exists()


def test_a_deadline_before_the_finding_is_refused(people):
    with pytest.raises(ValidationError, match="不能早于发现日期"):
        a_finding(people, clock="", deadline=date(2026, 3, 1))


def test_a_finding_from_the_future_or_twice_the_same_is_refused(people):
    with pytest.raises(ValidationError, match="不能晚于今天"):
        a_finding(people, found_on=date(2026, 3, 10), today=date(2026, 3, 9))
    a_finding(people)
    with pytest.raises(ValidationError, match="请勿重复交办"):
        a_finding(people)
    assert Finding.objects.count() == 1


def test_the_unit_answers_then_reports_done_then_the_supervisor_closes_it_out(people):
    finding = a_finding(people)
    evidence = [check_attachment("现场照片.png", b"\x89PNG\r\n\x1a\n....")]

    finding = finding_answer(
        user=people["reporter"], finding=finding, note="已约谈施工单位", today=date(2026, 3, 4)
    )
    assert (finding.status, finding.first_reply_on) == (Status.IN_PROGRESS, date(2026, 3, 4))

    finding = finding_answer(
        user=people["reporter"],
        finding=finding,
        note="许可证已核发",
        today=date(2026, 3, 6),
        files=evidence,
        done=True,
    )
    assert finding.status == Status.RECTIFIED
    assert finding.first_reply_on == date(2026, 3, 4)  # the first answer's day is kept

    finding = finding_close(user=people["supervisor"], finding=finding, today=date(2026, 3, 8))
    assert (finding.status, finding.closed_on) == (Status.CLOSED, date(2026, 3, 8))
    events = list(finding.events.order_by("pk"))
    assert [e.action for e in events] == [
        Action.ASSIGNED,
        Action.REPLY,
        Action.RECTIFIED,
        Action.CLOSED,
    ]
    assert [f.name for f in events[2].files.all()] == ["现场照片.png"]
    assert events[3].created_by == people["supervisor"]


def test_a_rectification_sent_back_goes_back_to_the_unit_with_the_reason(people):
    finding = a_finding(people)
    finding_answer(user=people["reporter"], finding=finding, note="已整改", today=FOUND, done=True)

    finding = finding_send_back(user=people["supervisor"], finding=finding, reason="现场仍有裸土")

    assert finding.status == Status.IN_PROGRESS
    assert finding.events.last().note == "现场仍有裸土"
    finding_answer(
        user=people["reporter"], finding=finding, note="再次整改", today=FOUND, done=True
    )
    with pytest.raises(ValidationError, match="请填写退回原因"):
        finding_send_back(user=people["supervisor"], finding=finding, reason="  ")
    assert Finding.objects.get().status == Status.RECTIFIED


def test_only_the_responsible_unit_answers(people):
    finding = a_finding(people)
    for user in ("township_reporter", "officer", "supervisor", "leader"):
        with pytest.raises(PermissionDenied):
            finding_answer(user=people[user], finding=finding, note="已整改", today=FOUND)
    assert Finding.objects.get().status == Status.OPEN


def test_closing_a_finding_of_another_unit_or_by_a_leader_is_refused(people):
    finding = a_finding(people)
    finding_answer(user=people["reporter"], finding=finding, note="已整改", today=FOUND, done=True)
    for user in ("reporter", "township_reporter", "officer", "leader"):
        with pytest.raises(PermissionDenied):
            finding_close(user=people[user], finding=finding, today=FOUND)
        with pytest.raises(PermissionDenied):
            finding_send_back(user=people[user], finding=finding, reason="不合格")
    assert Finding.objects.get().status == Status.RECTIFIED


def test_only_the_supervisor_records_and_edits_findings(people):
    for user in ("reporter", "officer", "leader"):
        with pytest.raises(PermissionDenied):
            a_finding({**people, "supervisor": people[user]})
    finding = a_finding(people)
    with pytest.raises(PermissionDenied):
        finding_edit(
            user=people["leader"], finding=finding, description="改", category="other",
            deadline=None,
        )  # fmt: skip


def test_a_finding_is_closed_only_after_the_unit_reports_it_done(people):
    finding = a_finding(people)
    with pytest.raises(ValidationError, match="尚未报告整改完成"):
        finding_close(user=people["supervisor"], finding=finding, today=FOUND)
    finding_answer(user=people["reporter"], finding=finding, note="进展", today=FOUND)
    with pytest.raises(ValidationError, match="尚未报告整改完成"):
        finding_send_back(user=people["supervisor"], finding=finding, reason="不合格")


def test_a_closed_finding_takes_no_more_answers_or_edits(people):
    finding = a_finding(people)
    finding_answer(user=people["reporter"], finding=finding, note="已整改", today=FOUND, done=True)
    finding_close(user=people["supervisor"], finding=finding, today=FOUND)

    with pytest.raises(ValidationError, match="已销号"):
        finding_answer(user=people["reporter"], finding=finding, note="补充", today=FOUND)
    with pytest.raises(ValidationError, match="已销号"):
        finding_edit(
            user=people["supervisor"], finding=finding, description="改", category="other",
            deadline=date(2026, 12, 1),
        )  # fmt: skip
    with pytest.raises(ValidationError, match="已销号"):
        finding_close(user=people["supervisor"], finding=finding, today=FOUND)


def test_an_answer_waiting_for_acceptance_cannot_be_answered_again(people):
    finding = a_finding(people)
    finding_answer(user=people["reporter"], finding=finding, note="已整改", today=FOUND, done=True)
    with pytest.raises(ValidationError, match="等待督查办验收"):
        finding_answer(user=people["reporter"], finding=finding, note="补充", today=FOUND)


def test_an_empty_answer_is_refused_and_nothing_changes(people):
    finding = a_finding(people)
    with pytest.raises(ValidationError, match="请填写整改措施或进展"):
        finding_answer(user=people["reporter"], finding=finding, note="   ", today=FOUND)
    with pytest.raises(ValidationError, match="不能超过2000字"):
        finding_answer(user=people["reporter"], finding=finding, note="字" * 2001, today=FOUND)
    finding.refresh_from_db()
    assert (finding.status, finding.first_reply_on, finding.events.count()) == (
        Status.OPEN,
        None,
        1,
    )


def test_the_supervisor_moves_a_timetable_deadline_but_not_a_13710_one(people):
    timetable = a_finding(people, clock="timetable", deadline=date(2026, 6, 30))
    ordinary = a_finding(people, description="扬尘")

    timetable = finding_edit(
        user=people["supervisor"], finding=timetable, description="用地报批",
        category="land", deadline=date(2026, 7, 31),
    )  # fmt: skip
    ordinary = finding_edit(
        user=people["supervisor"], finding=ordinary, description="扬尘",
        category="other", deadline=date(2026, 12, 31),
    )  # fmt: skip

    assert timetable.deadline == date(2026, 7, 31)
    assert ordinary.deadline == date(2026, 3, 9)  # the 7-day clock is the rule, not a choice


def test_finding_create_accepts_a_plain_deadline(people):
    finding = finding_create(
        user=people["supervisor"], unit=people["township"], description="水电气接入滞后",
        found_on=FOUND, today=FOUND, deadline=date(2026, 4, 30), category="utilities",
    )  # fmt: skip
    assert (finding.clock, finding.deadline) == ("", date(2026, 4, 30))
