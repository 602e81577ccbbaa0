"""Inspections (督查) and their findings (问题), rectified (整改) and closed out (销号)."""

from django.db import models
from django.db.models import F, Q

from projects.models import FactorCategory, Project, Unit, recorded_by


class Inspection(models.Model):
    title = models.CharField("督查名称", max_length=200)
    inspected_on = models.DateField("督查日期")
    inspectors = models.CharField("督查人员", max_length=200, blank=True)
    notes = models.TextField("督查情况", blank=True)
    created_by = recorded_by("记录人")

    class Meta:
        ordering = ["-inspected_on", "title"]
        verbose_name = verbose_name_plural = "督查"

    def __str__(self) -> str:
        return f"{self.inspected_on} {self.title}"


class Finding(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "未整改"
        IN_PROGRESS = "in_progress", "整改中"
        RECTIFIED = "rectified", "已整改"
        CLOSED = "closed", "已销号"

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
    status = models.CharField("整改状态", max_length=20, choices=Status, default=Status.OPEN)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    rectification = models.TextField("整改情况", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

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
