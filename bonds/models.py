"""Fund applications (资金申报): requested → approved → allocated → spent."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.models import StoredFile, Versioned, money_field
from projects.models import Project, recorded_by


class FundType(models.TextChoices):
    SPECIAL_BOND = "special_bond", "专项债券"
    CENTRAL_BUDGET = "central_budget", "中央预算内投资"
    PROVINCIAL_BUDGET = "provincial_budget", "省预算内投资"
    GENERAL_BOND = "general_bond", "一般债券"
    POLICY_FINANCE = "policy_finance", "政策性开发性金融工具"
    LOAN = "loan", "中长期贷款"


class FundStatus(models.TextChoices):
    RESERVE = "reserve", "储备"
    APPLIED = "applied", "已申报"
    APPROVED = "approved", "已批复"
    ALLOCATED = "allocated", "已下达"
    SPENT = "spent", "已支出"
    REJECTED = "rejected", "未获批"


class FundApplication(Versioned):
    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="fund_applications"
    )
    fund_type = models.CharField("资金类型", max_length=30, choices=FundType)
    year = models.PositiveSmallIntegerField("年度")
    batch = models.CharField("批次", max_length=50, blank=True)
    requested = money_field("申报金额(万元)")
    approved = money_field("批复金额(万元)", null=True, blank=True)
    allocated = money_field("下达金额(万元)", null=True, blank=True)
    spent = money_field("支出金额(万元)", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=FundStatus)
    applied_on = models.DateField("申报日期", null=True, blank=True)
    approved_on = models.DateField("批复日期", null=True, blank=True)
    allocated_on = models.DateField("下达日期", null=True, blank=True)
    spent_on = models.DateField("支出截至日期", null=True, blank=True)
    note = models.TextField("备注", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = recorded_by("经办人")

    history = HistoricalRecords(verbose_name="资金申报变更记录")

    class Meta:
        ordering = ["year", "project__code", "fund_type", "batch"]
        verbose_name = verbose_name_plural = "资金申报"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "fund_type", "year", "batch"], name="fund_unique_key"
            ),
            models.CheckConstraint(
                condition=Q(requested__gte=0)
                & (Q(approved__isnull=True) | Q(approved__gte=0))
                & (Q(allocated__isnull=True) | Q(allocated__gte=0))
                & (Q(spent__isnull=True) | Q(spent__gte=0)),
                name="fund_amounts_gte_0",
            ),
            # bonds/rules.py amount_problems: each step at most the nearest earlier one filled in.
            models.CheckConstraint(
                condition=Q(approved__isnull=True) | Q(approved__lte=F("requested")),
                name="fund_approved_lte_requested",
            ),
            models.CheckConstraint(
                condition=Q(allocated__isnull=True)
                | Q(approved__isnull=False, allocated__lte=F("approved"))
                | Q(approved__isnull=True, allocated__lte=F("requested")),
                name="fund_allocated_lte_approved",
            ),
            models.CheckConstraint(
                condition=Q(spent__isnull=True)
                | Q(allocated__isnull=False, spent__lte=F("allocated"))
                | Q(allocated__isnull=True, approved__isnull=False, spent__lte=F("approved"))
                | Q(allocated__isnull=True, approved__isnull=True, spent__lte=F("requested")),
                name="fund_spent_lte_allocated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_fund_type_display()} {self.year}"

    @property
    def owner_unit_id(self) -> int | None:
        """The unit whose fund application this is (`core.capabilities` scopes by it)."""
        return self.project.unit_id


class FundAttachment(StoredFile):
    """A document behind an application: the request, the approval, the allocation notice."""

    application = models.ForeignKey(
        FundApplication, verbose_name="资金申报", on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField("文件", upload_to="fund-files/%Y/%m/")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = recorded_by("上传人")

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = verbose_name_plural = "资金申报附件"


class FundSpending(Versioned):
    """One 支出 entry of an application: the day the money was paid out and how much.

    The application's 支出金额 is the sum of its entries and its 支出截至日期 the latest entry's
    day (`bonds.services.spending.spending_sync`, the one place that writes them), so the
    share spent at any period end is the sum of the entries dated on or before it
    (`bonds.rules.clock`). Key: (application, pk)."""

    class Kind(models.TextChoices):
        ENTRY = "entry", "支出登记"
        ADJUSTMENT = "adjustment", "按合计调整"

    application = models.ForeignKey(
        FundApplication, verbose_name="资金申报", on_delete=models.CASCADE, related_name="spendings"
    )
    spent_on = models.DateField("支出日期")
    amount = money_field("支出金额(万元)")
    kind = models.CharField("类型", max_length=20, choices=Kind, default=Kind.ENTRY)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    recorded_by = recorded_by("登记人")

    history = HistoricalRecords(verbose_name="资金支出明细变更记录")

    class Meta:
        ordering = ["application", "spent_on", "pk"]
        verbose_name = verbose_name_plural = "资金支出明细"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_spending_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.application} 支出 {self.spent_on}"

    @property
    def owner_unit_id(self) -> int | None:
        return self.application.project.unit_id


class FundClockRule(Versioned):
    """资金支出预警规则: one 资金类型's clock for one year (DESIGN.md §3, fund clocks).

    An application of that year and type with money 下达 is yellow when, ``yellow_days`` or
    more days after its 下达日期, less than ``yellow_share`` % is spent, and red likewise with
    ``red_days`` and ``red_share`` (`bonds.rules.clock_level`). A year without a saved row
    uses ``DEFAULTS`` (`for_year`). Key: (year, fund_type)."""

    year = models.PositiveSmallIntegerField("年度")
    fund_type = models.CharField("资金类型", max_length=30, choices=FundType)
    yellow_days = models.PositiveSmallIntegerField("黄灯天数")
    yellow_share = models.DecimalField("黄灯支出进度(%)", max_digits=5, decimal_places=2)
    red_days = models.PositiveSmallIntegerField("红灯天数")
    red_share = models.DecimalField("红灯支出进度(%)", max_digits=5, decimal_places=2)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = recorded_by("修改人")

    history = HistoricalRecords(verbose_name="资金支出预警规则变更记录")

    # DESIGN.md §3: 专项债券 yellow < 30 % at 90 days, red < 60 % at 180; others 180 / 270.
    DEFAULTS = {FundType.SPECIAL_BOND: (90, 30, 180, 60)}
    OTHERS = (180, 30, 270, 60)

    class Meta:
        ordering = ["year", "fund_type"]
        verbose_name = verbose_name_plural = "资金支出预警规则"
        constraints = [
            models.UniqueConstraint(fields=["year", "fund_type"], name="fund_clock_rule_key"),
            models.CheckConstraint(
                condition=Q(yellow_days__lte=F("red_days"))
                & Q(yellow_share__gte=0)
                & Q(red_share__lte=100),
                name="fund_clock_rule_edges",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_fund_type_display()}资金支出预警规则"

    @classmethod
    def default(cls, year: int, fund_type: str) -> "FundClockRule":
        yellow_days, yellow_share, red_days, red_share = cls.DEFAULTS.get(
            FundType(fund_type), cls.OTHERS
        )
        return cls(
            year=year,
            fund_type=fund_type,
            yellow_days=yellow_days,
            yellow_share=Decimal(yellow_share),
            red_days=red_days,
            red_share=Decimal(red_share),
        )

    @classmethod
    def for_year(cls, year: int) -> "dict[str, FundClockRule]":
        """{资金类型: rule} of ``year`` in FundType's order, defaults for the unsaved. One query."""
        saved = {rule.fund_type: rule for rule in cls.objects.filter(year=year)}
        return {t: saved.get(t) or cls.default(year, t) for t in FundType.values}
