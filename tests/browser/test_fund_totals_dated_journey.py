"""The fund totals are of the day of the 支出预警 line beside them, in a browser. On 12 October
the dashboard opens at September: its line and its table, dated 2026年9月末, both say 45.0% of
the 专项债券 spent. The office records a 支出 of 30 paid on 9 October on the application's page:
September's line and table are unchanged, October's (截至2026年10月12日) both say 75.0%, and
September chosen again still says 45.0%. The funds list's totals count every entry. The
third-quarter briefing downloaded from 简报 says 45.0% in its sentence and in its table."""

import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine

from bonds.models import FundSpending, FundType
from bonds.services import fund_save, spending_record
from tests import builders
from tests.browser.conftest import sign_in
from tests.investment.test_briefing import pdf_text
from tests.workbooks import code

SHOTS = Path(os.environ.get("SHOTS", "/tmp/fundsdate"))
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def shot(page, width: str, step: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"totals-{width}-{step}.png"), full_page=True)


def funds_card(page) -> tuple[str, str, list[str]]:
    """The dashboard's 资金申报 card: its 支出预警 line, the table's date and its 专项债券 row."""
    card = page.locator("section.card", has=page.locator("#fund-clocks"))
    row = card.locator("table tbody tr", has_text="专项债券")
    cells = [cell.strip() for cell in row.locator("td.num").all_inner_texts()]
    return card.locator("#fund-clocks").inner_text(), card.locator("caption").inner_text(), cells


def choose_month(page, month: int) -> None:
    page.select_option("form.period select[name=month]", str(month))
    page.click("form.period button[type=submit]")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_dashboard_and_the_briefing_total_the_funds_at_their_line_s_day(tab, cast, width):
    project = builders.project(
        {"项目代码": code(1, 2026), "项目名称": "城关污水处理厂", "年度": 2026}, serial=1
    )
    fund = fund_save(
        user=cast.officer, project=project, fund_type=FundType.SPECIAL_BOND, year=2026,
        requested=Decimal(100), approved=Decimal(100), allocated=Decimal(100),
        allocated_on=date(2026, 1, 1),
    )  # fmt: skip
    page = tab.page
    page.set_viewport_size(WIDTHS[width])
    with time_machine.travel("2026-10-12 10:00+08:00", tick=True):
        spending_record(
            user=cast.officer, application=fund, spent_on=date(2026, 9, 30), amount=Decimal(45)
        )
        sign_in(tab, cast.officer)
        page.goto("/")
        assert page.locator("h1").inner_text() == "2026年1–9月重点项目建设情况"
        line, caption, row = funds_card(page)
        assert "支出预警截至2026年9月末：专项债券资金支出进度45.0%" in line
        assert caption == "下达、支出截至2026年9月末"
        assert row == ["1", "100.00", "100.00", "100.00", "45.00", "45.0%"]
        shot(page, width, "1-september")

        # The office records a payment of 30 made on 9 October, on the application's page.
        page.goto("/funds/")
        page.click("table tbody tr >> text=城关污水处理厂")
        page.fill("input[name=spent_on]", "2026-10-09")
        page.fill("input[name=amount]", "30")
        page.click("button:has-text('登记支出')")
        assert "已登记支出30.00万元" in page.locator(".messages").inner_text()

        # September's line and table are of 30 September: the October payment is not in them.
        page.goto("/")
        line, caption, row = funds_card(page)
        assert "专项债券资金支出进度45.0%" in line and caption == "下达、支出截至2026年9月末"
        assert row[-2:] == ["45.00", "45.0%"]
        # October, still running, is judged today: both say 75.0%.
        choose_month(page, 10)
        line, caption, row = funds_card(page)
        assert "支出预警截至2026年10月12日：专项债券资金支出进度75.0%" in line
        assert caption == "下达、支出截至2026年10月12日"
        assert row[-2:] == ["75.00", "75.0%"]
        shot(page, width, "2-october")
        # September chosen again, as a leader comparing months does: unchanged.
        choose_month(page, 9)
        line, caption, row = funds_card(page)
        assert "专项债券资金支出进度45.0%" in line and row[-2:] == ["45.00", "45.0%"]

        # The funds list's totals, undated, count every entry; they say no day.
        page.goto("/funds/?year=2026")
        totals = page.locator("table", has_text="合计").first
        assert "75.00" in totals.locator("tbody tr", has_text="专项债券").inner_text()
        assert totals.locator("caption").count() == 0

        # The third-quarter briefing: its sentence and its table say the same 45.0%.
        page.goto("/briefing/")
        page.select_option("select[name=kind]", "quarter")
        page.select_option("select[name=quarter]", "3")
        page.click("form.filters button[type=submit]")
        assert "2026年三季度" in page.locator("h1").inner_text()
        with page.expect_download() as download:
            page.click("#download >> text=下载2026年三季度简报（PDF）")
        text = pdf_text(Path(download.value.path()).read_bytes())
    funds = text[text.index("（四）全力争取资金") :]
    assert "截至9月底，专项债券资金支出进度45.0%" in funds
    assert "下达、支出截至2026年9月末" in funds
    assert re.search(r"专项债券1100\.00100\.00100\.0045\.0045\.0%", funds)
    assert FundSpending.objects.count() == 2
    assert tab.problems == []
