"""转交: the supervisor gives a finding assigned to the wrong unit to the right one, before
the unit has answered it; the move is an event in the finding's history."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from supervision.models import Finding, FindingEvent
from supervision.services import finding_answer, finding_close, finding_move
from tests.supervision.builders import a_finding, people_of

Action = FindingEvent.Action


@pytest.fixture
def people(cast):
    return people_of(cast)


def move(people, finding, **kwargs):
    return finding_move(
        user=kwargs.pop("user", people["supervisor"]),
        finding=finding,
        unit=kwargs.pop("unit", people["township"]),
        reason=kwargs.pop("reason", "该路段由营盘镇负责征迁"),
        **kwargs,
    )


def test_it_moves_an_unanswered_finding_to_another_unit_and_records_why(people):
    finding = a_finding(people)

    moved = move(people, finding)

    assert moved.unit == people["township"]
    assert Finding.objects.get().unit == people["township"]
    event = moved.events.get(action=Action.MOVED)
    assert event.created_by == people["supervisor"]
    assert event.note == "由县住建局转交营盘镇。原因：该路段由营盘镇负责征迁"
    assert moved.deadline == finding.deadline  # the clocks run from the day it was found


def test_the_wrong_units_reporter_no_longer_sees_it_and_the_right_one_answers_it(people):
    finding = move(people, a_finding(people))

    with pytest.raises(PermissionDenied):
        finding_answer(
            user=people["reporter"], finding=finding, note="不是我们的", today=date(2026, 3, 3)
        )
    answered = finding_answer(
        user=people["township_reporter"], finding=finding, note="已安排", today=date(2026, 3, 3)
    )
    assert answered.status == Finding.Status.IN_PROGRESS


def test_it_refuses_once_the_unit_has_answered(people):
    finding = a_finding(people)
    finding_answer(user=people["reporter"], finding=finding, note="已约谈", today=date(2026, 3, 3))

    with pytest.raises(ValidationError, match="县住建局已答复该问题，不能再转交其他单位"):
        move(people, finding)

    assert Finding.objects.get().unit == people["housing"]
    assert not FindingEvent.objects.filter(action=Action.MOVED).exists()


def test_it_refuses_a_closed_finding(people):
    finding = a_finding(people)
    finding_answer(
        user=people["reporter"], finding=finding, note="完成", done=True, today=date(2026, 3, 3)
    )
    finding_close(user=people["supervisor"], finding=finding, today=date(2026, 3, 4))

    with pytest.raises(ValidationError, match="已销号"):
        move(people, finding)


@pytest.mark.parametrize("role", ["reporter", "township_reporter", "officer", "leader"])
def test_it_refuses_anyone_but_the_supervisor(people, role):
    finding = a_finding(people)

    with pytest.raises(PermissionDenied):
        move(people, finding, user=people[role])

    assert Finding.objects.get().unit == people["housing"]


def test_it_needs_a_reason_and_another_unit(people):
    finding = a_finding(people)

    with pytest.raises(ValidationError, match="请填写转交原因"):
        move(people, finding, reason="  ")
    with pytest.raises(ValidationError, match="已由县住建局负责"):
        move(people, finding, unit=people["housing"])
    assert not FindingEvent.objects.filter(action=Action.MOVED).exists()


def test_it_refuses_when_the_other_unit_already_has_the_same_finding(people):
    finding = a_finding(people)
    a_finding(people, unit=people["township"])

    with pytest.raises(ValidationError, match="营盘镇在同一天已登记过相同的问题"):
        move(people, finding)


def test_it_refuses_a_form_older_than_the_finding(people):
    finding = a_finding(people)
    shown = finding.version
    move(people, finding)

    with pytest.raises(ValidationError, match="已被"):
        move(people, finding, unit=people["housing"], expected_version=shown)


def test_the_page_offers_the_move_only_while_it_is_allowed(client, people):
    finding = a_finding(people)
    client.force_login(people["supervisor"])
    url = reverse("finding_detail", args=[finding.pk])

    assert "转交其他单位" in client.get(url).content.decode()

    finding_answer(user=people["reporter"], finding=finding, note="已约谈", today=date(2026, 3, 3))
    assert "转交其他单位" not in client.get(url).content.decode()


def test_the_unit_never_sees_the_move_form(client, people):
    finding = a_finding(people)
    client.force_login(people["reporter"])

    page = client.get(reverse("finding_detail", args=[finding.pk])).content.decode()

    assert "转交其他单位" not in page


def test_the_supervisor_moves_it_through_the_page(client, people):
    finding = a_finding(people)
    client.force_login(people["supervisor"])

    response = client.post(
        reverse("finding_move", args=[finding.pk]),
        {"unit": people["township"].pk, "reason": "交办单位有误", "version": finding.version},
        follow=True,
    )

    assert "问题已转交营盘镇" in response.content.decode()
    assert "由县住建局转交营盘镇。原因：交办单位有误" in response.content.decode()
    assert Finding.objects.get().unit == people["township"]


def test_the_page_explains_a_refused_move_in_chinese(client, people):
    finding = a_finding(people)
    version = finding.version
    finding_answer(user=people["reporter"], finding=finding, note="已约谈", today=date(2026, 3, 3))
    client.force_login(people["supervisor"])

    response = client.post(
        reverse("finding_move", args=[finding.pk]),
        {"unit": people["township"].pk, "reason": "交办单位有误", "version": version},
        follow=True,
    )

    assert "已被" in response.content.decode()  # the unit answered meanwhile: a stale form
    assert Finding.objects.get().unit == people["housing"]
