"""``manage.py jobs_worker``: the background worker (``make run`` and the production start run
one; more may run, here or on other machines against the same PostgreSQL).

It first takes back the jobs a dead worker left running (``jobs.services.jobs_recover``), then
runs django-tasks-db's ``db_worker`` on every queue: each task is claimed by one worker.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from jobs.services import jobs_recover


class Command(BaseCommand):
    help = "后台任务处理进程：先接回中断的任务，再处理排队的任务"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch", action="store_true", help="处理完排队的任务后退出")
        parser.add_argument("--interval", type=float, default=1.0, help="无任务时的轮询间隔（秒）")
        parser.add_argument("--worker-id", default=None, help="进程标识（默认随机）")

    def handle(self, *args: Any, **options: Any) -> None:
        for job in jobs_recover():
            self.stdout.write(f"接回中断的任务：{job.title}（{job.get_state_display()}）")
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
