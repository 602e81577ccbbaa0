"""Two tabs on one fund application: the older tab's save is refused, nothing is lost."""

from datetime import date
from decimal import Decimal

from bonds.models import FundApplication, FundType
from bonds.services import fund_save
from projects.models import Project
from tests.browser.conftest import sign_in
from tests.builders import ledger
from tests.workbooks import code


def test_the_second_tabs_save_is_refused_naming_the_first_tabs_note(tab, cast):
    ledger({"项目台账": [{"项目代码": code(1), "项目名称": "城关污水处理厂", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2026, "年度计划投资(万元)": 500}]})  # fmt: skip
    office = cast.officer
    fund = fund_save(
        user=office, project=Project.objects.get(), fund_type=FundType.SPECIAL_BOND, year=2026,
        requested=Decimal("800.5"), applied_on=date(2026, 1, 5), note="首批",
    )  # fmt: skip
    sign_in(tab, office)
    first = tab.page
    second = first.context.new_page()
    for page in (first, second):
        page.goto(f"/funds/{fund.pk}/edit/")

    first.fill("textarea[name=note]", "已报省发改委审核")
    with first.expect_navigation():
        first.click("main form button[type=submit]")
    second.fill("input[name=approved]", "600")
    with second.expect_navigation():
        second.click("main form button[type=submit]")

    refusal = second.locator("main p.error").inner_text()
    assert "该资金申报已被王科长于" in refusal
    assert "备注：首批 → 已报省发改委审核" in refusal and "未保存" in refusal
    # The refused figure is still in the second tab's box, to enter again after a reload.
    assert second.input_value("input[name=approved]") == "600"
    fund = FundApplication.objects.get(pk=fund.pk)
    assert (fund.note, fund.approved, fund.version) == ("已报省发改委审核", None, 2)

    with second.expect_navigation():
        second.click("text=重新打开本页，查看最新内容")
    # Reopened: the first tab's note is there, and the second tab's figure can go in.
    assert second.input_value("textarea[name=note]") == "已报省发改委审核"
    second.fill("input[name=approved]", "600")
    with second.expect_navigation():
        second.click("main form button[type=submit]")
    fund.refresh_from_db()
    assert (fund.note, fund.approved, fund.version) == ("已报省发改委审核", Decimal(600), 3)
    assert tab.problems == []


def test_the_older_unit_tab_is_refused_naming_the_rename_made_in_the_other(tab, cast):
    office, unit = cast.officer, cast.housing
    sign_in(tab, office)
    first = tab.page  # tab A: opened to give the unit a new 排序
    second = first.context.new_page()  # tab B: the office renames the unit
    for page in (first, second):
        page.goto(f"/units/{unit.pk}/")

    second.fill("input[name=name]", "县住房和城乡建设局")
    with second.expect_navigation():
        second.click("main form button[type=submit]")
    first.fill("input[name=sort_order]", "15")
    with first.expect_navigation():
        first.click("main form button[type=submit]")

    refusal = first.locator("main p.error").inner_text()
    assert "该责任单位已被王科长于" in refusal
    assert "单位名称：县住建局 → 县住房和城乡建设局" in refusal and "未保存" in refusal
    assert first.input_value("input[name=sort_order]") == "15"  # what tab A typed is kept
    unit.refresh_from_db()
    assert (unit.name, unit.sort_order, unit.version) == ("县住房和城乡建设局", 0, 2)

    with first.expect_navigation():
        first.click("text=重新打开本页，查看最新内容")
    # Reopened: the rename is there, and the new 排序 goes in without undoing it.
    assert first.input_value("input[name=name]") == "县住房和城乡建设局"
    first.fill("input[name=sort_order]", "15")
    with first.expect_navigation():
        first.click("main form button[type=submit]")
    unit.refresh_from_db()
    assert (unit.name, unit.sort_order, unit.version) == ("县住房和城乡建设局", 15, 3)
    assert tab.problems == []
