"""数据变更记录 in a browser, as the auditor reads it: a report the reporter sent and the office
approved is named by its project and month, and its rows show each step once (报送, 审核)
without the stamps the 操作人 and 时间 columns already say; an amount reads in 万元."""

from decimal import Decimal

from investment.models import MonthlyReport
from investment.services.entry import MonthEntry, reports_save_month
from investment.services.reports import report_approve
from projects.models import AnnualPlan
from projects.services.register import plan_update
from tests.browser.conftest import sign_in
from tests.workbooks import a_small_county, code


def cells(row) -> list[str]:
    """A row's cells after its time: 操作人, 类型, 记录, 变更内容."""
    return [cell.strip() for cell in row.inner_text().split("\t")[1:]]


def test_the_auditor_reads_who_changed_what_on_which_report(tab, cast):
    a_small_county()
    plan = AnnualPlan.objects.get(project__code=code(1))
    entry = MonthEntry(plan=plan, version=0, amount=Decimal("120.5"), progress="主体施工")
    reports_save_month(user=cast.reporter, year=2024, month=3, entries=[entry], submit=True)
    report_approve(report=MonthlyReport.objects.get(plan=plan, month=3), user=cast.officer)
    plan_update(
        plan=plan, user=cast.officer, changes={"planned_investment": Decimal(600)},
        version=plan.version,
    )  # fmt: skip
    sign_in(tab, cast.auditor)
    page = tab.page

    page.goto("/audit/history/")
    rows = page.locator("table tbody tr")
    assert [cells(rows.nth(i)) for i in range(3)] == [
        ["office", "修改", "城关污水处理厂 2024年3月", "状态：已报送 → 已审核"],
        ["reporter", "修改", "城关污水处理厂 2024年3月", "状态：草稿 → 已报送"],
        ["reporter", "新增", "城关污水处理厂 2024年3月", "新建记录"],
    ]
    assert "#" not in page.inner_text("table tbody")

    page.select_option("select[name=table]", "plan")
    page.click("button:text('查看')")
    first = page.locator("table tbody tr").first
    assert cells(first) == [
        "office", "修改", "城关污水处理厂 2024年", "年度计划投资：500.00万元 → 600.00万元",
    ]  # fmt: skip
    assert tab.problems == []
