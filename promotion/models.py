"""招商引资 activities: an outbound 招商 visit or a reception of visiting investors, kept by
the unit that held it (the office keeps every unit's), with the projects signed from it."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.models import Versioned
from projects.models import Project, Unit, recorded_by

PEOPLE_MAX = 9999  # 人数 of one reception
BATCHES_MAX = 999  # 批次 of one reception


class Kind(models.TextChoices):
    VISIT = "visit", "外出招商"
    RECEPTION = "reception", "接待客商"


class Lead(models.TextChoices):
    """Who led it (seed 004: 县级领导带队, 部门牵头; and 镇办)."""

    LEADER = "leader", "县级领导"
    DEPARTMENT = "department", "部门"
    TOWNSHIP = "township", "镇办"


class Activity(Versioned):
    """One 招商 activity. Keys: none (two visits on one day to one firm are two records).
    人数 and 批次 are a reception's (the investors received); a visit leaves them blank."""

    held_on = models.DateField("日期")
    kind = models.CharField("类型", max_length=20, choices=Kind)
    led_by = models.CharField("牵头", max_length=20, choices=Lead)
    leader = models.CharField("带队领导", max_length=100, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="promotion_activities"
    )
    counterpart = models.CharField("客商/企业", max_length=200)
    place = models.CharField("地点", max_length=200, blank=True)
    people = models.PositiveIntegerField("人数", null=True, blank=True)
    batches = models.PositiveIntegerField("批次", null=True, blank=True)
    outcome = models.TextField("成效", blank=True)
    projects = models.ManyToManyField(
        Project, verbose_name="签约项目", blank=True, related_name="promotion_activities"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = recorded_by("经办人")

    history = HistoricalRecords(verbose_name="招商引资变更记录")

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = verbose_name_plural = "招商引资活动"
        constraints = [
            # promotion/rules.py activity_problems: a reception counts its people and batches,
            # a visit neither; the same bounds as the form's.
            models.CheckConstraint(
                condition=Q(kind=Kind.VISIT, people__isnull=True, batches__isnull=True)
                | Q(
                    kind=Kind.RECEPTION,
                    people__gte=1,
                    people__lte=PEOPLE_MAX,
                    batches__gte=1,
                    batches__lte=BATCHES_MAX,
                ),
                name="promotion_counts_of_receptions",
            ),
        ]
        indexes = [models.Index(fields=["held_on", "kind"], name="promotion_held_kind")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()} {self.counterpart}"

    @property
    def owner_unit_id(self) -> int | None:
        """The unit whose record this is (`core.capabilities` scopes by it)."""
        return self.unit_id
