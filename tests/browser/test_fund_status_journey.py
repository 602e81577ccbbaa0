"""The office adds 批复, 下达 and 支出 to an application: its 状态 follows to 已支出, and the
list's 已支出 filter finds it (walk-through: it stayed 已申报 and the filter missed it)."""

from decimal import Decimal

from bonds.models import FundApplication, FundType
from bonds.services import fund_save
from projects.models import Project
from tests.browser.conftest import sign_in
from tests.builders import ledger
from tests.workbooks import code


def test_amounts_added_on_the_edit_page_move_the_status_and_the_filter_finds_it(tab, cast):
    ledger({"项目台账": [{"项目代码": code(1), "项目名称": "城关污水处理厂", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 9000, "年度": 2026, "年度计划投资(万元)": 5000}]})  # fmt: skip
    office = cast.officer
    fund = fund_save(
        user=office, project=Project.objects.get(), fund_type=FundType.SPECIAL_BOND, year=2026,
        requested=Decimal(5000),
    )  # fmt: skip
    sign_in(tab, office)
    page = tab.page
    page.goto(f"/funds/{fund.pk}/edit/")
    assert page.locator("select[name=status] option:checked").inner_text() == "按已填金额自动判断"

    page.fill("input[name=approved]", "4000")
    page.fill("input[name=allocated]", "3000")
    page.fill("input[name=spent]", "1200")
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    assert "已支出" in page.locator("main").inner_text()
    assert FundApplication.objects.get().status == "spent"
    page.goto("/funds/")
    page.select_option("select[name=status]", label="已支出")
    with page.expect_navigation():
        page.click("main form.filters button[type=submit]")
    listed = page.locator("main table").last.inner_text()
    assert "城关污水处理厂" in listed and "已支出" in listed
    assert tab.problems == []
