"""``manage.py jobs_worker``: the background worker (``make run`` and the production start run
one; more may run, here or on other machines against the same PostgreSQL).

It first takes back the jobs a dead worker left running (``jobs.services.jobs_recover``) and
deletes what ended more than ``JOBS_KEEP_DAYS`` ago (``jobs.services.jobs_prune``, again after a
task when the last time is an hour past), then runs django-tasks-db's ``db_worker`` on every
queue: each task is claimed by one worker.
"""

import logging
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tasks.signals import task_finished

from jobs.services import jobs_prune, jobs_recover

logger = logging.getLogger(__name__)

PRUNE_EVERY = 3600.0  # seconds


class Pruner:
    """Prunes now, then after a finished task once ``PRUNE_EVERY`` has passed."""

    def __init__(self) -> None:
        self.last = time.monotonic()

    def __call__(self, **_: Any) -> None:
        if time.monotonic() - self.last < PRUNE_EVERY:
            return
        self.last = time.monotonic()
        try:
            logger.info("%s", jobs_prune().line())
        except Exception:  # a failed prune must not fail the task that just ran
            logger.exception("jobs_prune failed")


class Command(BaseCommand):
    help = "后台任务处理进程：先接回中断的任务，再处理排队的任务"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch", action="store_true", help="处理完排队的任务后退出")
        parser.add_argument("--interval", type=float, default=1.0, help="无任务时的轮询间隔（秒）")
        parser.add_argument("--worker-id", default=None, help="进程标识（默认随机）")

    def handle(self, *args: Any, **options: Any) -> None:
        for job in jobs_recover():
            self.stdout.write(f"接回中断的任务：{job.title}（{job.get_state_display()}）")
        self.stdout.write(f"已清理过期的后台任务：{jobs_prune().line()}")
        pruner = Pruner()
        task_finished.connect(pruner, weak=False, dispatch_uid="jobs_prune")
        worker = {"worker_id": options["worker_id"]} if options["worker_id"] else {}
        call_command(
            "db_worker",
            queue_name="*",
            batch=options["batch"],
            interval=options["interval"],
            reload=False,
            startup_delay=not options["batch"],
            verbosity=options["verbosity"],
            **worker,
        )
