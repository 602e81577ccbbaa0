"""A city-sized ledger through the background jobs, as the office reads it in Chromium: the
finished import lists what to check (请核对) one note a line, not run together; the same file
uploaded again is said to match the system and offers no import, on the job's page and on the
preview it leads to. At 1280 and 390 px."""

import re
from pathlib import Path

import pytest

from investment.models import MonthlyReport
from tests.browser.conftest import WIDE, look, sign_in
from tests.builders import report_row, sheet
from tests.ledger.test_background_import import run_worker
from tests.ledger.test_preview import project, projects
from tests.workbooks import code, xlsx

pytestmark = pytest.mark.django_db(transaction=True)

COUNT = 12  # projects, each with a March above half its year's plan (75%: 元 for 万元?)
LEDGER = xlsx({
    "项目台账": projects(*(project(serial, planned=400) for serial in range(1, COUNT + 1))),
    "月度投资": sheet("月度投资", [report_row(s, 2024, 3, 300) for s in range(1, COUNT + 1)]),
})  # fmt: skip


@pytest.fixture(autouse=True)
def city_from_ten_rows(settings):
    settings.LEDGER_BACKGROUND_ROWS = 10


def upload_as_job(page, ledger: Path) -> None:
    """Upload on the ledger page, the worker runs the preview job, the job's page read again."""
    page.goto("/ledger/")
    page.set_input_files("input[name=file]", str(ledger))
    page.click("button:text('上传并预览')")
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    run_worker()
    page.reload()
    page.locator(".job-state:text('已完成')").wait_for()


def test_the_import_lists_its_notes_and_the_same_file_again_offers_no_import(tab, cast, tmp_path):
    ledger = tmp_path / "市台账.xlsx"
    ledger.write_bytes(LEDGER)
    sign_in(tab, cast.officer)
    page = tab.page
    page.set_viewport_size(WIDE)

    upload_as_job(page, ledger)
    page.click("a.job-next:text('查看预览并确认导入')")
    page.click(f"button:text('确认导入“{ledger.name}”')")
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    run_worker()
    page.reload()
    page.locator(".job-state:text('已完成')").wait_for()

    assert MonthlyReport.objects.count() == COUNT
    assert page.locator(".job-checks-title").inner_text() == f"请核对（已导入）：{COUNT}处"
    notes = page.locator("ul.job-checks > li")
    assert notes.count() == COUNT
    assert notes.first.inner_text() == (
        f"月度投资!2: {code(1)} 2024年3月: 本月完成投资占年度计划的75.0%，请核对金额单位是否为万元"
    )
    assert "；" not in page.locator("ul.job-lines").inner_text()  # no notes run together
    look(page, "ledger-job-checks")

    upload_as_job(page, ledger)
    assert "与系统数据一致，无需导入" in page.locator("ul.job-lines").inner_text()
    assert page.locator("a.job-next").inner_text() == "查看预览"
    page.click("a.job-next")
    assert page.locator("#nothing-changes").inner_text() == "与系统数据一致，无需导入。"
    assert page.locator("button[value=confirm]").count() == 0
    assert page.locator("ul.warnings").count() == 0  # notes on an import that will not happen
    look(page, "ledger-preview-nothing")
    assert tab.problems == []
