"""Monthly reports and reporting periods (the monthly reporting workflow's tables)."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.models import PeriodKind, Versioned, money_field
from projects.models import AnnualPlan, FactorCategory, recorded_by


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

    @staticmethod
    def counted_q(*, through: int, prefix: str = "") -> Q:
        """The reports that make up completed investment through month ``through`` of their
        plan row's year: counted (submitted or approved), months 1..``through``. ``prefix``
        reaches them from a plan row (``"reports__"``)."""
        return Q(
            **{
                f"{prefix}month__lte": through,
                f"{prefix}status__in": MonthlyReport.COUNTED_STATUSES,
            }
        )

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
        indexes = [
            models.Index(fields=["month", "status"], name="report_month_status"),
            # A plan row's counted reports through a month (``counted_q``) with their amounts:
            # every row's sum and last month (the lag levels, the board, 报送情况) read from the
            # index alone on PostgreSQL (docs/performance.md). The statuses are COUNTED_STATUSES'
            # (tests/investment/test_lag_levels.py holds them so); ``amount`` is a key column,
            # not an INCLUDE, which SQLite has not (and would warn of on every command).
            models.Index(
                fields=["plan", "month", "amount"],
                condition=Q(status__in=("submitted", "approved")),
                name="report_counted_plan_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.month}月"

    @property
    def owner_unit_id(self) -> int | None:
        """The unit whose report this is (`core.capabilities` scopes by it)."""
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
    """The project office's settings for one year's rankings and reporting.

    A year without a saved row uses the defaults of DESIGN.md §3 (``for_year``). The warning
    thresholds (the 投资滞后 threshold among them) are the year's `WarningRule` rows. Each
    ranking indicator of `investment.rules.indicators` has its weight field here, named by its
    entry, with the entry's name + 权重 as its verbose name; the two check constraints name
    every weight (tests/investment/test_indicators.py holds them to the list).
    """

    year = models.PositiveSmallIntegerField("年度", unique=True)
    due_day = models.PositiveSmallIntegerField(
        "报送截止日", default=5, help_text="每月报表在次月的这一天（含当天）前报送"
    )
    # DESIGN.md §3 "The 报送 window": month m's reports can be sent from this day of month m.
    submit_start_day = models.PositiveSmallIntegerField(
        "报送开始日", default=20, help_text="每月报表自当月的这一天起可以报送（草稿随时可存）"
    )
    weight_investment = models.PositiveSmallIntegerField("投资完成权重", default=50)
    weight_start = models.PositiveSmallIntegerField("开复工权重", default=20)
    weight_milestones = models.PositiveSmallIntegerField("节点按期完成权重", default=15)
    weight_findings = models.PositiveSmallIntegerField("问题按期整改权重", default=10)
    weight_reporting = models.PositiveSmallIntegerField("按时报送权重", default=5)
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
                condition=Q(submit_start_day__gte=1, submit_start_day__lte=28),
                name="settings_submit_start_day_1_28",
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
            models.CheckConstraint(condition=Q(list_size__gte=1), name="settings_list_size_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年考核设置"

    @classmethod
    def for_year(cls, year: int) -> "YearSettings":
        """The saved settings of ``year``, or the defaults (unsaved) when there are none."""
        return cls.objects.filter(year=year).first() or cls(year=year)


def threshold_text(value: Decimal) -> str:
    """A threshold as written: 10, 12.5 (not 10.00)."""
    return format(Decimal(value).normalize(), "f")


class WarningLevel(models.TextChoices):
    """A warning's level; red is the worse."""

    YELLOW = "yellow", "黄色"
    RED = "red", "红色"


LEVEL_ORDER: dict[str, int] = {WarningLevel.YELLOW: 1, WarningLevel.RED: 2}


class WarningRule(Versioned):
    """预警规则: one indicator's yellow and red thresholds for one year.

    Each rule measures a plan row at the period (Y, m), ``end`` being m's last day, and the
    row reaches yellow or red when the measure passes the threshold as this table says. This
    table is the one definition of the edges; ``investment.selectors.progress.lag_warnings`` measures.

    ======== ====================================================== ===== ===== ========= ====
    指标      measure (only rows the condition applies to)            黄色   红色   默认黄/红  启用
    ======== ====================================================== ===== ===== ========= ====
    未按期开工 not started by ``end`` (no 实际开(复)工日期 ≤ end) though   ≥ 黄  ≥ 红  0 / 3 个月  是
             计划开工日期 < end: months from the planned start's month
             to m (planned in March, at June: 3)
    投资滞后   序时进度 − 完成率, in points (rows with a plan and no    > 黄  > 红  10 / 30     是
             计划开工日期 after ``end``)
    未纳统     started by ``end``, no 纳统日期 ≤ end: months from the      ≥ 黄  ≥ 红  1 / 2 个月  否
             start's month to m (started in May, at June: 1)
    节点逾期   a milestone late at ``end`` (`projects.deadlines`): days  ≥ 黄  > 红  0 / 30 天   是
             from the oldest such milestone's 计划完成日期 to ``end``
    未报送     started by ``end`` and m's due day passed: months running ≥ 黄  ≥ 红  1 / 2 个月  是
             back from m with no report, each one expected (from the
             start's month, January if it started before Y)
    ======== ====================================================== ===== ===== ========= ====

    A row whose 计划开工日期 is after ``end`` is not due to start (`projects.rules.due_to_start_q`):
    neither of the first two applies to it. With the defaults, the rows at yellow or red are
    exactly DESIGN.md §3's lag list: 未纳统
    is not on that list, so it is off until the office switches it on (held on mixed data
    and on the demo county by tests/investment/test_warning_rules.py). A year without saved
    rows uses the defaults (``for_year``).

    Readers: the lag list and its export (预警等级, ``?warning=red|yellow``), the board (a mark
    with its reasons on each row), the dashboard (红色预警N个 / 黄色预警M个), 我的待办 (the office
    the red rows, a reporter their unit's red and yellow), the briefing and the notice's 滞后项目.
    One partial draws a mark, templates/investment/_warning_mark.html: the colour and the word,
    never colour alone.
    """

    class Indicator(models.TextChoices):
        NOT_STARTED = "not_started", "未按期开工"
        INVESTMENT = "investment", "投资滞后"
        NOT_IN_STATISTICS = "not_in_statistics", "未纳统"
        MILESTONE = "milestone", "节点逾期"
        NOT_REPORTED = "not_reported", "未报送"

    year = models.PositiveSmallIntegerField("年度")
    indicator = models.CharField("预警指标", max_length=20, choices=Indicator)
    enabled = models.BooleanField("启用", default=True)
    yellow = models.DecimalField("黄色阈值", max_digits=6, decimal_places=2)
    red = models.DecimalField("红色阈值", max_digits=6, decimal_places=2)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = recorded_by("修改人")

    history = HistoricalRecords(verbose_name="预警规则变更记录")

    class Meta:
        ordering = ["year", "indicator"]
        verbose_name = verbose_name_plural = "预警规则"
        constraints = [
            models.UniqueConstraint(fields=["year", "indicator"], name="warning_rule_key"),
            models.CheckConstraint(
                condition=Q(yellow__gte=0) & Q(yellow__lte=models.F("red")),
                name="warning_rule_yellow_0_to_red",
                violation_error_message="黄色阈值应不小于0且不大于红色阈值。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_indicator_display()}预警规则"

    # indicator → (unit, yellow when measure > yellow (else ≥), red when measure > red (else ≥))
    EDGES = {
        Indicator.NOT_STARTED: ("个月", False, False),
        Indicator.INVESTMENT: ("个百分点", True, True),
        Indicator.NOT_IN_STATISTICS: ("个月", False, False),
        Indicator.MILESTONE: ("天", False, True),
        Indicator.NOT_REPORTED: ("个月", False, False),
    }
    # indicator → (enabled, yellow, red): issue 17's defaults (Yinchuan's published thresholds
    # for the first three, ours for the rest).
    DEFAULTS = {
        Indicator.NOT_STARTED: (True, 0, 3),
        Indicator.INVESTMENT: (True, 10, 30),
        Indicator.NOT_IN_STATISTICS: (False, 1, 2),
        Indicator.MILESTONE: (True, 0, 30),
        Indicator.NOT_REPORTED: (True, 1, 2),
    }

    @classmethod
    def default(cls, year: int, indicator: str) -> "WarningRule":
        enabled, yellow, red = cls.DEFAULTS[cls.Indicator(indicator)]
        return cls(
            year=year,
            indicator=indicator,
            enabled=enabled,
            yellow=Decimal(yellow),
            red=Decimal(red),
        )

    @classmethod
    def for_year(cls, year: int) -> "dict[str, WarningRule]":
        """{indicator: rule} of ``year`` in the table's order: the saved rows, the defaults
        (unsaved) for the others. One query."""
        saved = {rule.indicator: rule for rule in cls.objects.filter(year=year)}
        return {
            indicator: saved.get(indicator) or cls.default(year, indicator)
            for indicator in cls.Indicator.values
        }

    @property
    def unit(self) -> str:
        return self.EDGES[self.Indicator(self.indicator)][0]

    @property
    def yellow_text(self) -> str:
        return threshold_text(self.yellow)

    @property
    def red_text(self) -> str:
        return threshold_text(self.red)

    def level(self, measure: Decimal | int | None) -> str | None:
        """The level ``measure`` reaches under this rule (the table above), None if none or
        the rule is off."""
        if measure is None or not self.enabled:
            return None
        _, yellow_strict, red_strict = self.EDGES[self.Indicator(self.indicator)]
        if measure > self.red if red_strict else measure >= self.red:
            return WarningLevel.RED
        if measure > self.yellow if yellow_strict else measure >= self.yellow:
            return WarningLevel.YELLOW
        return None


class ReportPhoto(models.Model):
    """A progress photo of a monthly report, re-encoded on upload (no EXIF, so no GPS)."""

    report = models.ForeignKey(
        MonthlyReport, verbose_name="月度报表", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField("照片", upload_to="report-photos/%Y/%m/")
    thumbnail = models.ImageField("缩略图", upload_to="report-photos/%Y/%m/thumbs/")
    width = models.PositiveIntegerField("宽")
    height = models.PositiveIntegerField("高")
    # Read on upload for the data-quality rules (investment/rules/photo_facts.py): the 64-bit
    # perceptual hash stored as a signed BIGINT (to_signed/to_unsigned), and the capture date
    # from the upload's EXIF. Photos stored before 0011 get their hash from
    # `manage.py photo_hashes`; their EXIF is gone, so their date stays empty.
    phash = models.BigIntegerField("感知哈希", null=True, blank=True)
    taken_on = models.DateField("拍摄日期（EXIF）", null=True, blank=True)
    caption = models.CharField("说明", max_length=200, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = recorded_by("上传人")

    # An upload and a deletion (of a draft's or returned report's photo) each leave a row.
    history = HistoricalRecords(verbose_name="进度照片变更记录")

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


class QualityRule(Versioned):
    """数据质量规则: one data-quality rule's 启用 and threshold for one year (DESIGN.md §3).

    The rules themselves (what each checks) are ``investment.services.quality``'s functions, one per
    rule; this row only holds what the office edits. A year without saved rows uses the
    defaults (``for_year``); an unchanged save writes nothing (``quality_settings``).
    """

    class Code(models.TextChoices):
        CUMULATIVE_OVER_TOTAL = "cumulative_over_total", "累计完成超总投资"
        YEAR_OVER_PLAN = "year_over_plan", "年度完成超计划"
        MONTH_OUTLIER = "month_outlier", "本月完成异常偏高"
        INVESTED_NOT_STARTED = "invested_not_started", "未开工有投资"
        PROGRESS_UNCHANGED = "progress_unchanged", "形象进度多月未变"
        PHOTO_REUSED = "photo_reused", "照片重复使用"
        PHOTO_DATE = "photo_date", "照片拍摄日期不符"

    year = models.PositiveSmallIntegerField("年度")
    rule = models.CharField("规则", max_length=30, choices=Code)
    enabled = models.BooleanField("启用", default=True)
    # s (%), k (times), n (months), d (bits); None for the rules that are on/off only
    threshold = models.DecimalField("阈值", max_digits=6, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = recorded_by("修改人")

    history = HistoricalRecords(verbose_name="数据质量规则变更记录")

    class Meta:
        ordering = ["year", "rule"]
        verbose_name = verbose_name_plural = "数据质量规则"
        constraints = [
            models.UniqueConstraint(fields=["year", "rule"], name="quality_rule_key"),
            models.CheckConstraint(
                condition=Q(threshold__isnull=True) | Q(threshold__gte=0),
                name="quality_rule_threshold_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_rule_display()}数据质量规则"

    # rule → (enabled, threshold or None, unit of the threshold)
    DEFAULTS: dict[str, tuple[bool, int | None, str]] = {
        Code.CUMULATIVE_OVER_TOTAL: (True, None, ""),
        Code.YEAR_OVER_PLAN: (True, 20, "%"),
        Code.MONTH_OUTLIER: (True, 5, "倍"),
        Code.INVESTED_NOT_STARTED: (True, None, ""),
        Code.PROGRESS_UNCHANGED: (True, 3, "个月"),
        Code.PHOTO_REUSED: (True, 4, "位"),
        Code.PHOTO_DATE: (True, None, ""),
    }

    @classmethod
    def default(cls, year: int, rule: str) -> "QualityRule":
        enabled, threshold, _ = cls.DEFAULTS[rule]
        return cls(
            year=year,
            rule=rule,
            enabled=enabled,
            threshold=None if threshold is None else Decimal(threshold),
        )

    @classmethod
    def for_year(cls, year: int) -> "dict[str, QualityRule]":
        """{rule: row} of ``year`` in the table's order: the saved rows, the defaults (unsaved)
        for the others. One query."""
        saved = {row.rule: row for row in cls.objects.filter(year=year)}
        return {code: saved.get(code) or cls.default(year, code) for code in cls.Code.values}

    @property
    def unit(self) -> str:
        return self.DEFAULTS[self.rule][2]

    @property
    def has_threshold(self) -> bool:
        return self.DEFAULTS[self.rule][1] is not None

    @property
    def threshold_text(self) -> str:
        return "" if self.threshold is None else threshold_text(self.threshold)


class QualityFlag(Versioned):
    """A data-quality flag: one report × one rule that found something to check.

    Kept while the rule still holds (``investment.services.quality.judge`` deletes it otherwise): the
    reporter's 说明 makes it ``explained``, the office's 核实 ``accepted``. ``amount`` is the
    report's amount when the flag was last opened; a flag that still holds after the amount
    changed goes back to ``open`` (its earlier 说明 and note are kept for reading).
    """

    class Status(models.TextChoices):
        OPEN = "open", "待说明"
        EXPLAINED = "explained", "已说明待核实"
        ACCEPTED = "accepted", "已核实"

    # Not yet examined by the office: what 全部通过 leaves and the leaders' line counts.
    UNEXAMINED = (Status.OPEN, Status.EXPLAINED)

    report = models.ForeignKey(
        MonthlyReport, verbose_name="月度报表", on_delete=models.CASCADE, related_name="flags"
    )
    rule = models.CharField("规则", max_length=30, choices=QualityRule.Code)
    status = models.CharField("状态", max_length=20, choices=Status, default=Status.OPEN)
    message = models.TextField("提示")
    amount = money_field("判定时本月完成投资(万元)")
    explanation = models.TextField("填报单位说明", blank=True)
    explained_by = recorded_by("说明人")
    explained_at = models.DateTimeField("说明时间", null=True, blank=True)
    note = models.TextField("核实意见", blank=True)
    accepted_by = recorded_by("核实人")
    accepted_at = models.DateTimeField("核实时间", null=True, blank=True)
    created_at = models.DateTimeField("发现时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(verbose_name="数据质量提示变更记录")

    class Meta:
        ordering = ["report", "rule"]
        verbose_name = verbose_name_plural = "数据质量提示"
        constraints = [
            models.UniqueConstraint(fields=["report", "rule"], name="quality_flag_key"),
        ]
        indexes = [models.Index(fields=["status"], name="quality_flag_status")]

    def __str__(self) -> str:
        return f"{self.report} {self.get_rule_display()}"

    @property
    def owner_unit_id(self) -> int | None:
        return self.report.plan.project.unit_id

    @property
    def examined(self) -> bool:
        return self.status == self.Status.ACCEPTED


class DataVersion(models.Model):
    """One row whose ``token`` is drawn anew after every committed write a figure may read
    (`investment.selectors.figure_cache`): the figures kept in the cache are keyed on it. A token, not a
    counter: a database put back from an older copy never brings back a value some figure was
    kept under. Not backed up: a restore's own writes give it a new one."""

    token = models.CharField("数据版本", max_length=32)

    class Meta:
        verbose_name = verbose_name_plural = "数据版本"

    def __str__(self) -> str:
        return self.token
