"""The office types a 支出金额 on an application whose 下达日期 is still ahead (a typo of the
month): the page says 到下达日期后才能登记支出 and nothing is saved (it was kept as a 支出 entry
before its money was 下达). The office corrects the 下达日期 and saves again: the 支出 is one
entry of today. It opens the form again and saves it unchanged: nothing is written. At 1280 px
and 390 px."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from bonds.models import FundApplication, FundSpending, FundType
from bonds.services import fund_save
from projects.models import Project
from tests.browser.conftest import look, sign_in
from tests.builders import ledger
from tests.workbooks import code


def test_a_spending_before_its_allocation_is_refused_then_saved_once_corrected(tab, cast):
    ledger({"项目台账": [{"项目代码": code(1), "项目名称": "城关污水处理厂", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 9000, "年度": 2026, "年度计划投资(万元)": 5000}]})  # fmt: skip
    today = timezone.localdate()
    fund = fund_save(
        user=cast.officer, project=Project.objects.get(), fund_type=FundType.SPECIAL_BOND,
        year=2026, requested=Decimal(500), approved=Decimal(500), allocated=Decimal(300),
        allocated_on=today + timedelta(days=20),
    )  # fmt: skip
    sign_in(tab, cast.officer)
    page = tab.page
    page.goto(f"/funds/{fund.pk}/edit/")

    page.fill("input[name=spent]", "120")
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    main = page.locator("main").inner_text()
    assert (
        f"下达日期（{today + timedelta(days=20)}）晚于今天（{today}），到下达日期后才能登记支出"
        in main
    )
    look(page, "fund-entry-refused")
    assert FundSpending.objects.count() == 0 and FundApplication.objects.get().spent is None

    # corrected: the money was 下达 ten days ago; the form kept what was typed
    assert page.locator("input[name=spent]").input_value() == "120"
    page.fill("input[name=allocated_on]", str(today - timedelta(days=10)))
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    assert list(FundSpending.objects.values_list("spent_on", "amount")) == [(today, Decimal(120))]
    saved = FundApplication.objects.get()
    assert (saved.spent, saved.allocated_on) == (Decimal(120), today - timedelta(days=10))

    # opened again and saved unchanged: nothing written
    page.goto(f"/funds/{fund.pk}/edit/")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    look(page, "fund-entry-saved")
    assert FundApplication.objects.get().version == saved.version
    assert FundSpending.objects.count() == 1
    assert tab.problems == []
