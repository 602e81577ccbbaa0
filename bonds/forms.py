from typing import Any

from django import forms

from bonds.models import FundApplication, FundStatus, FundType
from bonds.rules import DAYS_MAX, LIFECYCLE, derived_status, status_choice
from core.amounts import amount_field
from core.params import INT_MAX, version_field, year_field
from projects.forms import ChineseFormMixin, DateInput, MultipleFileField
from projects.widgets import ProjectChoiceField, ProjectSelect, pickable_projects

DATE = DateInput()


def amount(label: str, required: bool = False) -> forms.DecimalField:
    return amount_field(f"{label}(万元)", required=required)


class FundForm(ChineseFormMixin, forms.Form):
    """The fields of a fund application; the lifecycle rules are checked by the service."""

    # The version of the application the form showed: a form older than the row is refused.
    version = version_field()

    project = ProjectChoiceField(label="项目", queryset=pickable_projects(), widget=ProjectSelect())
    fund_type = forms.ChoiceField(label="资金类型", choices=FundType.choices)
    year = year_field()
    batch = forms.CharField(label="批次", max_length=50, required=False)
    requested = amount("申报金额", required=True)
    applied_on = forms.DateField(label="申报日期", required=False, widget=DATE)
    approved = amount("批复金额")
    approved_on = forms.DateField(label="批复日期", required=False, widget=DATE)
    allocated = amount("下达金额")
    allocated_on = forms.DateField(label="下达日期", required=False, widget=DATE)
    spent = amount("支出金额")
    spent_on = forms.DateField(label="支出截至日期", required=False, widget=DATE)
    status = forms.ChoiceField(
        label="状态",
        choices=[("", "按已填金额自动判断"), *FundStatus.choices],
        required=False,
        help_text="自动判断时，状态随批复、下达、支出金额变化；选定某一状态则保持所选",
    )
    note = forms.CharField(
        label="备注", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, application: FundApplication | None = None, **kwargs: Any
    ) -> None:
        """An edit form shows 按已填金额自动判断 when the stored status follows the amounts,
        else the status a person chose, saying what the amounts would give."""
        super().__init__(*args, **kwargs)
        if application is None:
            return
        amounts = {field: getattr(application, field) for field, _ in LIFECYCLE}
        choice = status_choice(application.status, amounts)
        self.initial["status"] = choice
        if choice:
            derived = FundStatus(derived_status(amounts)).label
            self.fields["status"].help_text = (
                f"此状态为人工选定，不随金额变化；按已填金额应为“{derived}”，"
                "如需随金额变化请选“按已填金额自动判断”"
            )


class AttachmentForm(ChineseFormMixin, forms.Form):
    # A declared field goes into base_fields, so `self.files` (the uploads) is not shadowed.
    files = MultipleFileField(  # type: ignore[assignment]
        label="附件", help_text="PDF、JPG、PNG、DOCX、XLSX，可多选"
    )


PAGE_INCOMPLETE = "提交的页面不完整或已过期（缺少版本信息），未保存；请刷新页面后重新填写。"


class SpendingForm(ChineseFormMixin, forms.Form):
    """One 支出 entry; ``version`` is the application's as the page showed it, always sent by
    the page (a POST without it would skip the check that stops a payment entered twice)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=INT_MAX,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"), PAGE_INCOMPLETE
        ),
    )
    spent_on = forms.DateField(label="支出日期", widget=DATE)
    amount = amount("支出金额", required=True)
    note = forms.CharField(label="说明", required=False, max_length=200)


class ClockRuleForm(ChineseFormMixin, forms.Form):
    """One 资金类型's clock on 资金支出预警规则 (bonds.services.clock_rules_save checks the edges)."""

    fund_type = forms.ChoiceField(choices=FundType.choices, widget=forms.HiddenInput)
    version = version_field()
    yellow_days = forms.IntegerField(label="黄灯天数", min_value=0, max_value=DAYS_MAX)
    yellow_share = forms.DecimalField(label="黄灯支出进度(%)", max_digits=6, decimal_places=2)
    red_days = forms.IntegerField(label="红灯天数", min_value=0, max_value=DAYS_MAX)
    red_share = forms.DecimalField(label="红灯支出进度(%)", max_digits=6, decimal_places=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("yellow_days", "red_days"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "class": "threshold"})
        for name in ("yellow_share", "red_share"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "class": "threshold"})


TYPES = len(FundType.values)
ClockRuleFormSet = forms.formset_factory(ClockRuleForm, extra=0, min_num=TYPES, max_num=TYPES)
