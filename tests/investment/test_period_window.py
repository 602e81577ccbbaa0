"""The period that follows a lock, the due-day preview and the 报送 window (DESIGN.md §3), on a
frozen calendar.

The county of `test_period_due`: three 2026 projects started in January, January–October in
from the ledger. 县住建局 reports 城关污水处理厂; 营盘镇 营盘公路改建.
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from investment.models import MonthlyReport, ReportingPeriod, YearSettings
from investment.rules import periods
from investment.rules.periods import Period
from investment.selectors.portfolio import units_not_reported
from investment.services import entry
from investment.services import quality_flags as quality_services
from investment.services import reports as services
from investment.services.warning_rules import counts_now
from investment.services.year_settings import opens_at
from projects.models import AnnualPlan
from tests.builders import year_settings

SETTINGS = year_settings()


@pytest.fixture
def county(december_county, cast):
    return cast


def plan(name: str = "城关污水处理厂") -> AnnualPlan:
    return AnnualPlan.objects.get(project__name=name)


def lock(officer, year: int, month: int) -> None:
    missing = [u.unit_id for u in units_not_reported(year=year, month=month)]
    services.period_lock(year=year, month=month, user=officer, confirmed_units=missing)


def every_report_of(month: int, reporter_of, *, moment: str) -> None:
    """Each unit's reporter saves and sends its month ``month`` reports at ``moment``."""
    with time_machine.travel(moment):
        for row in AnnualPlan.objects.select_related("project__unit"):
            reporter = reporter_of(row.project.unit)
            report = services.report_save(plan=row, month=month, user=reporter, amount=Decimal(20))
            services.report_submit(report=report, user=reporter)


# --- the period that is due follows a lock ------------------------------------------------


def test_a_later_due_day_moves_the_period_back_until_the_month_is_locked(county):
    """The issue's 7 December: due day 5 → 8 moved every page back to October."""
    every_report_of(11, county.reporter_of, moment="2026-11-25 10:00+08:00")
    today = date(2026, 12, 7)
    YearSettings.objects.create(year=2026, due_day=8)
    assert periods.due_period(today) == (2026, 10)

    with time_machine.travel("2026-12-07 10:00+08:00"):
        lock(county.officer, 2026, 11)

    assert periods.due_period(today) == (2026, 11)
    due = Period.due_on(today)
    assert (due.year, due.month, due.judged_in(2026).month) == (2026, 11, 11)
    assert (
        counts_now(2026, due=Period.due_on(today))[0] == 11
    )  # the 预警规则 page counts at November


def test_a_lock_of_an_earlier_month_does_not_move_the_period_back(county):
    with time_machine.travel("2026-12-06 10:00+08:00"):
        lock(county.officer, 2026, 9)
    assert periods.due_period(date(2026, 12, 6)) == (2026, 11)  # by the due day


def test_an_unlocked_month_no_longer_holds_the_period(county):
    every_report_of(11, county.reporter_of, moment="2026-11-25 10:00+08:00")
    YearSettings.objects.create(year=2026, due_day=8)
    with time_machine.travel("2026-12-07 10:00+08:00"):
        lock(county.officer, 2026, 11)
        services.period_unlock(year=2026, month=11, user=county.officer, reason="更正")
    assert periods.due_period(date(2026, 12, 7)) == (2026, 10)


def test_the_pages_open_at_the_locked_month(client, county):
    every_report_of(11, county.reporter_of, moment="2026-11-25 10:00+08:00")
    YearSettings.objects.create(year=2026, due_day=8)
    with time_machine.travel("2026-12-07 10:00+08:00"):
        lock(county.officer, 2026, 11)
        client.force_login(county.leader)
        dashboard = client.get(reverse("dashboard")).content.decode()
        lag = client.get(reverse("lag_warnings")).content.decode()
    assert "2026年1–11月重点项目建设情况" in dashboard
    assert "截至11月底" in lag


# --- 年度设置 says where the pages will open ----------------------------------------------


def test_the_preview_says_a_later_due_day_moves_the_pages_back(county):
    shown = opens_at(Period.due_on(date(2026, 12, 7)), year=2026, values=SETTINGS | {"due_day": 8})

    assert shown.moved
    assert shown.text == "保存后各页面默认显示：2026年10月（原：2026年11月）"


def test_the_preview_says_a_locked_month_keeps_the_pages(county):
    every_report_of(11, county.reporter_of, moment="2026-11-25 10:00+08:00")
    with time_machine.travel("2026-12-07 10:00+08:00"):
        lock(county.officer, 2026, 11)

    shown = opens_at(Period.due_on(date(2026, 12, 7)), year=2026, values=SETTINGS | {"due_day": 8})

    assert not shown.moved and shown.held_by_lock
    assert shown.text == "保存后各页面默认显示：2026年11月（原：2026年11月）"


def test_another_years_due_day_does_not_move_the_pages(county):
    shown = opens_at(Period.due_on(date(2026, 12, 7)), year=2027, values=SETTINGS | {"due_day": 28})
    assert shown.text == "保存后各页面默认显示：2026年11月（原：2026年11月）"


def test_the_settings_page_shows_where_the_pages_will_open(client, county):
    form = {"year": 2026, "version": 0, "action": "preview", **SETTINGS, "due_day": 8}
    with time_machine.travel("2026-12-07 10:00+08:00"):
        client.force_login(county.officer)
        page = client.post(reverse("year_settings"), form).content.decode()
    assert "保存后各页面默认显示：2026年10月（原：2026年11月）" in page
    assert not YearSettings.objects.exists()  # a preview saves nothing


# --- 报送开始日 in 年度设置 ----------------------------------------------------------------


def test_the_submit_start_day_is_saved_with_its_history(client, county):
    form = {"year": 2026, "version": 0, "action": "save", **SETTINGS, "submit_start_day": 15}
    with time_machine.travel("2026-12-07 10:00+08:00"):
        client.force_login(county.officer)
        client.post(reverse("year_settings"), form)
        page = client.get(reverse("year_settings"), {"year": 2026}).content.decode()
    assert YearSettings.objects.get(year=2026).submit_start_day == 15
    assert "报送开始日：20 → 15" in page


@pytest.mark.parametrize("day", [0, 29])
def test_a_submit_start_day_outside_1_to_28_is_refused(client, county, day):
    form = {"year": 2026, "version": 0, "action": "save", **SETTINGS, "submit_start_day": day}
    client.force_login(county.officer)
    page = client.post(reverse("year_settings"), form).content.decode()
    assert "报送开始日" in page and not YearSettings.objects.exists()


# --- the 报送 window ------------------------------------------------------------------------


def test_on_the_19th_a_report_is_saved_as_a_draft_but_not_sent(county):
    reporter = county.reporter
    with time_machine.travel("2026-11-19 23:00+08:00"):
        report = services.report_save(plan=plan(), month=11, user=reporter, amount=Decimal(30))
        with pytest.raises(ValidationError) as refused:
            services.report_submit(report=report, user=reporter)
    assert refused.value.messages == [
        "2026年11月报表自2026年11月20日起才能报送，现在可以先保存草稿。"
    ]
    assert MonthlyReport.objects.get(pk=report.pk).status == MonthlyReport.Status.DRAFT


def test_from_the_20th_it_is_sent(county):
    reporter = county.reporter
    with time_machine.travel("2026-11-20 00:05+08:00"):
        report = services.report_save(plan=plan(), month=11, user=reporter, amount=Decimal(30))
        services.report_submit(report=report, user=reporter)
    assert MonthlyReport.objects.get(pk=report.pk).status == MonthlyReport.Status.SUBMITTED


def test_the_window_follows_the_years_submit_start_day(county):
    YearSettings.objects.create(year=2026, submit_start_day=15)
    reporter = county.reporter
    with time_machine.travel("2026-11-14 10:00+08:00"):
        report = services.report_save(plan=plan(), month=11, user=reporter, amount=Decimal(30))
        with pytest.raises(ValidationError, match="2026年11月15日起才能报送"):
            services.report_submit(report=report, user=reporter)
    with time_machine.travel("2026-11-15 10:00+08:00"):
        services.report_submit(report=report, user=reporter)
    assert MonthlyReport.objects.get(pk=report.pk).status == MonthlyReport.Status.SUBMITTED


def test_the_month_page_batch_send_is_refused_whole_before_the_window(county):
    line = entry.MonthEntry(plan=plan(), version=0, amount=Decimal(30))
    with time_machine.travel("2026-11-19 10:00+08:00"):
        with pytest.raises(ValidationError, match="现在可以先保存草稿"):
            entry.reports_save_month(
                user=county.reporter, year=2026, month=11, entries=[line], submit=True
            )
        assert not MonthlyReport.objects.filter(month=11).exists()  # nothing half-written
        entry.reports_save_month(
            user=county.reporter, year=2026, month=11, entries=[line], submit=False
        )
    assert MonthlyReport.objects.get(month=11).status == MonthlyReport.Status.DRAFT


def month_page(client, user, moment: str) -> str:
    with time_machine.travel(moment):
        client.force_login(user)
        return client.get(reverse("report_month", args=[2026, 11])).content.decode()


def test_the_month_page_says_from_when_and_offers_no_send_before(client, county):
    before = month_page(client, county.reporter, "2026-11-19 10:00+08:00")
    assert "11月报表可于11月20日起报送" in before
    assert 'data-action="report.submit"' not in before and 'value="submit"' not in before
    assert "保存草稿" in before

    after = month_page(client, county.reporter, "2026-11-20 10:00+08:00")
    assert "11月报表可于11月20日起报送" not in after
    assert 'data-action="report.submit"' in after


def test_an_unsent_report_is_not_shown_as_behind_before_the_window_opens(client, county):
    before = month_page(client, county.reporter, "2026-11-19 10:00+08:00")
    after = month_page(client, county.reporter, "2026-11-20 10:00+08:00")

    assert '<span class="">未报送2</span>' in before  # nothing can be sent yet: not red
    assert '<span class="behind">未报送2</span>' in after


# --- the office waits for the window too ---------------------------------------------------


@pytest.fixture
def sent_early(county):
    """December's report sent on 7 December before this rule (the issue's walk-through)."""
    with time_machine.travel("2026-12-07 10:00+08:00"):
        report = services.report_save(
            plan=plan(), month=12, user=county.reporter, amount=Decimal(1)
        )
    MonthlyReport.objects.filter(pk=report.pk).update(status=MonthlyReport.Status.SUBMITTED)
    return report


def test_the_office_cannot_approve_or_lock_before_the_window(county, sent_early):
    officer = county.officer
    with time_machine.travel("2026-12-19 10:00+08:00"):
        with pytest.raises(ValidationError, match="报送开始前不能审核通过该月报表"):
            services.report_approve(report=sent_early, user=officer)
        with pytest.raises(ValidationError, match="报送开始前不能审核通过该月报表"):
            services.reports_approve(year=2026, month=12, report_ids=[sent_early.pk], user=officer)
        with pytest.raises(ValidationError, match="报送开始前不能锁定该月报表"):
            lock(officer, 2026, 12)
    assert not ReportingPeriod.objects.filter(locked_at__isnull=False).exists()
    assert MonthlyReport.objects.get(pk=sent_early.pk).status == MonthlyReport.Status.SUBMITTED


def test_from_the_window_the_office_approves_and_locks(county, sent_early):
    with time_machine.travel("2026-12-20 10:00+08:00"):
        services.report_approve(report=sent_early, user=county.officer)
        lock(county.officer, 2026, 12)
    assert MonthlyReport.objects.get(pk=sent_early.pk).status == MonthlyReport.Status.APPROVED
    assert ReportingPeriod.objects.get(year=2026, month=12).is_locked


def test_a_report_sent_early_can_still_be_returned(county, sent_early):
    with time_machine.travel("2026-12-19 10:00+08:00"):
        services.report_return(report=sent_early, user=county.officer, reason="未到报送时间")
    assert MonthlyReport.objects.get(pk=sent_early.pk).status == MonthlyReport.Status.RETURNED


def test_the_review_page_offers_no_approval_or_lock_before_the_window(client, county, sent_early):
    url = reverse("review_month", args=[2026, 12])
    with time_machine.travel("2026-12-19 10:00+08:00"):
        client.force_login(county.officer)
        before = client.get(url).content.decode()
        lock_page = client.get(reverse("period_lock", args=[2026, 12]), follow=True)
    assert "12月报表可于12月20日起报送" in before
    for action in ("report.approve", "reports.approve", "period.lock"):
        assert f'data-action="{action}"' not in before, action
    assert 'data-action="report.return"' in before  # returning does not wait
    assert "报送开始前不能锁定该月报表" in lock_page.content.decode()

    with time_machine.travel("2026-12-20 10:00+08:00"):
        client.force_login(county.officer)  # a session lasts hours, not days
        after = client.get(url).content.decode()
    for action in ("report.approve", "reports.approve", "period.lock"):
        assert f'data-action="{action}"' in after, action


def test_the_send_confirmation_offers_no_send_before_the_window(client, county):
    """报送确认 (the month page's 保存并报送 with flags) waits for the window too."""
    with time_machine.travel("2026-11-19 10:00+08:00"):
        report = services.report_save(
            plan=plan(), month=11, user=county.reporter, amount=Decimal(30)
        )
        client.force_login(county.reporter)
        url = reverse("report_send", args=[2026, 11])
        page = client.get(url).content.decode()
        refused = client.post(url, {"report": report.pk, f"version-{report.pk}": report.version})
        with pytest.raises(ValidationError, match="现在可以先保存草稿"):
            quality_services.reports_send(
                user=county.reporter, year=2026, month=11, shown={report.pk: report.version},
                flags_shown=set(), explanations={},
            )  # fmt: skip
    assert "11月报表可于11月20日起报送" in page and 'id="send-button"' not in page
    assert refused.status_code == 200
    assert MonthlyReport.objects.get(pk=report.pk).status == MonthlyReport.Status.DRAFT

    with time_machine.travel("2026-11-20 10:00+08:00"):
        client.force_login(county.reporter)
        assert 'id="send-button"' in client.get(url).content.decode()
