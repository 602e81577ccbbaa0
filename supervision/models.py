"""Inspections (督查), their findings (问题), rectification (整改), 销号, and notices (通报).

A finding moves  open ──reply──▶ in_progress ──rectified──▶ rectified ──close──▶ closed
                                      ▲                          │
                                      └────────send back─────────┘
Every step is a `FindingEvent` (who, when, what was said, evidence files), so the history of a
finding is kept whole; `supervision/services.py` is the only writer.
"""

from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import PeriodKind, StoredFile, Versioned
from projects import deadlines
from projects.models import FactorCategory, Project, Unit, recorded_by


class Inspection(Versioned):
    title = models.CharField("督查名称", max_length=200)
    inspected_on = models.DateField("督查日期")
    inspectors = models.CharField("督查人员", max_length=200, blank=True)
    notes = models.TextField("督查情况", blank=True)
    projects = models.ManyToManyField(
        Project, verbose_name="督查项目", blank=True, related_name="inspections"
    )
    created_by = recorded_by("记录人")

    history = HistoricalRecords(verbose_name="督查变更记录")

    class Meta:
        ordering = ["-inspected_on", "title"]
        verbose_name = verbose_name_plural = "督查"

    def __str__(self) -> str:
        return f"{self.inspected_on} {self.title}"


class FindingQuerySet(models.QuerySet["Finding"]):
    def overdue(
        self, *, on: date | None = None, at_end_of: date | None = None
    ) -> "FindingQuerySet":
        """逾期未销号: past the 整改时限, not closed out (``projects/deadlines.py``)."""
        return self.filter(Finding.overdue_q(on=on, at_end_of=at_end_of))

    def in_work_order(self, *, descending: bool = False) -> "FindingQuerySet":
        """By where each finding stands (未整改 → 整改中 → 已整改 → 已销号), then by deadline:
        the stored codes' alphabet would put 已销号 first and 已整改 (awaiting 验收) last."""
        stage = models.Case(
            *(
                models.When(status=status, then=index)
                for index, status in enumerate(Finding.Status.values)
            ),
            output_field=models.IntegerField(),
        )
        order = "-work_stage" if descending else "work_stage"
        return self.annotate(work_stage=stage).order_by(order, "deadline", "pk")


class Finding(Versioned):
    """A problem found, with its 整改时限. Overdue and on time as ``projects/deadlines.py``
    says, through ``overdue_q``/``ON_TIME`` in queries and ``is_overdue`` here. A finding is done
    when closed out: ``closed_on`` is set exactly when it is closed (the constraint below, the
    close service, and the import clearing it on reopening)."""

    class Status(models.TextChoices):
        OPEN = "open", "未整改"
        IN_PROGRESS = "in_progress", "整改中"
        RECTIFIED = "rectified", "已整改"
        CLOSED = "closed", "已销号"

    class Clock(models.TextChoices):
        """The 13710 mechanism: 1 day to assign, 3 to report back, 7 or 30 (or a timetable) to settle."""

        NONE = "", "按整改时限"
        ORDINARY = "ordinary", "13710·一般问题（7天办结）"
        COMPLEX = "complex", "13710·复杂问题（30天办结）"
        TIMETABLE = "timetable", "13710·按时间表办结"

    inspection = models.ForeignKey(
        Inspection,
        verbose_name="督查",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    unit = models.ForeignKey(
        Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="findings"
    )
    project = models.ForeignKey(
        Project,
        verbose_name="项目",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    description = models.CharField("问题描述", max_length=500)
    category = models.CharField(
        "问题类别", max_length=20, choices=FactorCategory, default=FactorCategory.OTHER
    )
    found_on = models.DateField("发现日期")
    deadline = models.DateField("整改时限")
    clock = models.CharField(
        "督办机制", max_length=20, choices=Clock, default=Clock.NONE, blank=True
    )
    assigned_on = models.DateField("交办日期", null=True, blank=True)
    first_reply_on = models.DateField("首次反馈日期", null=True, blank=True)
    status = models.CharField("整改状态", max_length=20, choices=Status, default=Status.OPEN)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    rectification = models.TextField("整改情况", blank=True)
    created_by = recorded_by("交办人")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(verbose_name="督查问题变更记录")

    objects = FindingQuerySet.as_manager()

    # I4's numerator: closed out on or before the 整改时限.
    ON_TIME = deadlines.on_time_q(due="deadline", done="closed_on")

    class Meta:
        ordering = ["deadline", "unit__name"]
        verbose_name = verbose_name_plural = "督查问题"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "description", "found_on"], name="finding_unique_key"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_on__isnull=False),
                name="finding_closed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("found_on")), name="finding_deadline_after_found"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.description[:20]}"

    @property
    def owner_unit_id(self) -> int | None:
        """The unit whose finding this is (`core.capabilities` scopes by it)."""
        return self.unit_id

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @staticmethod
    def overdue_q(*, on: date | None = None, at_end_of: date | None = None) -> Q:
        return deadlines.late_q(done="closed_on", due="deadline", on=on, at_end_of=at_end_of)

    def overdue_on(self, day: date) -> bool:
        return deadlines.is_late(due=self.deadline, done=self.closed_on, on=day)

    @property
    def is_overdue(self) -> bool:
        """Overdue today (for templates; code that has a day calls ``overdue_on``)."""
        return self.overdue_on(timezone.localdate())

    @property
    def move_refusal(self) -> str:
        """Why this finding can no longer go to another unit ("" while it still can).

        A finding moves only before its unit has answered: once the unit has replied, the
        answer and its evidence belong to that unit's record.
        """
        if self.is_closed:
            return "该问题已销号，不能再转交其他单位。"
        if self.status != self.Status.OPEN or self.first_reply_on:
            return f"{self.unit}已答复该问题，不能再转交其他单位。"
        return ""


class FindingEvent(models.Model):
    """One step in a finding's life: what was done, by whom, when, with what evidence."""

    class Action(models.TextChoices):
        ASSIGNED = "assigned", "交办"
        REPLY = "reply", "整改反馈"
        RECTIFIED = "rectified", "报告整改完成"
        SENT_BACK = "sent_back", "退回重新整改"
        CLOSED = "closed", "销号"
        EDITED = "edited", "修改"
        MOVED = "moved", "转交其他单位"

    finding = models.ForeignKey(
        Finding, verbose_name="问题", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("事项", max_length=20, choices=Action)
    note = models.TextField("内容", blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    created_by = recorded_by("经办人")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = verbose_name_plural = "督办记录"

    def __str__(self) -> str:
        return f"{self.finding} {self.get_action_display()}"


class Evidence(StoredFile):
    """A file behind a rectification answer (a photo, a scanned approval, a document)."""

    event = models.ForeignKey(
        FindingEvent, verbose_name="督办记录", on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField("文件", upload_to="evidence/%Y/%m/")

    class Meta:
        ordering = ["pk"]
        verbose_name = verbose_name_plural = "整改佐证材料"


class Notice(models.Model):
    """A notice (通报) as issued: its figures are kept as they stood on the day of issue."""

    Period = PeriodKind

    number = models.CharField("期号", max_length=40)
    title = models.CharField("标题", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    period = models.CharField("通报周期", max_length=10, choices=Period)
    month = models.PositiveSmallIntegerField("截至月份")
    opening = models.TextField("通报正文")
    content = models.JSONField("通报内容", default=dict)
    issued_at = models.DateTimeField("印发时间", auto_now_add=True)
    issued_by = recorded_by("印发人")

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = verbose_name_plural = "通报"
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="notice_unique_number"),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="notice_month_1_12"
            ),
        ]

    def __str__(self) -> str:
        return self.title
