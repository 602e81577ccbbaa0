"""The background worker for real: ``manage.py jobs_worker`` (django-tasks-db's ``db_worker``) in
a subprocess, on the test's own database (SQLite: a migrated file; PostgreSQL: the test database).

A job runs to its end and its page's figures are there; a worker killed mid-job leaves nothing
written, and the next worker to start runs the job again from the start (or, once it has been
tried ``JOBS_MAX_ATTEMPTS`` times, fails it with its reason); two workers on PostgreSQL share a
queue and run each job once.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from jobs.models import Job
from jobs.services import job_start
from projects.models import Unit
from tests.jobs.sample_tasks import count_units_task
from tests.prebuilt import DATABASES

# slow: workers are subprocesses that start Django
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(tmp_path) -> Iterator[str]:
    """The DATABASE_URL a worker subprocess uses to reach what the test sees."""
    if connection.vendor == "sqlite":
        path = tmp_path / "county.sqlite3"
        DATABASES.write_migrated(str(path))
        with DATABASES.on_file(str(path)):
            yield f"sqlite:///{path}"
    else:
        settings = connection.settings_dict
        yield (
            f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )


def worker(database: str, tmp_path: Path, *options: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "jobs_worker", "--interval", "0.1", *options],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "DATABASE_URL": database,
            "MEDIA_ROOT": str(tmp_path / "media"),
            **env,
        },
    )


def finished(process: subprocess.Popen) -> str:
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output[-3000:]
    return output


def start(prefix: str, rows: int, pause: float = 0.0) -> Job:
    return job_start(
        task=count_units_task,
        title="计数",
        user=None,
        rows=rows,
        pause=pause,
        prefix=prefix,
    )


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.1)


def test_a_worker_runs_a_job_to_its_end(database, tmp_path):
    job = start("甲", rows=5)

    finished(worker(database, tmp_path, "--batch"))

    job.refresh_from_db()
    assert (job.state, job.percent, job.rows_read, job.rows_written) == ("done", 100, 5, 5)
    assert job.result == {"lines": ["新增5个单位"]}
    assert job.attempts == 1 and job.finished_at and job.started_at
    assert Unit.objects.filter(name__startswith="甲").count() == 5
    assert DBTaskResult.objects.get(id=job.task_result_id).status == "SUCCESSFUL"


def test_a_refused_job_writes_nothing_and_says_why(database, tmp_path):
    job = job_start(
        task=count_units_task, title="计数", user=None, rows=4, pause=0, prefix="乙", refuse=True
    )

    finished(worker(database, tmp_path, "--batch"))

    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", "第3行：责任单位不存在")
    assert not Unit.objects.filter(name__startswith="乙").exists()


def kill_mid_job(database: str, tmp_path: Path, job: Job) -> None:
    """Start a worker, let it get into the job's transaction, and kill it (SIGKILL: no goodbye)."""
    process = worker(database, tmp_path)
    try:
        wait_for(lambda: Job.objects.get(pk=job.pk).state == "running")
        time.sleep(1.5)  # rows are being written inside the job's one transaction
        assert Job.objects.get(pk=job.pk).state == "running"
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)  # reaped: its process id is gone


def test_a_killed_workers_job_leaves_nothing_and_is_run_again(database, tmp_path):
    job = start("丙", rows=12, pause=0.25)
    kill_mid_job(database, tmp_path, job)
    assert not Unit.objects.filter(name__startswith="丙").exists()  # never half-written

    output = finished(worker(database, tmp_path, "--batch"))

    assert "接回中断的任务：计数（排队中）" in output
    job.refresh_from_db()
    assert (job.state, job.attempts, job.rows_written) == ("done", 2, 12)
    assert Unit.objects.filter(name__startswith="丙").count() == 12
    statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == ["FAILED", "SUCCESSFUL"]  # the dead worker's task, then the new one


def test_a_job_killed_as_often_as_allowed_fails_with_its_reason(database, tmp_path):
    job = start("丁", rows=12, pause=0.25)
    kill_mid_job(database, tmp_path, job)

    output = finished(worker(database, tmp_path, "--batch", JOBS_MAX_ATTEMPTS="1"))

    assert "接回中断的任务：计数（失败）" in output
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.error.startswith("后台处理进程在处理中途停止（已尝试1次")
    assert job.error.endswith("本次未写入任何数据。请重新提交。")
    assert not Unit.objects.filter(name__startswith="丁").exists()


def test_two_workers_on_postgresql_run_each_job_once(database, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("a second worker on another machine shares a PostgreSQL database")
    jobs = [start(f"戊{n}-", rows=4, pause=0.05) for n in range(8)]

    first = worker(database, tmp_path, "--batch", "--worker-id", "one")
    second = worker(database, tmp_path, "--batch", "--worker-id", "two")
    finished(first), finished(second)

    for job in jobs:
        job.refresh_from_db()
        assert (job.state, job.attempts) == ("done", 1)
        assert Unit.objects.filter(name__startswith=job.arguments["prefix"]).count() == 4
    runs = DBTaskResult.objects.values_list("worker_ids", flat=True)
    assert all(len(ids) == 1 for ids in runs)  # each task claimed by one worker, once
    assert {ids[0] for ids in runs} <= {"one", "two"}


def test_the_worker_stops_cleanly_when_asked(database, tmp_path):
    process = worker(database, tmp_path)
    assert process.stdout is not None
    while "Starting worker" not in process.stdout.readline():
        assert process.poll() is None, "the worker ended before it started"
    os.kill(process.pid, signal.SIGTERM)  # `make run` and the production start stop it so
    process.communicate(timeout=30)
    assert process.returncode == 0
