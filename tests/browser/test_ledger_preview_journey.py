"""The ledger preview as an officer uses it in Chromium: upload, read what changes old → new,
confirm; then download the export and upload it again: the preview says nothing changes."""

import io
from pathlib import Path

from openpyxl import load_workbook

from core.xlsx import render_workbook
from investment.models import MonthlyReport
from ledger.documents.exporter import ledger_sheets
from projects.models import AnnualPlan
from tests.browser.conftest import sign_in
from tests.workbooks import a_small_county, code

SCREENSHOTS = Path("/tmp/ledger")


def a_changed_export(path: Path) -> Path:
    """The county's export with 城关保障房's plan raised 300 → 350 and a March report added."""
    book = load_workbook(io.BytesIO(render_workbook(ledger_sheets())))
    plans = book["项目台账"]
    for row in plans.iter_rows(min_row=2):
        if row[0].value == code(2):
            row[7].value = 350
    book["月度投资"].append([code(1), 2024, 3, 42, "主体结构施工", ""])
    book.save(path)
    return path


def test_an_officer_previews_the_changes_confirms_and_an_unchanged_export_changes_nothing(
    tab, tmp_path, cast
):
    a_small_county(reports=[[code(1), 2024, 2, 10]])
    sign_in(tab, cast.officer)
    page = tab.page
    SCREENSHOTS.mkdir(exist_ok=True)

    page.goto("/ledger/")
    page.set_input_files("input[name=file]", str(a_changed_export(tmp_path / "台账.xlsx")))
    page.click("button:text('上传并预览')")
    changes = page.locator("table.changes tbody tr")
    changes.first.wait_for()
    assert changes.count() == 1
    assert changes.first.inner_text().split("\t") == [
        "项目台账!3",
        f"城关保障房（{code(2)}） 2024年",
        "年度计划投资(万元)",
        "300.00",
        "350.00",
    ]
    assert "月度投资：新增1条，更新0条，未变化1条" in page.inner_text("#preview")
    page.screenshot(path=str(SCREENSHOTS / "preview-changes.png"), full_page=True)
    assert AnnualPlan.objects.get(project__code=code(2)).planned_investment == 300

    page.click("button[value=confirm]")
    page.wait_for_selector(".messages")
    assert "“台账.xlsx”导入完成" in page.inner_text(".messages")
    assert AnnualPlan.objects.get(project__code=code(2)).planned_investment == 350
    assert MonthlyReport.objects.count() == 2

    with page.expect_download() as download:
        page.click("a:text('全部数据')")
    exported = tmp_path / "导出.xlsx"
    download.value.save_as(exported)
    page.set_input_files("input[name=file]", str(exported))
    page.click("button:text('上传并预览')")
    page.wait_for_selector("#preview")
    assert page.inner_text("#nothing-changes") == "与系统数据一致，无需导入。"
    assert page.locator("button[value=confirm]").count() == 0  # nothing to confirm
    assert page.locator("table.changes").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "preview-nothing-changes.png"), full_page=True)
    assert tab.problems == []
