"""The review page as the office uses it: 催报, last month beside this one, photos, actions that
come back to the unit, the lock confirmation, 解锁 with a reason, and what reporters are told."""

import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db.models import F
from django.urls import reverse
from PIL import Image

from audit.models import AuditEntry
from investment.models import MonthlyReport
from investment.rules.periods import Period
from investment.selectors.portfolio import units_not_reported
from investment.selectors.todo import todos
from investment.services import reports as services
from investment.services.photos import photo_add
from projects.models import AnnualPlan, Unit, User
from tests.cast import Cast
from tests.prebuilt import prebuilt
from tests.workbooks import a_small_county

Status = MonthlyReport.Status
REVIEW = reverse("review_month", args=[2024, 3])
LOCK = reverse("period_lock", args=[2024, 3])
UNLOCK = reverse("period_unlock", args=[2024, 3])
RETURN_UNIT = reverse("reports_return_unit", args=[2024, 3])


@prebuilt
def february_march_county() -> None:
    """县住建局 reported February and sent March; 营盘镇 has sent nothing for March. Built once
    per process."""
    cast = Cast()
    a_small_county()
    housing = Unit.objects.get(name="县住建局")
    reporter, _, _ = cast.reporter, cast.other_reporter, cast.officer
    for plan in AnnualPlan.objects.filter(project__unit=housing).order_by("project__code"):
        for month, amount, progress in ((2, 40, "基础施工"), (3, 60, "主体施工至三层")):
            report = services.report_save(
                plan=plan, month=month, user=reporter, amount=Decimal(amount), progress=progress
            )
            services.report_submit(report=report, user=reporter)


@pytest.fixture
def county(february_march_county, cast):
    """The county's units and people: both units' reporters and the office."""
    return {
        "housing": Unit.objects.get(name="县住建局"),
        "township": Unit.objects.get(name="营盘镇"),
        "reporter": cast.reporter,
        "township_reporter": cast.other_reporter,
        "officer": cast.officer,
    }


def housing_reports(month: int = 3) -> list[MonthlyReport]:
    return list(
        MonthlyReport.objects.filter(plan__project__unit__name="县住建局", month=month).order_by(
            "plan__project__code"
        )
    )


def a_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_each_row_shows_last_months_amount_and_progress_and_the_photos(client, county):
    photo = photo_add(report=housing_reports()[0], user=county["reporter"], data=a_jpeg())
    client.force_login(county["officer"])

    page = client.get(REVIEW).content.decode()

    assert "上月 40.00" in page and "上月：基础施工" in page
    assert reverse("photo_file", args=[photo.pk, "thumb"]) in page


def test_a_report_sent_again_after_a_whole_unit_return_shows_what_was_returned_and_why(
    client, county
):
    client.force_login(county["officer"])
    client.post(
        RETURN_UNIT,
        {"unit": county["housing"].pk, "reason": "3月数与统计局不符",
         "report": [r.pk for r in housing_reports()]},
    )  # fmt: skip
    first, second = housing_reports()
    corrected = services.report_save(
        plan=first.plan, month=3, user=county["reporter"], amount=Decimal(66), progress="主体施工"
    )
    services.report_submit(report=corrected, user=county["reporter"])

    page = client.get(REVIEW).content.decode()

    assert page.count("退回前 60.00") == 1  # the one sent again; the other is still returned
    assert "退回原因：3月数与统计局不符" in page and "66.00" in page


def test_the_reminder_names_each_missing_unit_with_its_reporter_and_phone(client, county):
    client.force_login(county["officer"])

    with time_machine.travel("2024-04-08 09:00+08:00"):
        page = client.get(REVIEW).content.decode()

    assert "【催报】2024年3月重点项目月报已过报送截止时间（4月5日）" in page
    assert "1. 营盘镇（未报1个项目）联系人：王强 13900000002" in page
    assert 'data-copy="reminder"' in page and "js/copy.js" in page
    assert "<script>" not in page  # the copy button is a static file (CSP: script-src 'self')


def test_approving_a_report_comes_back_to_its_unit_with_the_filters_kept(client, county):
    client.force_login(county["officer"])
    first = housing_reports()[0]

    response = client.post(
        reverse("report_approve", args=[first.pk]), {"shown_status": "submitted"}
    )

    housing = county["housing"].pk
    assert response["Location"] == f"{REVIEW}?status=submitted&focus={housing}#unit-{housing}"
    page = client.get(response["Location"]).content.decode()
    assert f'id="unit-{housing}"' in page


def test_a_unit_whose_last_report_left_the_list_keeps_its_heading(client, county):
    client.force_login(county["officer"])

    response = client.post(
        RETURN_UNIT,
        {
            "unit": county["housing"].pk,
            "report": [r.pk for r in housing_reports()],
            "reason": "与统计数据不符",
            "shown_status": "submitted",
        },
    )

    assert [r.status for r in housing_reports()] == [Status.RETURNED] * 2
    page = client.get(response["Location"]).content.decode()
    assert f'id="unit-{county["housing"].pk}"' in page
    assert "本单位已没有该状态的报表" in page
    assert "已退回县住建局3月的2份报表" in page


def test_returning_a_unit_without_a_reason_changes_nothing_and_says_why(client, county):
    client.force_login(county["officer"])

    response = client.post(
        RETURN_UNIT,
        {"unit": county["housing"].pk, "report": [r.pk for r in housing_reports()]},
        follow=True,
    )

    assert "退回时须填写退回原因" in response.content.decode()
    assert {r.status for r in housing_reports()} == {Status.SUBMITTED}


def test_the_lock_page_names_the_missing_units_and_locks_only_once_confirmed(client, county):
    client.force_login(county["officer"])

    page = client.get(LOCK).content.decode()
    assert "还有1个单位未报齐" in page and "营盘镇" in page and "王强 13900000002" in page
    assert f'name="confirm" value="{county["township"].pk}"' in page

    assert client.post(LOCK)["Location"] == LOCK  # no confirmation: back to the list
    assert not services.is_locked(year=2024, month=3)

    response = client.post(LOCK, {"confirm": [county["township"].pk]})
    assert response["Location"] == REVIEW
    assert services.is_locked(year=2024, month=3)
    entry = AuditEntry.objects.filter(action="锁定或解锁月份").latest("pk")
    assert "1个单位未报齐" in entry.detail


def test_the_review_page_offers_unlock_with_a_reason_once_locked(client, county):
    services.period_lock(
        year=2024, month=3, user=county["officer"], confirmed_units=[county["township"].pk]
    )
    client.force_login(county["officer"])

    page = client.get(REVIEW).content.decode()
    assert f'action="{UNLOCK}"' in page and 'name="reason"' in page
    assert f'action="{RETURN_UNIT}"' not in page  # nothing the locked month would refuse

    response = client.post(UNLOCK, {"reason": ""}, follow=True)
    assert "须填写解锁原因" in response.content.decode()
    assert services.is_locked(year=2024, month=3)
    refused = AuditEntry.objects.filter(action="解锁月份").latest("pk")
    assert refused.outcome == AuditEntry.Outcome.REFUSED

    client.post(UNLOCK, {"reason": "营盘镇补报3月数据"})
    assert not services.is_locked(year=2024, month=3)
    entry = AuditEntry.objects.filter(action="解锁月份").latest("pk")
    assert (entry.username, entry.detail) == ("office", "2024年3月解锁，原因：营盘镇补报3月数据")


def listed(user, today: date) -> dict[str, tuple[int, bool]]:
    with time_machine.travel(f"{today.isoformat()} 09:00+08:00"):
        return {t.label: (t.count, t.urgent) for t in todos(user, period=Period.due_on(today))}


def test_reporters_are_told_on_their_to_do_list_that_a_month_was_unlocked(client, county):
    with time_machine.travel("2024-04-10 09:00+08:00"):
        services.period_lock(
            year=2024, month=3, user=county["officer"], confirmed_units=[county["township"].pk]
        )
        services.period_unlock(year=2024, month=3, user=county["officer"], reason="营盘镇补报")

    notice = "2024年3月已解锁：营盘镇补报（本单位待补报或更正的项目）"
    assert listed(county["township_reporter"], date(2024, 4, 12))[notice] == (1, True)
    with time_machine.travel("2024-04-12 09:00+08:00"):
        client.force_login(county["township_reporter"])
        page = client.get(reverse("dashboard")).content.decode()
    assert notice in page and reverse("report_month", args=[2024, 3]) in page
    assert notice not in listed(county["reporter"], date(2024, 4, 12))  # 县住建局 sent all

    with time_machine.travel("2024-04-12 09:00+08:00"):  # the township sends its March
        plan = AnnualPlan.objects.get(project__unit=county["township"], year=2024)
        report = services.report_save(plan=plan, month=3, user=county["township_reporter"],
                                      amount=Decimal(5), progress="补报")  # fmt: skip
        services.report_submit(report=report, user=county["township_reporter"])
    assert notice not in listed(county["township_reporter"], date(2024, 4, 12))

    services.period_lock(
        year=2024, month=3, user=county["officer"], confirmed_units=[county["township"].pk]
    )
    assert notice not in listed(county["township_reporter"], date(2024, 4, 12))


@pytest.mark.parametrize(
    ("today", "label", "urgent"),
    [
        (date(2024, 4, 1), "3月月报未报送", False),
        (date(2024, 4, 2), "3月月报未报送（4月5日截止，还有3天）", True),
        (date(2024, 4, 5), "3月月报未报送（今天4月5日截止）", True),
        (date(2024, 4, 6), "3月月报未报送", True),  # late: urgent, no countdown
    ],
)
def test_reporters_are_reminded_from_three_days_before_the_due_day(county, today, label, urgent):
    assert listed(county["township_reporter"], today)[label] == (1, urgent)


@time_machine.travel("2026-12-03 09:00+08:00")  # the demo's day (tests/conftest.py)
def test_the_demo_county_has_a_reporter_with_a_phone_for_every_unit(client, demo_county):

    units = Unit.objects.all()
    reporters = User.objects.filter(role=User.Role.REPORTER, is_active=True)
    assert {r.unit_id for r in reporters} == {unit.pk for unit in units}
    assert all(r.phone and r.first_name for r in reporters)
    assert reporters.get(username="reporter").unit.name == "县住房和城乡建设局"
    assert (
        not MonthlyReport.objects.exclude(submitted_by=None)
        .exclude(submitted_by__unit=F("plan__project__unit"))
        .exists()
    )  # each unit's reports were sent by its own reporter

    client.force_login(User.objects.get(username="office"))
    page = client.get(reverse("review_month", args=[2026, 10])).content.decode()
    reminder = page[page.index("【催报】") : page.index("</textarea>")]
    missing = units_not_reported(year=2026, month=10)
    assert missing and all(unit.reporters for unit in missing)
    for unit in missing:
        assert f"{unit.unit}（未报{unit.outstanding}个项目）联系人：{unit.reporters[0]}" in reminder


def test_before_the_due_day_the_reminder_asks_for_the_report_by_that_day(client, county):
    client.force_login(county["officer"])

    with time_machine.travel("2024-04-03 09:00+08:00"):
        page = client.get(REVIEW).content.decode()

    assert "【催报】2024年3月重点项目月报请于4月5日（含当日）前报送" in page


def test_a_locked_month_is_not_asked_of_reporters_as_if_they_could_still_send_it(county):
    with time_machine.travel("2024-04-10 09:00+08:00"):
        report = housing_reports(3)[0]
        services.report_return(report=report, user=county["officer"], reason="请核对金额")
        services.period_lock(
            year=2024,
            month=3,
            user=county["officer"],
            confirmed_units=[county["housing"].pk, county["township"].pk],
        )

    assert listed(county["reporter"], date(2024, 4, 12))[
        "3月月报被退回待修改（该月已锁定，需项目办解锁）"
    ] == (1, False)
    assert listed(county["township_reporter"], date(2024, 4, 12))[
        "3月月报未报送（该月已锁定，需项目办解锁）"
    ] == (1, False)


def test_the_lock_page_warns_when_the_due_day_has_not_come(client, county):
    client.force_login(county["officer"])

    with time_machine.travel("2024-04-03 09:00+08:00"):
        early = client.get(LOCK).content.decode()
    with time_machine.travel("2024-04-06 09:00+08:00"):
        late = client.get(LOCK).content.decode()

    assert "报送截止时间（4月5日 23:59）还没到" in early
    assert "下列单位就不能在截止前报送" in early
    assert "还没到" not in late
