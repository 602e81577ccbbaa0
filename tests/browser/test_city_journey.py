"""A city's 200,000-row ledger in Chromium through the background worker (issue 26, "What must
show"): the office uploads it, watches the preview's progress bar and reloads the page mid-way,
confirms, watches the import; the worker is killed mid-import and nothing is written; a worker
started again runs the job from the start; it finishes and the figures change.

Marked ``city``, left out of ``make test`` (pyproject's addopts): ``make city-journey`` runs it
on PostgreSQL; its time is in docs/benchmarks.md. ``CITY_PROJECTS`` (10,000) sizes the ledger:
each project is on five years' lists (项目台账) and reports three months a year (月度投资),
20 rows a project.
"""

import os
import time
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from investment.models import MonthlyReport
from ledger.rules.schema import SHEETS
from projects.models import AnnualPlan, Project
from tests.browser.conftest import sign_in
from tests.browser.job_pages import job_of, listed, read_at_least, watch
from tests.browser.workers import restartable_workers
from tests.workbooks import code

pytestmark = pytest.mark.city

PROJECTS = int(os.environ.get("CITY_PROJECTS", "10000"))
YEARS = (2020, 2021, 2022, 2023, 2024)
MONTHS = (4, 5, 6)
ROWS = PROJECTS * len(YEARS) * (1 + len(MONTHS))  # 200,000


def city_ledger(path: Path) -> None:
    """The city's workbook, written row by row (openpyxl write-only), as the export writes."""
    book = Workbook(write_only=True)
    plans = book.create_sheet("项目台账")
    plans.append(["项目代码", "项目名称", "责任单位", "项目级别", "建设性质", "总投资(万元)", "年度",
                  "年度计划投资(万元)", "实际开(复)工日期"])  # fmt: skip
    for serial in range(1, PROJECTS + 1):
        for year in YEARS:
            plans.append([code(serial, year=2020), f"重点项目{serial}", f"单位{serial % 300}",
                          "市重点", "新建" if year == 2020 else "续建", Decimal(20000), year,
                          Decimal(4000), f"{year}-03-01"])  # fmt: skip
    reports = book.create_sheet("月度投资")
    reports.append(list(SHEETS["月度投资"].headers))
    for serial in range(1, PROJECTS + 1):
        for year in YEARS:
            for month in MONTHS:
                reports.append([code(serial, year=2020), year, month, Decimal("312.5"),
                                "主体结构施工", ""])  # fmt: skip
    book.save(path)


@pytest.fixture
def workers(live_server, settings, tmp_path):
    yield from restartable_workers(settings, tmp_path, PROGRESS_PAUSE="0", PHASE_PAUSE="0")


@pytest.mark.django_db(transaction=True)
def test_a_city_ledger_of_200000_rows_is_imported_through_a_worker_restart(
    tab, workers, cast, tmp_path
):
    started = time.monotonic()
    ledger = tmp_path / "市台账.xlsx"
    city_ledger(ledger)
    print(
        f"built {ROWS} rows, {ledger.stat().st_size / 1e6:.1f} MB, {time.monotonic() - started:.0f} s"
    )
    sign_in(tab, cast.officer)
    page = tab.page
    page.set_default_timeout(600_000)  # the upload of the file itself
    assert listed(page) == "2024年重点项目计划，共0个"

    timings = {}
    mark = time.monotonic()
    page.goto("/ledger/")
    page.set_input_files("input[name=file]", str(ledger))
    page.click("button:text('上传并预览')")
    preview = job_of(page)
    read_at_least(preview, ROWS // 4, minutes=20, every=0.5)
    page.reload()  # by hand, mid-way: the same job, still going
    assert page.locator(".job-state").inner_text() == "进行中"
    seen = watch(page, every_ms=2000, minutes=30)
    timings["upload and preview"] = time.monotonic() - mark
    assert page.locator(".job-state").inner_text() == "已完成", page.locator("#job").inner_text()
    assert any(0 < percent < 100 for percent in seen) and seen == sorted(seen), seen
    assert f"项目：新增{PROJECTS}个" in page.locator(".job-lines").inner_text()

    mark = time.monotonic()
    page.click("a.job-next:text('查看预览并确认导入')")
    page.click(f"button:text('确认导入“{ledger.name}”')")
    imported = job_of(page)
    read_at_least(imported, ROWS // 4, minutes=20, every=0.5)
    workers.kill()  # mid-import
    assert not Project.objects.exists()  # nothing of it written
    timings["import until the worker was killed"] = time.monotonic() - mark
    mark = time.monotonic()
    workers.start()
    watch(page, every_ms=2000, minutes=30)
    timings["import again, after the restart"] = time.monotonic() - mark

    assert page.locator(".job-state").inner_text() == "已完成", page.locator("#job").inner_text()
    assert "已尝试2次" in page.locator("#job").inner_text()
    assert Project.objects.count() == PROJECTS
    assert AnnualPlan.objects.count() == PROJECTS * len(YEARS)
    assert MonthlyReport.objects.count() == PROJECTS * len(YEARS) * len(MONTHS)
    assert listed(page) == f"2024年重点项目计划，共{PROJECTS}个"
    timings["whole journey"] = time.monotonic() - started
    print({step: f"{seconds:.0f} s" for step, seconds in timings.items()})
    assert tab.problems == []
