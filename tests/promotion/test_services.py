"""Recording 招商 activities: a unit keeps its own, the office every unit's; a form saved as
shown changes nothing; an older form is refused naming what changed; a reception counts its
batches and people, a visit neither; nothing half-written on a refusal."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import UNCHANGED
from projects.models import Project
from promotion.models import Activity
from promotion.services import activity_delete, activity_save
from tests.promotion.helpers import reception, visit
from tests.workbooks import a_small_county, code

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    a_small_county()


def project(serial: int) -> Project:
    return Project.objects.get(code=code(serial))


def same(activity: Activity, **changes) -> dict:
    """The record's values as its edit form shows them, with ``changes`` over them."""
    values = {
        "held_on": activity.held_on, "kind": activity.kind, "led_by": activity.led_by,
        "leader": activity.leader, "unit": activity.unit, "counterpart": activity.counterpart,
        "place": activity.place, "people": activity.people, "batches": activity.batches,
        "outcome": activity.outcome, "projects": list(activity.projects.all()),
    }  # fmt: skip
    return values | changes


def test_a_reporter_records_a_visit_and_a_signing_of_their_unit(county, cast):
    signed = visit(cast.reporter, cast.housing, date(2026, 5, 8), projects=[project(1)],
                   outcome="签订投资协议")  # fmt: skip

    assert list(signed.projects.all()) == [project(1)]
    assert signed.history.get().history_user == cast.reporter
    entry = AuditEntry.objects.get(action="登记招商引资活动")
    assert "签约项目：城关污水处理厂" in entry.detail


def test_a_reporter_cannot_record_for_another_unit_nor_sign_its_project(county, cast):
    with pytest.raises(PermissionDenied, match="只能登记本单位的招商引资活动"):
        visit(cast.reporter, cast.township, date(2026, 5, 8))
    with pytest.raises(ValidationError, match="只能关联本单位的项目"):
        visit(cast.reporter, cast.housing, date(2026, 5, 8), projects=[project(3)])

    assert not Activity.objects.exists()


@pytest.mark.parametrize("role", ["supervisor", "leader"])
def test_readers_record_nothing(county, cast, role):
    with pytest.raises(PermissionDenied):
        visit(getattr(cast, role), cast.housing, date(2026, 5, 8))


def test_a_reception_needs_its_batches_and_people(county, cast):
    with pytest.raises(ValidationError) as refused:
        activity_save(user=cast.officer, unit=cast.housing, held_on=date(2026, 5, 8),
                      kind="reception", led_by="department", counterpart="考察团",
                      today=date(2026, 6, 1))  # fmt: skip

    assert refused.value.messages == ["接待客商请填写批次。", "接待客商请填写人数。"]


@pytest.mark.parametrize("typed", [{"people": 12}, {"batches": 2}, {"people": 12, "batches": 2}])
def test_a_visit_with_batches_or_people_typed_is_refused_not_silently_emptied(county, cast, typed):
    with pytest.raises(ValidationError) as refused:
        visit(cast.officer, cast.housing, date(2026, 5, 8), **typed)

    assert refused.value.messages == [
        "外出招商不填写批次和人数（只统计接待客商的批次和人数），请清空这两项，"
        "或将类型改为“接待客商”。"
    ]
    assert not Activity.objects.exists()


def test_a_visit_led_by_a_county_leader_names_the_leader(county, cast):
    with pytest.raises(ValidationError) as refused:
        visit(cast.officer, cast.housing, date(2026, 5, 8), led_by="leader", leader="  ")
    named = visit(cast.officer, cast.housing, date(2026, 5, 8), led_by="leader", leader="王县长")
    by_department = visit(cast.officer, cast.housing, date(2026, 5, 9), led_by="department")

    assert refused.value.messages == ["县级领导带队请填写带队领导的姓名或职务。"]
    assert (named.leader, by_department.leader) == ("王县长", "")
    assert Activity.objects.count() == 2


def test_a_reception_led_by_a_county_leader_names_the_leader_too(county, cast):
    with pytest.raises(ValidationError, match="县级领导带队请填写带队领导的姓名或职务"):
        reception(cast.officer, cast.housing, date(2026, 5, 8), batches=1, people=5,
                  led_by="leader")  # fmt: skip


def test_an_activity_cannot_be_dated_after_today(county, cast):
    with pytest.raises(ValidationError, match="活动日期不能晚于今天（2026-05-07）"):
        visit(cast.officer, cast.housing, date(2026, 5, 8), today=date(2026, 5, 7))


def test_an_edit_saved_as_shown_changes_nothing(county, cast):
    activity = reception(cast.reporter, cast.housing, date(2026, 5, 8), batches=1, people=6,
                         projects=[project(1)], outcome="达成意向\n拟签约")  # fmt: skip
    entries = AuditEntry.objects.count()

    again = activity_save(user=cast.reporter, activity=activity,
                          expected_version=activity.version, today=date(2026, 6, 1),
                          **same(activity))  # fmt: skip

    again.refresh_from_db()
    assert again.version == 1
    assert again.history.count() == 1
    assert AuditEntry.objects.count() == entries + 1
    assert AuditEntry.objects.latest("pk").detail == UNCHANGED


def test_changing_only_the_signed_projects_is_a_new_version_that_says_so(county, cast):
    activity = visit(cast.officer, cast.housing, date(2026, 5, 8), projects=[project(1)])

    activity_save(user=cast.officer, activity=activity, expected_version=1,
                  today=date(2026, 6, 1), **same(activity, projects=[project(1), project(2)]))  # fmt: skip

    activity.refresh_from_db()
    assert activity.version == 2
    latest = activity.history.latest("history_id")
    assert latest.history_change_reason == "签约项目：城关污水处理厂 → 城关污水处理厂、城关保障房"
    assert {p.code for p in activity.projects.all()} == {code(1), code(2)}


def test_a_reporters_edit_keeps_the_other_units_project_the_office_linked(county, cast):
    activity = visit(
        cast.officer, cast.housing, date(2026, 5, 8), projects=[project(1), project(3)]
    )

    activity_save(user=cast.reporter, activity=activity, expected_version=1, today=date(2026, 6, 1),
                  **same(activity, projects=[project(1)], place="深圳"))  # fmt: skip

    assert {p.code for p in activity.projects.all()} == {code(1), code(3)}


def test_an_older_form_is_refused_naming_what_changed(county, cast):
    activity = visit(cast.officer, cast.housing, date(2026, 5, 8), place="西安")
    activity_save(user=cast.officer, activity=activity, expected_version=1,
                  today=date(2026, 6, 1), **same(activity, place="深圳"))  # fmt: skip

    with pytest.raises(ValidationError, match="地点：西安 → 深圳") as refused:
        activity_save(user=cast.reporter, activity=activity, expected_version=1,
                      today=date(2026, 6, 1), **same(activity, place="杭州"))  # fmt: skip

    assert refused.value.code == "stale"
    activity.refresh_from_db()
    assert activity.place == "深圳"


def test_deleting_keeps_the_record_in_its_history(county, cast):
    activity = visit(cast.reporter, cast.housing, date(2026, 5, 8))

    activity_delete(user=cast.reporter, activity=activity, expected_version=1)

    assert not Activity.objects.exists()
    assert Activity.history.filter(history_type="-").get().history_user == cast.reporter


def test_another_unit_cannot_delete_it(county, cast):
    activity = visit(cast.officer, cast.township, date(2026, 5, 8))

    with pytest.raises(PermissionDenied):
        activity_delete(user=cast.reporter, activity=activity, expected_version=1)
    assert Activity.objects.exists()


def test_the_auditor_reads_a_change_of_the_signed_projects_alone(client, county, cast):
    activity = visit(cast.officer, cast.housing, date(2026, 5, 8), projects=[project(1)])
    activity_save(user=cast.officer, activity=activity, expected_version=1,
                  today=date(2026, 6, 1), **same(activity, projects=[project(2)]))  # fmt: skip
    client.force_login(cast.auditor)

    page = client.get(reverse("data_history"), {"table": "promotion"}).content.decode()

    assert "签约项目：城关污水处理厂 → 城关保障房" in page
