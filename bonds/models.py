"""Fund applications (资金申报): requested → approved → allocated → spent."""

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
