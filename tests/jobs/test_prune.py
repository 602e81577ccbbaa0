"""Old jobs are deleted (``manage.py jobs_prune``, and the worker when it starts): a job that ended
more than ``JOBS_KEEP_DAYS`` days ago goes with its result file and the task queue's row that ran
it; a recent one, and one still waiting however old, stays with its row."""

import signal
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import Job
from jobs.services import job_start
from tests.jobs.sample_tasks import count_units_task

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as it runs

STOPS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)


@pytest.fixture(autouse=True)
def _signals():
    """The worker run in this process installs its stop handlers: pytest's are put back after."""
    handlers = {stop: signal.getsignal(stop) for stop in STOPS}
    yield
    for stop, handler in handlers.items():
        signal.signal(stop, handler)


def command(name: str, *options: str) -> str:
    out = StringIO()
    call_command(name, *options, stdout=out)
    return out.getvalue()


def worker() -> str:
    """The worker, run in this process until the queue is empty; what it printed."""
    return command("jobs_worker", "--batch", "--interval", "0")


def start(prefix: str, **arguments) -> Job:
    return job_start(task=count_units_task, title=f"计数{prefix}", user=None, rows=2, pause=0,
                     prefix=prefix, **arguments)  # fmt: skip


def days_ago(days: int) -> time_machine.travel:
    return time_machine.travel(timezone.now() - timedelta(days=days), tick=True)


@pytest.fixture
def history() -> dict[str, Job]:
    """Run by the worker 45 days ago: one job done (its result file kept in storage) and one
    refused; 10 days ago: one done; and one started 45 days ago that no worker has run yet."""
    with days_ago(10):
        recent = start("丙")
        worker()
    with days_ago(45):
        done_long_ago, refused_long_ago = start("甲"), start("乙", refuse=True)
        worker()
        waiting = start("丁")
    name = f"jobs/{done_long_ago.pk}/结果.xlsx"  # as a job writing a file keeps it
    default_storage.save(name, ContentFile(b"PK"))
    Job.objects.filter(pk=done_long_ago.pk).update(result_file=name)
    jobs = {"done_long_ago": done_long_ago, "refused_long_ago": refused_long_ago,
            "recent": recent, "waiting": waiting}  # fmt: skip
    for job in jobs.values():
        job.refresh_from_db()
    return jobs


def test_jobs_ended_longer_ago_than_kept_go_with_their_files_and_task_rows(history):
    assert [history[name].state for name in history] == ["done", "failed", "done", "queued"]

    output = command("jobs_prune")

    assert (
        output == "已清理过期的后台任务：删除2个已结束的后台任务、2条任务队列记录、1个结果文件。\n"
    )
    kept = set(Job.objects.values_list("pk", flat=True))
    assert kept == {history["recent"].pk, history["waiting"].pk}
    assert not default_storage.exists(history["done_long_ago"].result_file)
    tasks = dict(DBTaskResult.objects.values_list("id", "status"))
    assert {str(id): status for id, status in tasks.items()} == {
        history["recent"].task_result_id: "SUCCESSFUL",
        history["waiting"].task_result_id: "READY",  # the worker still runs it
    }


def test_a_file_a_dead_run_left_in_a_jobs_folder_goes_with_the_job(history):
    left = f"jobs/{history['refused_long_ago'].pk}/initial-passwords-1.sealed"
    default_storage.save(left, ContentFile(b"S1"))

    output = command("jobs_prune")

    assert "2个结果文件" in output and not default_storage.exists(left)


def test_pruning_again_deletes_nothing_more(history):
    command("jobs_prune")

    assert command("jobs_prune") == (
        "已清理过期的后台任务：删除0个已结束的后台任务、0条任务队列记录、0个结果文件。\n"
    )
    assert Job.objects.count() == 2


def test_the_days_kept_are_a_setting(history, settings):
    settings.JOBS_KEEP_DAYS = 5

    command("jobs_prune")

    assert list(Job.objects.values_list("title", flat=True)) == ["计数丁"]  # only the waiting one


def test_the_worker_prunes_when_it_starts_and_still_runs_what_waits(history):
    output = worker()

    assert "已清理过期的后台任务：删除2个已结束的后台任务、2条任务队列记录、1个结果文件" in output
    waiting = Job.objects.get(pk=history["waiting"].pk)
    assert (waiting.state, waiting.rows_written) == ("done", 2)
    assert Job.objects.count() == 2
