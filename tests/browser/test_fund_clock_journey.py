"""资金支出预警 in a browser: the office opens a 专项债券 下达 100 days ago with nothing spent
(黄灯), records a 支出 entry on its page and the light turns 正常 on the page and on the funds
list; a second entry past 下达金额 is refused in Chinese with nothing written. Then the rules
beside 预警规则: saved unchanged (nothing written), an invalid edge refused in Chinese, a page
older than another officer's save refused, a real change saved and the list's light follows."""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from bonds.models import FundClockRule, FundSpending, FundType
from bonds.services import ClockRuleEntry, clock_rules_save, fund_save
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


@pytest.mark.parametrize("width", WIDTHS)
def test_the_office_records_spending_and_edits_the_clock_rules(tab, cast, width):
    today = timezone.localdate()
    allocated_on = today - timedelta(days=100)
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
    shot(page, width, "1-list")
    page.click("table tbody tr >> text=城关污水处理厂")
    assert "下达后100天，已支出0.0%" in page.locator("dl.facts").inner_text()

    # A payment of 40 recorded ten days ago: 40 % after 100 days, the light turns 正常.
    page.fill("input[name=spent_on]", str(today - timedelta(days=10)))
    page.fill("input[name=amount]", "40")
    page.fill("input[name=note]", "工程进度款")
    page.click("button:has-text('登记支出')")
    assert "已登记支出40.00万元" in page.locator(".messages").inner_text()
    assert "下达后100天，已支出40.0%" in page.locator("dl.facts").inner_text()
    assert (page.locator("dl.facts .warn-mark").text_content() or "").lstrip("●") == "正常"
    shot(page, width, "2-recorded")

    # 70 more would pass the 100 下达: refused in Chinese, what was typed kept, nothing written.
    page.fill("input[name=amount]", "70")
    page.click("button:has-text('登记支出')")
    assert (
        "登记后支出合计（110.00万元）将大于下达金额（100.00万元）"
        in page.locator("[role=alert]").inner_text()
    )
    assert page.locator("input[name=amount]").input_value() == "70"
    shot(page, width, "3-refused")
    assert list(FundSpending.objects.values_list("amount", flat=True)) == [Decimal(40)]
    assert light_on_list(page, "城关污水处理厂") == "正常"

    # The rules, beside 预警规则: saved as shown, nothing changes.
    page.click("nav >> text=年度设置")
    page.click(".subnav >> text=资金支出预警")
    page.select_option("#clock-year", str(year))
    page.click("form.period button")
    row = page.locator("table.rules tbody tr", has_text="专项债券")
    assert [row.locator("input.threshold").nth(i).input_value() for i in range(4)] == [
        "90",
        "30",
        "180",
        "60",
    ]
    shot(page, width, "4-rules")
    page.click(f"text=保存{year}年资金支出预警规则")
    assert "资金支出预警规则没有改动，未保存新版本。" in page.locator(".messages").inner_text()
    assert not FundClockRule.objects.exists() and not FundClockRule.history.exists()

    # A yellow share above the red one: refused in Chinese, nothing saved, the typing kept.
    row = page.locator("table.rules tbody tr", has_text="专项债券")
    row.locator("input.threshold").nth(1).fill("70")
    page.click(f"text=保存{year}年资金支出预警规则")
    assert (
        "专项债券的黄灯支出进度（70%）不能大于红灯支出进度（60%）。"
        in page.locator("[role=alert]").inner_text()
    )
    assert (
        page.locator("table.rules tbody tr", has_text="专项债券")
        .locator("input.threshold")
        .nth(1)
        .input_value()
        == "70"
    )
    shot(page, width, "5-rules-refused")
    assert not FundClockRule.objects.exists()

    # Another officer saves meanwhile: this page, older, is refused and says where to look.
    clock_rules_save(year=year, user=cast.officer, rules=[
        ClockRuleEntry(FundType.SPECIAL_BOND, 90, Decimal(30), 150, Decimal(60), expected_version=0)
    ])  # fmt: skip
    page.locator("table.rules tbody tr", has_text="专项债券").locator("input.threshold").nth(
        1
    ).fill("50")
    page.click(f"text=保存{year}年资金支出预警规则")
    alert = page.locator("[role=alert]").inner_text()
    assert "刚被他人保存" in alert or "已被" in alert
    page.click("text=重新打开本页，查看最新规则")

    # Corrected on the fresh page: 专项债券 yellow below 50 % from 90 days; the light follows.
    page.locator("table.rules tbody tr", has_text="专项债券").locator("input.threshold").nth(
        1
    ).fill("50")
    page.click(f"text=保存{year}年资金支出预警规则")
    assert f"{year}年资金支出预警规则已保存" in page.locator(".messages").inner_text()
    assert "黄灯支出进度(%)：30 → 50" in page.locator("section:has-text('修改记录')").inner_text()
    shot(page, width, "6-rules-saved")
    assert light_on_list(page, "城关污水处理厂") == "黄灯"
    assert tab.problems == []
