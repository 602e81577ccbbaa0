"""``manage.py jobs_prune``: delete the jobs that ended more than ``JOBS_KEEP_DAYS`` days ago, with
their result files and the task queue's finished rows (``jobs.services.jobs_prune``); the worker
does the same when it starts and then at most once an hour."""

from typing import Any

from django.core.management.base import BaseCommand

from jobs.services import jobs_prune


class Command(BaseCommand):
    help = "清理过期的后台任务：删除结束超过 JOBS_KEEP_DAYS 天的任务、结果文件和任务队列记录"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"已清理过期的后台任务：{jobs_prune().line()}。")
