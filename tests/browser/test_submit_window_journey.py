"""The 报送 window and the period that is due in a browser (DESIGN.md §3).

On 19 November a reporter is told November's reports can be sent from the 20th, finds no
保存并报送 and keeps a draft; on the 20th the button is there, and the draft and a second row
are sent. On 7 December the office, moving the due day from 5 to 8, is told where every page
will open, before and after locking November."""

from decimal import Decimal

import time_machine
from playwright.sync_api import expect

from investment.models import MonthlyReport, YearSettings
from investment.services import reports as services
from projects.models import AnnualPlan
from tests.browser.conftest import sign_in
from tests.investment.test_period_due import a_county_in_december

Status = MonthlyReport.Status


def row(page, name: str):
    return page.locator("tr.entry-line", has=page.locator(f"a:text-is('{name}')"))


def test_a_reporter_waits_for_the_20th_to_send(tab, cast):
    a_county_in_december()
    page = tab.page
    dialogs: list[str] = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)

    with time_machine.travel("2026-11-19 16:00+08:00", tick=True):
        sign_in(tab, cast.reporter)
        page.goto("/reports/2026/11/")
        assert "11月报表可于11月20日起报送，此前可先保存草稿" in page.inner_text(".entry-due")
        assert page.locator("button[value=submit]").count() == 0
        row(page, "城关污水处理厂").locator("input[name$=-amount]").fill("30")
        page.locator("button[value=save]").click()
        page.wait_for_selector(".messages")
        assert "已保存1个项目的月报，尚未报送" in page.inner_text(".messages")
        assert page.locator("button[value=submit]").count() == 0  # still the 19th
    draft = MonthlyReport.objects.get(plan__project__name="城关污水处理厂", month=11)
    assert (draft.amount, draft.status) == (Decimal(30), Status.DRAFT)

    with time_machine.travel("2026-11-20 08:30+08:00", tick=True):
        sign_in(tab, cast.reporter)  # the next morning: a new session
        page.goto("/reports/2026/11/")
        assert "可于11月20日起报送" not in page.inner_text(".entry-due")
        sewage = row(page, "城关污水处理厂")
        assert sewage.locator("input[name$=-amount]").input_value() == "30"  # the draft
        row(page, "城关保障房").locator("input[name$=-amount]").fill("25")
        page.locator("button[value=submit]").click()
        page.wait_for_selector(".messages")
        assert "已报送2个项目的月报，本月完成投资合计55.00万元" in page.inner_text(".messages")
        assert sewage.locator("input, textarea").count() == 0  # read-only once sent

    assert dialogs == [
        "将报送2个项目的月报，本月完成投资合计55.00万元。\n"
        "如有数据质量提示，将先列出供您核对或填写说明，确认后才报送；"
        "报送后不能修改（如需更正须由项目办退回）。继续吗？"
    ]
    sent = MonthlyReport.objects.filter(month=11).values_list("status", flat=True)
    assert sorted(sent) == [Status.SUBMITTED, Status.SUBMITTED]
    assert tab.problems == []


def test_the_office_moves_the_due_day_and_is_told_where_the_pages_will_open(tab, cast):
    """The issue's 7 December: November is in and locked; the due day goes from 5 to 8."""
    a_county_in_december()
    with time_machine.travel("2026-11-25 10:00+08:00"):
        for plan in AnnualPlan.objects.select_related("project__unit"):
            reporter = cast.reporter_of(plan.project.unit)
            report = services.report_save(plan=plan, month=11, user=reporter, amount=Decimal(20))
            services.report_submit(report=report, user=reporter)
    page = tab.page

    with time_machine.travel("2026-12-07 10:00+08:00", tick=True):
        sign_in(tab, cast.officer)
        # Before the lock a later due day would move every page back to October: said so.
        page.goto("/settings/year/?year=2026")
        page.fill("#id_due_day", "8")
        page.click("button:has-text('预览')")
        expect(page.locator("#opens-at")).to_contain_text(
            "保存后各页面默认显示：2026年10月（原：2026年11月）"
        )

        # The office locks November first; the same preview now keeps the pages there.
        page.goto("/review/2026/11/")
        page.click("a[data-action='period.lock']")
        page.click("form.actions button[type=submit]")
        expect(page.locator("ul.messages")).to_contain_text("2026年11月已锁定")
        page.goto("/settings/year/?year=2026")
        page.fill("#id_due_day", "8")
        page.click("button:has-text('预览')")
        expect(page.locator("#opens-at")).to_contain_text(
            "保存后各页面默认显示：2026年11月（原：2026年11月）：2026年11月已锁定"
        )
        page.click("form.save-previewed button:has-text('保存')")
        expect(page.locator("ul.messages")).to_contain_text("2026年年度设置已保存")
        page.goto("/")
        assert page.locator("h1").inner_text() == "2026年1–11月重点项目建设情况"
    assert YearSettings.objects.get(year=2026).due_day == 8
    assert tab.problems == []
