"""A background job's page in Chromium, and its row, as a journey follows them: which job the page
is (``job_of``), its percents until it ends (``watch``: the page reloads itself), the worker's
progress in the database (``read_at_least``) and the year's count on 项目库 (``listed``); and a
ledger uploaded to its preview's job, watched to its end (``upload_and_watch``)."""

import re
import time
from pathlib import Path

from jobs.models import Job


def job_of(page) -> Job:
    """The job whose page the browser was sent to."""
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    return Job.objects.get(pk=page.url.rstrip("/").split("/")[-1])


def watch(page, *, every_ms: int = 400, minutes: float = 2) -> list[int]:
    """The job's page (it reloads itself) until the job has ended: the percents it showed."""
    seen, deadline = [], time.monotonic() + minutes * 60
    while time.monotonic() < deadline:
        state = page.locator(".job-state").inner_text()
        seen.append(int(page.locator("progress.job-bar").get_attribute("value") or 0))
        if state in ("已完成", "失败"):
            return seen
        page.wait_for_timeout(every_ms)
    raise AssertionError(f"the job did not end: {seen[-20:]}")


def read_at_least(job: Job, rows: int, *, minutes: float = 2, every: float = 0.1) -> None:
    """Wait until the job's worker has read ``rows`` rows (its progress, seen by the database)."""
    deadline = time.monotonic() + minutes * 60
    while not (job.state == "running" and job.rows_read >= rows):
        assert job.state in ("queued", "running"), (job.state, job.error)
        assert time.monotonic() < deadline, f"{job.title} never read {rows} rows"
        time.sleep(every)
        job.refresh_from_db()


def listed(page) -> str:
    """项目库's heading for 2024: how many projects are on the year's list."""
    page.goto("/projects/?year=2024")
    return page.locator("h1 small").inner_text()


def upload_and_watch(page, ledger: Path) -> list[int]:
    """``ledger`` uploaded on 台账导入, its preview's job page reloaded by hand mid-way and watched
    to its end: the percents it showed."""
    page.goto("/ledger/")
    page.set_input_files("input[name=file]", str(ledger))
    page.click("button:text('上传并预览')")
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    assert page.locator("h1").inner_text() == f"台账导入预览：{ledger.name}"
    page.locator(".job-state:text('进行中')").wait_for(timeout=60_000)  # the worker took it
    page.reload()  # by hand, mid-way: the same job, still going
    assert page.locator(".job-state").inner_text() in ("进行中", "已完成")
    seen = watch(page)
    assert page.locator(".job-state").inner_text() == "已完成"
    return seen
