"""A job: one piece of long work run by a background worker, and what the page shows of it."""

from datetime import datetime, timedelta
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Job(models.Model):
    """One piece of long work (a city's ledger preview, …), keyed by a random id (its page's
    address). The task that runs it (``task_path``) reads its ``arguments``; as it goes it writes
    the rows read and written, the percent and the phase (``jobs.services.Progress``); at the end
    the outcome: ``result`` (what the page that started it shows), a ``result_file`` in storage,
    or the Chinese ``error``. ``worker`` (host:pid) and ``heartbeat_at`` tell a worker that starts
    whether the job's worker died (``jobs.services.jobs_recover``)."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    id = models.UUIDField(primary_key=True, default=uuid4, editable=False)
    title = models.CharField("任务", max_length=200)
    task_path = models.CharField("任务函数", max_length=200)
    arguments = models.JSONField("参数", default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        on_delete=models.PROTECT,
        related_name="jobs",
        null=True,
        blank=True,
    )
    back_url = models.CharField("提交页面", max_length=300, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    phase = models.CharField("进行到", max_length=100, blank=True)
    rows_total = models.PositiveBigIntegerField("总行数", null=True, blank=True)
    rows_read = models.PositiveBigIntegerField("已读行数", default=0)
    rows_written = models.PositiveBigIntegerField("已写行数", default=0)
    percent = models.PositiveSmallIntegerField("完成百分比", default=0)
    error = models.TextField("失败原因", blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    result_file = models.CharField("结果文件", max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    worker = models.CharField("后台进程", max_length=200, blank=True)
    task_result_id = models.CharField("队列任务号", max_length=64, blank=True)
    created_at = models.DateTimeField("提交时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近报告进度", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="job_percent_at_most_100"),
        ]
        indexes = [models.Index(fields=["state"], name="job_state_idx")]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_state_display()}）"

    @property
    def ended(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    def time_left(self, now: datetime | None = None) -> timedelta | None:
        """The time still needed at the pace so far (None before any progress, or when ended)."""
        if self.ended or self.started_at is None or not 0 < self.percent < 100:
            return None
        elapsed = (now or timezone.now()) - self.started_at
        return elapsed * (100 - self.percent) / self.percent

    def silent_for(self, now: datetime | None = None) -> timedelta | None:
        """How long a running job's worker has said nothing (None unless running)."""
        if self.state != self.State.RUNNING or self.heartbeat_at is None:
            return None
        return (now or timezone.now()) - self.heartbeat_at
