"""A leader follows the dashboard's fund line in a browser (issue 25's walk-through): the line
says the day it judges at and how many projects are lit; its link opens the list of exactly
those rows (专项债券, lit, the same day); 支出预警 sorted descending puts the reddest first; the
year filter offers only years that have applications; a row's page says the same day and the
same share, cut, never rounded up across the light's edge. Then again as real work goes: the
list filtered by hand the same way shows the same rows; at phone width nothing scrolls sideways."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from bonds.models import FundType
from bonds.services import fund_save, spending_record
from investment.rules.periods import Period
from tests import builders
from tests.browser.conftest import PHONE, WIDE, look, sign_in


def applied(office, serial: int, name: str, *, fund_type: str, days: int, spent: str | None):
    """项目 ``name`` with 10,000万元 of ``fund_type`` 下达 ``days`` before the list's day and
    ``spent`` paid the day after."""
    end = Period.due_on(timezone.localdate()).as_of
    allocated_on = end - timedelta(days=days)
    project = builders.project(
        {"项目代码": f"ZJ-00{serial}", "项目名称": name, "总投资(万元)": 50000},
        serial=serial,
        listed=False,
    )
    fund = fund_save(
        user=office, project=project, fund_type=fund_type, year=end.year,
        requested=Decimal(10000), allocated=Decimal(10000), allocated_on=allocated_on,
    )  # fmt: skip
    if spent:
        spending_record(user=office, application=fund, spent_on=allocated_on + timedelta(days=1),
                        amount=Decimal(spent))  # fmt: skip
    return fund


def rows(page) -> list[str]:
    return page.locator("table.table.stacked tbody td.name").all_inner_texts()


def test_a_leader_follows_the_fund_line_to_the_lit_special_bonds(tab, cast):
    office = cast.officer
    end = Period.due_on(timezone.localdate()).as_of
    applied(office, 1, "城关污水处理厂", fund_type=FundType.SPECIAL_BOND, days=200, spent="5997")
    applied(office, 2, "东区供水管网", fund_type=FundType.SPECIAL_BOND, days=100, spent=None)
    applied(office, 3, "工业园道路", fund_type=FundType.SPECIAL_BOND, days=200, spent="8000")
    applied(office, 4, "县医院门诊楼", fund_type=FundType.LOAN, days=300, spent=None)  # red, a loan
    page = tab.page
    page.set_viewport_size(WIDE)
    sign_in(tab, cast.leader)

    page.goto("/")
    line = page.locator("#fund-clocks").inner_text()
    as_of = f"{end.year}年{end.month}月末"
    assert f"支出预警截至{as_of}：" in line
    assert "2个项目亮灯（红灯1个、黄灯1个）" in line  # the loan is not a 专项债券
    page.click("#fund-clocks >> text=亮灯的专项债券项目")

    assert page.locator("#fund-count").inner_text() == "共2项，涉及2个项目"
    assert f"支出预警截至{as_of}" in page.locator("#clock-as-of").inner_text()
    assert page.locator("#id_fund_type").input_value() == FundType.SPECIAL_BOND
    assert page.locator("#id_light").input_value() == "lit"
    years = page.locator("#id_year option").all_inner_texts()
    assert years == ["全部年度", f"{end.year}年"]  # no blank, no year without applications
    red = page.locator("tbody tr", has_text="城关污水处理厂")
    assert red.locator("td[data-label=支出进度]").inner_text() == "59.9%"  # 59.97 %, not 60.0 %
    assert red.locator(".warn-mark").inner_text().lstrip("●").strip() == "红灯"

    # 支出预警 clicked twice: descending, the red one first
    page.click("thead >> text=支出预警")
    page.click("thead >> text=支出预警")
    assert rows(page) == ["城关污水处理厂", "东区供水管网"]
    look(page, "fund-list-lit")

    page.click("text=城关污水处理厂")
    clock = page.locator("#clock").inner_text()
    assert f"截至{as_of}" in clock and "已支出59.9%" in clock
    assert page.locator("nav.nav [aria-current=page]").inner_text() == "资金申报"
    look(page, "fund-detail")

    # Again by hand, as real work goes: the list filtered the same way shows the same rows.
    page.goto("/funds/")
    page.select_option("#id_year", str(end.year))
    page.select_option("#id_fund_type", FundType.SPECIAL_BOND)
    page.select_option("#id_light", "lit")
    page.click("form.filters >> text=筛选")
    assert sorted(rows(page)) == ["东区供水管网", "城关污水处理厂"]
    assert page.locator("#fund-count").inner_text() == "共2项，涉及2个项目"
    page.set_viewport_size(PHONE)
    assert page.locator("td[data-label=支出进度]").first.is_visible()
    look(page, "fund-list-phone")
    assert tab.problems == []
