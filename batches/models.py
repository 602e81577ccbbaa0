"""三个一批: a batch (期次, e.g. 2026年第二期, with its year and quarter) and the projects it lists
under 签约, 开工 or 投产, each with a target date (DESIGN.md §3)."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.formatting import QUARTER_CHOICES
from core.models import Versioned
from core.params import YEAR_MAX, YEAR_MIN
from projects.models import Project


class Kind(models.TextChoices):
    """类别: what the batch expects of a project listed under it."""

    SIGN = "sign", "签约"
    START = "start", "开工"
    PRODUCE = "produce", "投产"


class Batch(Versioned):
    """期次: one batch of a province's 三个一批 list. ``name`` is unique (the ledger's key);
    ``year`` and ``quarter`` place it (the quarterly briefing shows the year's batches)."""

    name = models.CharField("期次", max_length=50, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", choices=QUARTER_CHOICES)
    note = models.TextField("备注", blank=True)

    history = HistoricalRecords(verbose_name="三个一批期次变更记录")

    class Meta:
        ordering = ["-year", "quarter", "name"]  # batches.rules.batch_order
        verbose_name = verbose_name_plural = "三个一批期次"
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX), name="batch_year_in_range"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="batch_quarter_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BatchEntry(Versioned):
    """A project listed in a batch under one 类别, with its 目标日期; one per (batch, project,
    类别): a project may be listed under 签约 and under 开工 of the same batch."""

    batch = models.ForeignKey(
        Batch, verbose_name="期次", on_delete=models.CASCADE, related_name="entries"
    )
    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="batch_entries"
    )
    kind = models.CharField("类别", max_length=10, choices=Kind)
    target_date = models.DateField("目标日期", null=True, blank=True)

    history = HistoricalRecords(verbose_name="三个一批项目变更记录")

    class Meta:
        ordering = ["batch", "kind", "project__code"]
        verbose_name = verbose_name_plural = "三个一批项目"
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "project", "kind"], name="batch_entry_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch.name} {self.get_kind_display()} {self.project.code}"

    @property
    def owner_unit_id(self) -> int | None:
        """The unit whose project this is (`core.capabilities` scopes by it)."""
        return self.project.unit_id
