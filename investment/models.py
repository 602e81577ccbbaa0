"""Monthly reports and reporting periods (the monthly reporting workflow's tables)."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from projects.models import (
    AnnualPlan,
    FactorCategory,
    PeriodKind,
    Versioned,
    money_field,
    recorded_by,
)


class MonthlyReport(Versioned):
    """One plan row's report for one month: investment completed in that month."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"
        APPROVED = "approved", "已审核"
        RETURNED = "returned", "已退回"

    class Source(models.TextChoices):
        FORM = "form", "在线填报"
        LEDGER = "ledger", "台账导入"

    # Figures count what a unit has formally reported: drafts are still being typed and a
    # returned report was rejected by the project office.
    COUNTED_STATUSES = (Status.SUBMITTED, Status.APPROVED)

    plan = models.ForeignKey(
        AnnualPlan, verbose_name="年度计划", on_delete=models.CASCADE, related_name="reports"
    )
    month = models.PositiveSmallIntegerField("月份")
    amount = money_field("本月完成投资(万元)")
    progress = models.TextField("形象进度", blank=True)
    problems = models.TextField("存在问题", blank=True)
    problem_category = models.CharField(
        "问题类别", max_length=20, choices=FactorCategory, blank=True
    )
    status = models.CharField("状态", max_length=20, choices=Status, default=Status.DRAFT)
    source = models.CharField("来源", max_length=20, choices=Source, default=Source.FORM)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = recorded_by("报送人")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = recorded_by("审核人")
    return_reason = models.TextField("退回原因", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(verbose_name="月度报表变更记录")

    class Meta:
        ordering = ["plan__project__code", "month"]
        verbose_name = verbose_name_plural = "月度报表"
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="report_unique_plan_month"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="report_month_1_12"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="report_amount_gte_0"),
        ]
        indexes = [models.Index(fields=["month", "status"], name="report_month_status")]

    def __str__(self) -> str:
        return f"{self.plan} {self.month}月"

    @property
    def owner_unit_id(self) -> int | None:
        """The unit whose report this is (`projects.capabilities` scopes by it)."""
        return self.plan.project.unit_id


class ReportingPeriod(models.Model):
    """A reporting month; once locked, none of its reports may change."""

    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    locked_at = models.DateTimeField("锁定时间", null=True, blank=True)
    locked_by = recorded_by("锁定人")
    # The last unlock, kept after the month is locked again: reporters are told on 我的待办
    # while it stays unlocked, and the reason is in the history and the audit trail.
    unlocked_at = models.DateTimeField("解锁时间", null=True, blank=True)
    unlocked_by = recorded_by("解锁人")
    unlock_reason = models.TextField("解锁原因", blank=True)

    history = HistoricalRecords(verbose_name="月份锁定变更记录")

    class Meta:
        ordering = ["year", "month"]
        verbose_name = verbose_name_plural = "填报月份"
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="period_unique_year_month"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="period_month_1_12"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class YearSettings(Versioned):
    """The project office's settings for one year's rankings and warnings.

    A year without a saved row uses the defaults of DESIGN.md §3 (``for_year``).
    """

    year = models.PositiveSmallIntegerField("年度", unique=True)
    due_day = models.PositiveSmallIntegerField(
        "报送截止日", default=5, help_text="每月报表在次月的这一天（含当天）前报送"
    )
    weight_investment = models.PositiveSmallIntegerField("投资完成权重", default=50)
    weight_start = models.PositiveSmallIntegerField("开复工权重", default=20)
    weight_milestones = models.PositiveSmallIntegerField("节点按期完成权重", default=15)
    weight_findings = models.PositiveSmallIntegerField("问题按期整改权重", default=10)
    weight_reporting = models.PositiveSmallIntegerField("按时报送权重", default=5)
    lag_threshold = models.DecimalField(
        "投资滞后阈值(百分点)", max_digits=5, decimal_places=2, default=10
    )
    list_size = models.PositiveSmallIntegerField("红黑榜各列单位数", default=3)

    history = HistoricalRecords(verbose_name="年度设置变更记录")

    class Meta:
        ordering = ["year"]
        verbose_name = verbose_name_plural = "年度考核设置"
        constraints = [
            models.CheckConstraint(
                condition=Q(due_day__gte=1, due_day__lte=28), name="settings_due_day_1_28"
            ),
            models.CheckConstraint(
                condition=Q(
                    weight_investment__lte=100,
                    weight_start__lte=100,
                    weight_milestones__lte=100,
                    weight_findings__lte=100,
                    weight_reporting__lte=100,
                ),
                name="settings_weights_lte_100",
            ),
            models.CheckConstraint(
                condition=Q(
                    weight_investment=100
                    - models.F("weight_start")
                    - models.F("weight_milestones")
                    - models.F("weight_findings")
                    - models.F("weight_reporting")
                ),
                name="settings_weights_sum_100",
                violation_error_message="五项权重之和应为100。",
            ),
            models.CheckConstraint(
                condition=Q(lag_threshold__gte=0), name="settings_lag_threshold_gte_0"
            ),
            models.CheckConstraint(condition=Q(list_size__gte=1), name="settings_list_size_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年考核设置"

    @classmethod
    def for_year(cls, year: int) -> "YearSettings":
        """The saved settings of ``year``, or the defaults (unsaved) when there are none."""
        return cls.objects.filter(year=year).first() or cls(year=year)

    @property
    def weights(self) -> tuple[int, int, int, int, int]:
        return (
            self.weight_investment,
            self.weight_start,
            self.weight_milestones,
            self.weight_findings,
            self.weight_reporting,
        )


class ReportPhoto(models.Model):
    """A progress photo of a monthly report, re-encoded on upload (no EXIF, so no GPS)."""

    report = models.ForeignKey(
        MonthlyReport, verbose_name="月度报表", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField("照片", upload_to="report-photos/%Y/%m/")
    thumbnail = models.ImageField("缩略图", upload_to="report-photos/%Y/%m/thumbs/")
    width = models.PositiveIntegerField("宽")
    height = models.PositiveIntegerField("高")
    caption = models.CharField("说明", max_length=200, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = recorded_by("上传人")

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = verbose_name_plural = "进度照片"

    def __str__(self) -> str:
        return f"{self.report} 照片"


class BriefingNote(Versioned):
    """下步工作打算: the office's own words for one briefing period, kept with the period."""

    year = models.PositiveSmallIntegerField("年度")
    period = models.CharField("简报周期", max_length=10, choices=PeriodKind)
    month = models.PositiveSmallIntegerField("截至月份")
    next_steps = models.TextField("下步工作打算", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = recorded_by("填写人")

    history = HistoricalRecords(verbose_name="简报下步工作打算变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "简报下步工作打算"
        constraints = [
            models.UniqueConstraint(fields=["year", "period", "month"], name="briefing_note_key"),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="briefing_note_month_1_12"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_period_display()} {self.month}"
