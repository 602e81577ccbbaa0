"""Jobs: started by a page, run by a background worker, their progress written as they go.

``job_start`` records the job and enqueues its task (Django's tasks API: ``settings.TASKS``) in
the caller's transaction. The task calls ``job_run`` with the work: the job is claimed by one
conditional update (queued → running), so a task delivered twice, or to two workers, runs once.
The work reports through ``Progress``, which writes the job's row at most once a second (and at
each new phase): on PostgreSQL through a connection of its own, so the page sees the rows move
while the work's transaction is still open; SQLite has one writer, so there the bar shows what
was written before the work's transaction and then its end, and every other write (each page
saves its session) waits for that transaction, up to SQLITE_TIMEOUT: a city runs PostgreSQL. The work's effect is one
transaction: a worker that dies leaves nothing half-written, and ``jobs_recover`` (run when a
worker starts) runs its job again or fails it with the reason. ``jobs_prune`` deletes what ended
more than ``JOBS_KEEP_DAYS`` ago (the job, its result file, the task queue's row).
"""

import contextlib
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from jobs.models import Job

logger = logging.getLogger(__name__)

# Where the jobs keep their files (an uploaded backup, a backup or an export made by a job): in
# the default storage, not backed up as media, each deleted with its job (``jobs_prune``).
FILES_FOLDER = "jobs"

INTERNAL_ERROR = "处理时发生内部错误（已记入服务器日志），未写入任何数据。请联系系统管理员。"


class JobRefused(Exception):
    """The work ends refused, with a reason the clerk reads (nothing was written); ``result``
    keeps what the page shows beside it (a bad row's list)."""

    def __init__(self, reason: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.result = result or {}


def worker_name() -> str:
    """This process, as a job records who runs it: the host and the process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def job_start(*, task: Any, title: str, user: Any, back_url: str = "", **arguments: Any) -> Job:
    """Record a job and enqueue ``task`` (a ``django_tasks`` task taking the job's id) for it."""
    with transaction.atomic():
        job = Job.objects.create(
            title=title[:200],
            task_path=task.module_path,
            arguments=arguments,
            started_by=user,
            back_url=back_url[:300],
            phase="等待后台处理",
        )
        job.task_result_id = str(task.enqueue(str(job.pk)).id)
        job.save(update_fields=["task_result_id"])
    return job


Work = Callable[[Job, "Progress"], dict[str, Any]]


def job_run(job_id: str, work: Work) -> None:
    """Run ``work`` for the job, once: claim it, then record its result or its refusal."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING,
        started_at=now,
        heartbeat_at=now,
        worker=worker_name(),
        attempts=F("attempts") + 1,
        phase="开始处理",
    )
    if not claimed:  # run by another worker already, or ended: never twice
        logger.warning("job %s is not waiting; not run again", job_id)
        return
    job = Job.objects.get(pk=job_id)
    progress = Progress(job)
    try:
        result = work(job, progress)
    except JobRefused as refusal:
        _finish(job, Job.State.FAILED, error=refusal.reason, result=refusal.result)
    except Exception:
        logger.exception("job %s (%s) failed", job_id, job.title)
        _finish(job, Job.State.FAILED, error=INTERNAL_ERROR)
        raise
    else:
        _finish(job, Job.State.DONE, result=result)
    finally:
        progress.close()


def _finish(job: Job, state: str, *, error: str = "", result: dict[str, Any] | None = None) -> None:
    job.state = state
    job.error = error
    job.result = result or {}
    job.finished_at = job.heartbeat_at = timezone.now()
    if state == Job.State.DONE:
        job.percent = 100
        job.phase = "已完成"
    else:
        job.phase = "已停止"
    job.save(
        update_fields=[
            "state", "error", "result", "result_file", "finished_at", "heartbeat_at", "percent",
            "phase", "rows_total", "rows_read", "rows_written",
        ]
    )  # fmt: skip


class Progress:
    """What a job's work reports as it goes; ``progress(read=…, total=…, phase=…)``."""

    INTERVAL = 1.0  # seconds between two writes of the same phase

    def __init__(self, job: Job) -> None:
        self.job = job
        self._written_at = 0.0
        self._side: BaseDatabaseWrapper | None = None
        # the transactions open when the work began (a test's own): writes outside the work's
        self._depth = len(connection.atomic_blocks)

    def __call__(
        self,
        *,
        read: int | None = None,
        written: int | None = None,
        total: int | None = None,
        phase: str | None = None,
        percent: int | None = None,
    ) -> None:
        job = self.job
        new_phase = phase is not None and phase != job.phase
        if read is not None:
            job.rows_read = read
        if written is not None:
            job.rows_written = written
        if total is not None:
            job.rows_total = total
        if phase is not None:
            job.phase = phase[:100]
        if percent is None and job.rows_total:
            percent = job.rows_read * 100 // job.rows_total
        if percent is not None:
            job.percent = max(0, min(99, percent))  # 100 only when it has ended
        if new_phase or time.monotonic() - self._written_at >= self.INTERVAL:
            self.write()

    def write(self) -> None:
        job = self.job
        job.heartbeat_at = timezone.now()
        values = {
            "phase": job.phase,
            "rows_total": job.rows_total,
            "rows_read": job.rows_read,
            "rows_written": job.rows_written,
            "percent": job.percent,
            "heartbeat_at": job.heartbeat_at,
        }
        self._written_at = time.monotonic()
        if len(connection.atomic_blocks) <= self._depth:
            Job.objects.filter(pk=job.pk).update(**values)
        elif connection.vendor == "postgresql":
            self._write_aside(values)
        # else SQLite inside the work's transaction: its one writer is the work itself

    def _write_aside(self, values: dict[str, Any]) -> None:
        """The row written through a connection of our own, in autocommit: seen at once."""
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        columns = ", ".join(f"{name} = %s" for name in values)  # plain fields: name = column
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Job._meta.db_table} SET {columns} WHERE id = %s",
                [*values.values(), self.job.pk],
            )

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _worker_gone(job: Job, stale_before: Any) -> bool:
    host, _, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        return not _alive(int(pid))
    return job.heartbeat_at is None or job.heartbeat_at < stale_before


def jobs_recover() -> list[Job]:
    """The running jobs whose worker died (its process gone on this host, or silent for
    ``JOBS_STALE_SECONDS`` elsewhere): each queued again from the start, or, once tried
    ``JOBS_MAX_ATTEMPTS`` times, failed with its reason. Nothing of theirs was written (the
    work's effect is one transaction), so a new run starts clean."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.JOBS_STALE_SECONDS)
    taken_back = []
    for candidate in Job.objects.filter(state=Job.State.RUNNING):
        if not _worker_gone(candidate, stale_before):
            continue
        with transaction.atomic():
            job = (
                Job.objects.select_for_update()
                .filter(pk=candidate.pk, state=Job.State.RUNNING, worker=candidate.worker)
                .first()
            )
            if job is None:  # ended or taken back meanwhile
                continue
            _close_task_result(job.task_result_id)
            where = f"，停在第{job.rows_read}行附近" if job.rows_read else ""
            if job.attempts < settings.JOBS_MAX_ATTEMPTS:
                job.state = Job.State.QUEUED
                job.phase = f"后台处理进程中断{where}，未写入任何数据，已重新排队"
                job.rows_read = job.rows_written = job.percent = 0
                job.task_result_id = str(import_string(job.task_path).enqueue(str(job.pk)).id)
            else:
                job.state = Job.State.FAILED
                job.phase = "已停止"
                job.error = (
                    f"后台处理进程在处理中途停止（已尝试{job.attempts}次{where}），"
                    "本次未写入任何数据。请重新提交。"
                )
                job.finished_at = now
            job.save()
            taken_back.append(job)
    return taken_back


def _close_task_result(task_result_id: str) -> None:
    """The dead worker's task, left running in the task queue's table, marked failed."""
    if not task_result_id or not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=task_result_id, status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="jobs.services.WorkerLost",
        traceback="后台处理进程中断（jobs.services.jobs_recover）",
    )


@dataclass(frozen=True)
class Pruned:
    jobs: int
    task_results: int
    files: int

    def line(self) -> str:
        return (
            f"删除{self.jobs}个已结束的后台任务、{self.task_results}条任务队列记录、"
            f"{self.files}个结果文件"
        )


ENDED = (Job.State.DONE, Job.State.FAILED)


def jobs_prune(now: datetime | None = None) -> Pruned:
    """Delete the jobs that ended more than ``JOBS_KEEP_DAYS`` ago (one never finished: created
    then) with their result files (every file in the job's folder), and the task queue's rows
    finished as long ago (whatever job they ran, the task of a job kept is kept). A queued or
    running job, and its task, is never deleted: the rows go in one transaction, the files
    after it."""
    before = (now or timezone.now()) - timedelta(days=settings.JOBS_KEEP_DAYS)
    old = Job.objects.filter(state__in=ENDED).filter(
        Q(finished_at__lt=before) | Q(finished_at__isnull=True, created_at__lt=before)
    )
    with transaction.atomic():
        doomed = list(old.select_for_update().values_list("pk", "result_file"))
        Job.objects.filter(pk__in=[pk for pk, _ in doomed]).delete()
        results = _prune_task_results(before)
    files = 0
    names = {name for _, name in doomed if name}
    names.update(path for pk, _ in doomed for path in job_files(pk))
    for name in names:
        if default_storage.exists(name):
            default_storage.delete(name)
            files += 1
    return Pruned(jobs=len(doomed), task_results=results, files=files)


def job_files(job_pk: Any) -> list[str]:
    """The files in a job's folder: its result file and whatever else its runs left there (a
    run that died, or was run again); none when it has no folder."""
    folder = f"{FILES_FOLDER}/{job_pk}"
    try:
        names = default_storage.listdir(folder)[1]
    except FileNotFoundError:
        return []
    return [f"{folder}/{name}" for name in names]


def file_discard(path: str) -> None:
    """Delete a job's file, if it is still there (another tab or run may have taken it)."""
    with contextlib.suppress(FileNotFoundError):
        default_storage.delete(path)


def _prune_task_results(before: datetime) -> int:
    if not apps.is_installed("django_tasks_db"):
        return 0
    from django_tasks_db.models import DBTaskResult

    kept = Job.objects.exclude(task_result_id="").values_list("task_result_id", flat=True)
    finished = DBTaskResult.objects.filter(status__in=["SUCCESSFUL", "FAILED"])
    deleted, _ = finished.filter(finished_at__lt=before).exclude(id__in=[*kept]).delete()
    return deleted
