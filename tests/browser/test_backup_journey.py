"""数据备份 in Chromium, through the background worker (a real one, in a subprocess on the test's
PostgreSQL database): the system administrator starts a backup, watches its job's page move,
reloads it by hand mid-way, downloads the backup; the county goes on (a unit is added); the
administrator uploads the backup to restore it, watches that job too, is signed out when it is
in (as everyone is), signs in again and finds the county as it was backed up; then restores the
same file again, and nothing differs.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from projects.models import Unit
from projects.services.units import unit_save
from tests.browser.conftest import look, sign_in
from tests.browser.workers import paced_worker

# slow: a worker subprocess, and jobs paced so the browser sees them move
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

UNITS = 150  # rows enough for the paced worker to take several seconds


@pytest.fixture
def worker(live_server, settings, tmp_path):
    """The worker (`tests.browser.workers`), its backup and restore paced to be watched."""
    yield from paced_worker(settings, tmp_path, PROGRESS_PAUSE="0.01", PHASE_PAUSE="2")


SHOWN = """() => {
  const state = document.querySelector(".job-state"), bar = document.querySelector("progress.job-bar");
  return state && bar ? [state.textContent, Number(bar.value)] : null;
}"""


def watch(page) -> list[int]:
    """The job's page until it has ended or its reload lands on the sign-in page (a restore
    signs everyone out): the percents it showed."""
    seen: list[int] = []
    for _ in range(400):
        if "/login/" in page.url:
            return seen
        try:
            shown = page.evaluate(SHOWN)
        except PlaywrightError:  # the page is reloading itself
            shown = None
        if shown:
            seen.append(shown[1])
            if shown[0] in ("已完成", "失败"):
                return seen
        page.wait_for_timeout(300)
    raise AssertionError(f"the job did not end: {seen}")


def started_and_reloaded(page, title: str) -> list[int]:
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    assert page.locator("h1").inner_text() == title
    page.locator(".job-state:text('进行中')").wait_for(timeout=60_000)  # the worker took it
    page.reload()  # by hand, mid-way: the same job, still going
    return watch(page)


def back_up(page, tmp_path: Path) -> Path:
    page.goto("/")
    page.click("nav a:text('数据备份')")
    look(page, "backup-page")
    page.click("button:text('开始备份')")
    seen = started_and_reloaded(page, "数据备份")
    assert page.locator(".job-state").inner_text() == "已完成", page.content()[-2000:]
    assert any(0 < percent < 100 for percent in seen), seen  # it moved
    assert seen == sorted(seen)
    assert "备份完成：" in page.locator(".job-lines").inner_text()
    look(page, "backup-done")
    with page.expect_download() as download:
        page.click("a.job-next:text('下载备份文件')")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("重点项目备份-") and saved.suffix == ".zip"
    return saved


def restore(tab, admin, backup: Path) -> None:
    page = tab.page
    page.goto("/backup/")
    page.set_input_files("input[name=file]", str(backup))
    page.check("input[name=confirm]")
    page.click("button:text('上传并恢复')")
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    job_url = page.url
    started_and_reloaded(page, f"从备份恢复：{backup.name}")
    assert "/login/" in page.url  # everyone is signed out once it is in
    sign_in(tab, admin)
    page.goto(job_url)
    assert page.locator(".job-state").inner_text() == "已完成"
    assert f"已从“{backup.name}”恢复：" in page.locator(".job-lines").inner_text()
    look(page, "restore-done")


def test_the_administrator_backs_up_and_restores_from_the_page(tab, worker, cast, tmp_path):
    admin = cast.admin
    for n in range(UNITS):
        unit_save(user=admin, name=f"备份单位{n:03}", kind=Unit.Kind.OTHER, sort_order=100 + n)
    sign_in(tab, admin)

    backup = back_up(tab.page, tmp_path)
    as_backed_up = sorted(Unit.objects.values_list("pk", "name"))
    unit_save(user=admin, name="备份之后新增的单位", kind=Unit.Kind.OTHER, sort_order=999)

    restore(tab, admin, backup)

    assert sorted(Unit.objects.values_list("pk", "name")) == as_backed_up
    restore(tab, admin, backup)  # the same file again: the same county
    assert sorted(Unit.objects.values_list("pk", "name")) == as_backed_up
    tab.page.goto("/backup/")
    assert tab.page.locator("#jobs tbody tr").count() == 3  # the backup and both restores
    assert tab.problems == []
