"""The 报送 window in a browser (DESIGN.md §3): on 19 November a reporter is told November's
reports can be sent from the 20th, finds no 保存并报送 and keeps a draft; on the 20th the
button is there, and the draft and a second row are sent."""

from decimal import Decimal

import time_machine

from investment.models import MonthlyReport
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
        "报送后不能修改（如需更正须由项目办退回）。确定报送吗？"
    ]
    sent = MonthlyReport.objects.filter(month=11).values_list("status", flat=True)
    assert sorted(sent) == [Status.SUBMITTED, Status.SUBMITTED]
    assert tab.problems == []
