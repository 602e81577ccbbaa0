"""A reporter finds a returned month with 月度填报's month picker, corrects it and sends it
again; then the month is no longer offered as 有退回待修改 — on a phone; the office reviewing
it sees what it said when returned and why, beside the new amount."""

from decimal import Decimal

import time_machine

from investment.models import MonthlyReport
from investment.services import reports as services
from tests.browser.conftest import PHONE, look, sign_in
from tests.investment.test_month_entry import month_entry_county, people, plan, report  # noqa: F401  # the fixtures


def test_the_reporter_picks_the_returned_month_corrects_it_and_sends_it_again(tab, people):  # noqa: F811
    services.report_return(report=report(1, month=2), user=people["officer"], reason="金额有误")
    page = tab.page
    page.set_viewport_size(PHONE)
    sign_in(tab, people["reporter"])
    page.on("dialog", lambda dialog: dialog.accept())  # 报送 asks before it sends

    with time_machine.travel("2026-12-07 10:00+08:00", tick=True):
        page.goto("/reports/")
        assert page.locator("select[name=period]").input_value() == "2026-11"
        look(page, "month-picker")
        page.select_option("select[name=period]", label="2024年2月（有退回待修改）")
        page.click("form.month-picker button:text-is('前往')")
        page.wait_for_url("**/reports/2024/2/**")
        line = page.locator(f"tr#plan-{plan(1).pk}")
        assert "金额有误" in line.inner_text()
        line.locator("input[name$=-amount]").fill("41")
        with page.expect_navigation():
            page.locator("button[value=submit]").click()

        resent = report(1, month=2)
        assert (resent.status, resent.amount) == (MonthlyReport.Status.SUBMITTED, Decimal(41))
        page.goto("/reports/")
        offered = page.locator("select[name=period]").inner_text()
        assert "有退回待修改" not in offered and "2024年2月" not in offered

        # The office sees the amount it returned and its own reason beside the new one.
        sign_in(tab, people["officer"])
        page.goto("/review/2024/2/")
        row = page.locator("tr", has_text="城关污水处理厂")
        assert "退回前 40.00" in row.inner_text() and "退回原因：金额有误" in row.inner_text()
        look(page, "review-resent")
