from django import forms

from bonds.models import FundStatus, FundType
from projects.amounts import amount_field
from projects.forms import ChineseFormMixin, DateInput, MultipleFileField
from projects.models import Project

DATE = DateInput()


def amount(label: str, required: bool = False) -> forms.DecimalField:
    return amount_field(f"{label}(万元)", required=required)


class FundForm(ChineseFormMixin, forms.Form):
    """The fields of a fund application; the lifecycle rules are checked by the service."""

    # The version of the application the form showed: a form older than the row is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    project = forms.ModelChoiceField(
        label="项目", queryset=Project.objects.select_related("unit").order_by("code")
    )
    fund_type = forms.ChoiceField(label="资金类型", choices=FundType.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
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
    )
    note = forms.CharField(
        label="备注", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttachmentForm(ChineseFormMixin, forms.Form):
    # A declared field goes into base_fields, so `self.files` (the uploads) is not shadowed.
    files = MultipleFileField(  # type: ignore[assignment]
        label="附件", help_text="PDF、JPG、PNG、DOCX、XLSX，可多选"
    )
