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
    spent_on = forms.DateField(
        label="支出日期",
        widget=DATE,
        error_messages={"required": "请填写支出日期", "invalid": "请按年-月-日填写支出日期"},
    )
    amount = amount("支出金额", required=True)
    note = forms.CharField(label="说明", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].error_messages["required"] = "请填写支出金额（万元）"


def days_field(label: str) -> forms.IntegerField:
    """A clock rule's days: said once, beside the box, in a clerk's words."""
    said = f"请填写0到{DAYS_MAX}之间的整数天数"
    return forms.IntegerField(
        label=label, min_value=0, max_value=DAYS_MAX, widget=forms.TextInput,
        error_messages=dict.fromkeys(("required", "invalid", "min_value", "max_value"), said),
    )  # fmt: skip


def share_field(label: str) -> forms.DecimalField:
    """A clock rule's edge in %: 0 to 100, at most one decimal (a share is shown cut to one
    decimal, `core.formatting.share_spent`, so it never reads across an edge)."""
    said = "请填写0到100之间的数字，最多一位小数（如30或30.5）"
    codes = ("required", "invalid", "min_value", "max_value", "max_digits",
             "max_decimal_places", "max_whole_digits")  # fmt: skip
    return forms.DecimalField(
        label=label, min_value=0, max_value=100, max_digits=4, decimal_places=1,
        widget=forms.TextInput,  # no browser bubble: the page's own words, beside the box
        error_messages=dict.fromkeys(codes, said),
    )  # fmt: skip


class ClockRuleForm(ChineseFormMixin, forms.Form):
    """One 资金类型's clock on 资金支出预警规则 (bonds.services.clock_rules_save checks the edges)."""

    fund_type = forms.ChoiceField(choices=FundType.choices, widget=forms.HiddenInput)
    version = version_field()
    yellow_days = days_field("黄灯天数")
    yellow_share = share_field("黄灯支出进度(%)")
    red_days = days_field("红灯天数")
    red_share = share_field("红灯支出进度(%)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("yellow_days", "red_days"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "class": "threshold"})
        for name in ("yellow_share", "red_share"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "class": "threshold"})


TYPES = len(FundType.values)
ClockRuleFormSet = forms.formset_factory(ClockRuleForm, extra=0, min_num=TYPES, max_num=TYPES)
