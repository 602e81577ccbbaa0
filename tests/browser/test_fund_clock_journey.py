"""资金支出预警 in a browser: the office opens 资金申报, read at the end of the month that is due
(the dashboard's period, said on the page as 截至X年X月末), where a 专项债券 下达 100 days before
that day with nothing spent is 黄灯; it records a 支出 entry on its page and the light turns 正常
on the page and on the list; a second entry past 下达金额 is refused in Chinese with nothing
written; the entry, entered in error, is deleted and the list is 黄灯 again. Then the rules beside
预警规则: saved unchanged (nothing written), an invalid edge refused in Chinese, a page older than
another officer's save refused, a threshold lowered and saved (the list's light follows), and saved
again unchanged (no new version)."""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from bonds.models import FundClockRule, FundSpending, FundType
from bonds.services import ClockRuleEntry, clock_rules_save, fund_save
from core.formatting import day
from investment.rules.periods import Period
from tests import builders
from tests.browser.conftest import sign_in

SHOTS = Path(os.environ.get("SHOTS", "/tmp/funds"))
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def shot(page, width: str, step: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"clock-{width}-{step}.png"), full_page=True)


def light_on_list(page, name: str) -> str:
    page.goto("/funds/")
    row = page.locator("table tbody tr", has_text=name)
    return (row.locator(".warn-mark").text_content() or "").lstrip("●")


def rules_row(page):
    return page.locator("table.rules tbody tr", has_text="专项债券").locator("input.threshold")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_office_records_spending_and_edits_the_clock_rules(tab, cast, width):
    today = timezone.localdate()
    end = Period.due_on(today).end  # the list's day: the end of the month that is due
    allocated_on = end - timedelta(days=100)
    project = builders.project(
        {"项目代码": "ZJ-001", "项目名称": "城关污水处理厂", "总投资(万元)": 5000}, listed=False
    )
    fund = fund_save(
        user=cast.officer, project=project, fund_type=FundType.SPECIAL_BOND, year=allocated_on.year,
        requested=Decimal(100), allocated=Decimal(100), allocated_on=allocated_on,
    )  # fmt: skip
    year = fund.year
    page = tab.page
    page.set_viewport_size(WIDTHS[width])
    sign_in(tab, cast.officer)

    assert light_on_list(page, "城关污水处理厂") == "黄灯"
    assert f"支出预警截至{end.year}年{end.month}月末" in page.locator("#clock-as-of").inner_text()
    shot(page, width, "1-list")
    page.click("table tbody tr >> text=城关污水处理厂")
    # the application's page judges at the list's day, and says so
    clock = page.locator("#clock")
    assert f"截至{end.year}年{end.month}月末" in clock.inner_text()
    assert "下达后100天，已支出0.0%" in clock.inner_text()
    assert page.locator("nav.nav [aria-current=page]").inner_text() == "资金申报"

    # A payment of 40 recorded ten days before the list's day: 40 % after 100 days, 正常.
    paid_on = end - timedelta(days=10)
    page.fill("input[name=spent_on]", str(paid_on))
    page.fill("input[name=amount]", "40")
    page.fill("input[name=note]", "工程进度款")
    page.click("button:has-text('登记支出')")
    assert "已登记支出40.00万元" in page.locator(".messages").inner_text()
    assert "下达后100天，已支出40.0%" in page.locator("#clock").inner_text()
    assert (page.locator("dl.facts .warn-mark").text_content() or "").lstrip("●") == "正常"
    shot(page, width, "2-recorded")

    # 70 more would pass the 100 下达: refused in Chinese, what was typed kept, nothing written.
    page.fill("input[name=amount]", "70")
    page.click("button:has-text('登记支出')")
    assert (
        "登记后支出合计（110.00万元）将大于下达金额（100.00万元）"
        in page.locator("[role=alert]").inner_text()
    )
    # on the application's own address (not the POST's), said once, what was typed kept
    assert page.url.endswith(f"/funds/{fund.pk}/#spending")
    assert page.locator("[role=alert] li").count() == 1
    assert page.locator("input[name=amount]").input_value() == "70"
    assert page.locator("input[name=spent_on]").input_value() == str(today)
    shot(page, width, "3-refused")
    # Reloaded, as a clerk does: nothing is sent again, the form is fresh.
    page.reload()
    assert page.locator("[role=alert]").count() == 0
    assert list(FundSpending.objects.values_list("amount", flat=True)) == [Decimal(40)]
    assert light_on_list(page, "城关污水处理厂") == "正常"

    # The 40 was entered in error: deleted on the application's page, the list is 黄灯 again.
    page.click("table tbody tr >> text=城关污水处理厂")
    asked: list[str] = []

    def answer(dialog, accept: bool) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    # 删除 asks first: answered 取消, nothing is deleted
    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.locator("#spending tbody tr", has_text="工程进度款").locator("button").click()
    assert asked == [
        f"删除{day(paid_on)}的这笔支出（40.00万元）？删除后支出金额和支出预警随之重算。"
    ]
    assert FundSpending.objects.count() == 1 and page.locator(".messages").count() == 0
    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.locator("#spending tbody tr", has_text="工程进度款").locator("button").click()
    assert f"已删除{paid_on}的一笔支出（40.00万元）" in page.locator(".messages").inner_text()
    assert "暂无支出明细" in page.locator("#spending").inner_text()
    assert not FundSpending.objects.exists()
    assert light_on_list(page, "城关污水处理厂") == "黄灯"

    # The rules, beside 预警规则: saved as shown, nothing changes.
    page.click("nav >> text=年度设置")
    page.click(".subnav >> text=资金支出预警规则")
    assert page.locator("nav.nav [aria-current=page]").inner_text() == "年度设置"
    page.select_option("#clock-year", str(year))
    page.click("form.period button")
    assert [rules_row(page).nth(i).input_value() for i in range(4)] == ["90", "30", "180", "60"]
    shot(page, width, "4-rules")
    page.click(f"text=保存{year}年资金支出预警规则")
    assert "资金支出预警规则没有改动，未保存新版本。" in page.locator(".messages").inner_text()
    assert not FundClockRule.objects.exists() and not FundClockRule.history.exists()

    # A yellow share above the red one: refused in Chinese, nothing saved, the typing kept.
    rules_row(page).nth(1).fill("70")
    page.click(f"text=保存{year}年资金支出预警规则")
    assert (
        "专项债券的黄灯支出进度（70%）不能大于红灯支出进度（60%）。"
        in page.locator("[role=alert]").inner_text()
    )
    assert rules_row(page).nth(1).input_value() == "70"
    shot(page, width, "5-rules-refused")
    assert not FundClockRule.objects.exists()
    # An edge with two decimals: said once, beside its box (a share is shown to one decimal)
    rules_row(page).nth(1).fill("29.95")
    page.click(f"text=保存{year}年资金支出预警规则")
    said = "请填写0到100之间的数字，最多一位小数（如30或30.5）"
    assert page.locator("main").inner_text().count(said) == 1
    assert not FundClockRule.objects.exists()

    # Another officer saves meanwhile: this page, older, is refused and says where to look.
    clock_rules_save(year=year, user=cast.officer, rules=[
        ClockRuleEntry(FundType.SPECIAL_BOND, 90, Decimal(30), 150, Decimal(60), expected_version=0)
    ])  # fmt: skip
    rules_row(page).nth(1).fill("30")
    page.click(f"text=保存{year}年资金支出预警规则")
    alert = page.locator("[role=alert]").inner_text()
    assert "刚被他人保存" in alert or "已被" in alert
    page.click("text=重新打开本页，查看最新规则")

    # On the fresh page the office lowers 专项债券's red edge to 90 days: nothing spent after
    # 100 days is now 红灯 on the list.
    assert rules_row(page).nth(2).input_value() == "150"
    rules_row(page).nth(2).fill("90")
    page.click(f"text=保存{year}年资金支出预警规则")
    assert f"{year}年资金支出预警规则已保存" in page.locator(".messages").inner_text()
    assert "红灯天数：150 → 90" in page.locator("section:has-text('修改记录')").inner_text()
    shot(page, width, "6-rules-saved")
    versions = FundClockRule.history.count()

    # Saved again as shown: nothing new is written.
    page.click(f"text=保存{year}年资金支出预警规则")
    assert "资金支出预警规则没有改动，未保存新版本。" in page.locator(".messages").inner_text()
    assert FundClockRule.history.count() == versions
    assert FundClockRule.objects.get().red_days == 90
    assert light_on_list(page, "城关污水处理厂") == "红灯"
    assert tab.problems == []
