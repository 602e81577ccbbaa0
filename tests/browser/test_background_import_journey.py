"""A city's ledger in Chromium, through the background worker (a real one, in a subprocess on
the test's database): the office uploads it, watches its job's page move (it reloads itself),
reloads it by hand mid-way, reads the result, opens the preview, confirms, watches the import;
then uploads the same file again: the preview says nothing changes and the import writes nothing.
"""

import re
from pathlib import Path

import pytest

from projects.models import AnnualPlan, Project
from tests.browser.conftest import sign_in
from tests.browser.job_pages import upload_and_watch, watch
from tests.browser.workers import paced_worker
from tests.ledger.test_preview import project, projects
from tests.workbooks import xlsx

# slow: a worker subprocess, and a job paced so the browser sees it move
pytestmark = pytest.mark.slow

ROWS = 1000


@pytest.fixture
def worker(live_server, settings, tmp_path):
    """The worker (`tests.browser.workers`), a city's import over 100 rows paced to be watched."""
    settings.LEDGER_BACKGROUND_ROWS = 100
    yield from paced_worker(settings, tmp_path, PROGRESS_PAUSE="0.6")


def confirm_and_watch(page, ledger: Path) -> None:
    page.click("a.job-next:text('查看预览并确认导入')")
    page.click(f"button:text('确认导入“{ledger.name}”')")
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    assert page.locator("h1").inner_text() == f"台账导入：{ledger.name}"
    watch(page)
    assert page.locator(".job-state").inner_text() == "已完成"
    assert f"“{ledger.name}”导入完成。" in page.locator(".job-lines").inner_text()


@pytest.mark.django_db(transaction=True)
def test_the_office_imports_a_city_ledger_in_the_background_twice(tab, worker, cast, tmp_path):
    ledger = tmp_path / "市台账.xlsx"
    ledger.write_bytes(xlsx({"项目台账": projects(*(project(n) for n in range(1, ROWS + 1)))}))
    sign_in(tab, cast.officer)
    page = tab.page

    seen = upload_and_watch(page, ledger)

    assert any(0 < percent < 100 for percent in seen), seen  # it moved, not only began and ended
    assert seen == sorted(seen)
    assert f"项目：新增{ROWS}个" in page.locator(".job-lines").inner_text()
    assert not Project.objects.exists()  # a preview writes nothing
    page.click("a.job-next:text('查看预览并确认导入')")
    assert f"将新增{ROWS}个项目" in page.locator("#preview").inner_text()
    page.go_back()
    confirm_and_watch(page, ledger)
    assert Project.objects.count() == AnnualPlan.objects.count() == ROWS
    versions = sorted(Project.objects.values_list("pk", "version"))

    upload_and_watch(page, ledger)  # the same file again: nothing to import
    assert "与系统数据一致，无需导入" in page.locator(".job-lines").inner_text()
    page.click("a.job-next:text('查看预览')")
    assert page.locator("#nothing-changes").inner_text() == "与系统数据一致，无需导入。"
    assert page.locator("button[value=confirm]").count() == 0

    assert sorted(Project.objects.values_list("pk", "version")) == versions  # nothing written
    assert tab.problems == []
