"""A city's ledger in Chromium while the background worker is stopped and started again (issue
26, item 4): the office uploads it, watches the preview's job, confirms, watches the import
move; the worker's process is killed mid-import (a power cut, or a service manager's stop past
its timeout) and nothing of the import is written; the page still says 进行中; a worker started
again takes the job back and runs it from the start; it ends 已完成 after two attempts and the
project list's figure changes. Then the same file again: its preview says it matches the
system and offers no import.
"""

from pathlib import Path

import pytest

from jobs.models import Job
from projects.models import AnnualPlan, Project
from tests.browser.conftest import sign_in
from tests.browser.job_pages import job_of, listed, read_at_least, upload_and_watch, watch
from tests.browser.workers import restartable_workers
from tests.ledger.test_preview import project, projects
from tests.workbooks import xlsx

# slow: worker subprocesses, one killed and another started, jobs paced to be stopped mid-way
pytestmark = pytest.mark.slow

ROWS = 1000  # read in five steps of 200 (ledger.services.importer._Counter), a second each


@pytest.fixture
def workers(live_server, settings, tmp_path):
    settings.LEDGER_BACKGROUND_ROWS = 100
    yield from restartable_workers(settings, tmp_path, PROGRESS_PAUSE="1.0")


def import_through_a_restart(page, workers, ledger: Path) -> Job:
    """Confirm the previewed ledger, stop the worker mid-import and start another."""
    page.click("a.job-next:text('查看预览并确认导入')")
    page.click(f"button:text('确认导入“{ledger.name}”')")
    job = job_of(page)
    read_at_least(job, 200)
    page.reload()
    assert page.locator(".job-state").inner_text() == "进行中"
    versions = sorted(Project.objects.values_list("pk", "version"))

    workers.kill()

    job.refresh_from_db()
    assert job.state == "running"  # nobody has said otherwise yet
    assert sorted(Project.objects.values_list("pk", "version")) == versions  # nothing written
    page.reload()
    assert page.locator(".job-state").inner_text() == "进行中"
    workers.start()  # takes the job back: run again from the start
    watch(page)
    assert page.locator(".job-state").inner_text() == "已完成"
    assert "已尝试2次" in page.locator("#job").inner_text()
    assert f"“{ledger.name}”导入完成。" in page.locator(".job-lines").inner_text()
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 2)
    return job


@pytest.mark.django_db(transaction=True)
def test_a_city_ledger_survives_its_worker_being_stopped_and_started_mid_import_twice(
    tab, workers, cast, tmp_path
):
    ledger = tmp_path / "市台账.xlsx"
    ledger.write_bytes(xlsx({"项目台账": projects(*(project(n) for n in range(1, ROWS + 1)))}))
    sign_in(tab, cast.officer)
    page = tab.page
    assert listed(page) == "2024年重点项目计划，共0个"

    upload_and_watch(page, ledger)
    import_through_a_restart(page, workers, ledger)

    assert Project.objects.count() == AnnualPlan.objects.count() == ROWS
    assert listed(page) == f"2024年重点项目计划，共{ROWS}个"
    versions = sorted(Project.objects.values_list("pk", "version"))

    upload_and_watch(page, ledger)  # the same file again: nothing to import
    page.click("a.job-next:text('查看预览')")
    assert page.locator("#nothing-changes").inner_text() == "与系统数据一致，无需导入。"
    assert page.locator("button[value=confirm]").count() == 0

    assert sorted(Project.objects.values_list("pk", "version")) == versions  # nothing written
    assert listed(page) == f"2024年重点项目计划，共{ROWS}个"
    assert tab.problems == []
