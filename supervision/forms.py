from typing import Any, cast

from django import forms

from core.formatting import QUARTER_CHOICES
from core.params import version_field, year_field
from projects.forms import ChineseFormMixin, DateInput, MultipleFileField, UnitChoiceField
from projects.models import FactorCategory, Unit
from projects.widgets import (
    ProjectChecklist,
    ProjectChoiceField,
    ProjectMultipleChoiceField,
    ProjectSelect,
    pickable_projects,
)
from supervision.models import Finding, Inspection, Notice

DATE = DateInput()
# The version of the row the form showed: a form older than the row is refused.
VERSION = version_field()


class InspectionForm(ChineseFormMixin, forms.Form):
    version = VERSION
    title = forms.CharField(label="督查名称", max_length=200)
    inspected_on = forms.DateField(label="督查日期", widget=DATE)
    inspectors = forms.CharField(label="督查人员", max_length=200, required=False)
    projects = ProjectMultipleChoiceField(
        label="督查项目",
        queryset=pickable_projects(),
        required=False,
        widget=ProjectChecklist(),
        help_text="勾选本次督查的项目，可按单位或名称筛选",
    )
    notes = forms.CharField(
        label="督查情况", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class FindingForm(ChineseFormMixin, forms.Form):
    unit = UnitChoiceField(label="责任单位", queryset=Unit.objects.all())
    project = ProjectChoiceField(
        label="涉及项目",
        queryset=pickable_projects(),
        required=False,
        widget=ProjectSelect(unit_field="unit"),
        help_text="列表按责任单位筛选，也可选“全部单位的项目”",
    )
    inspection = forms.ModelChoiceField(
        label="所属督查", queryset=Inspection.objects.all(), required=False
    )
    description = forms.CharField(
        label="问题描述", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ChoiceField(
        label="问题类别", choices=FactorCategory.choices, initial=FactorCategory.OTHER
    )
    found_on = forms.DateField(label="发现日期", widget=DATE)
    clock = forms.ChoiceField(
        label="督办机制",
        choices=Finding.Clock.choices,
        required=False,
        help_text="13710：1天内交办、3天内反馈，一般问题7天、复杂问题30天或按时间表办结",
    )
    deadline = forms.DateField(
        label="整改时限",
        widget=DATE,
        required=False,
        help_text="一般问题和复杂问题按13710自动计算；其他情况必须填写",
    )


class FindingEditForm(ChineseFormMixin, forms.Form):
    version = VERSION
    project = FindingForm.base_fields["project"]
    description = FindingForm.base_fields["description"]
    category = FindingForm.base_fields["category"]
    deadline = FindingForm.base_fields["deadline"]


class AnswerForm(ChineseFormMixin, forms.Form):
    version = VERSION
    note = forms.CharField(
        label="整改措施或完成情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    # A declared field goes into base_fields, so `self.files` (the uploads) is not shadowed.
    files = MultipleFileField(  # type: ignore[assignment]
        label="佐证材料", required=False, help_text="PDF、JPG、PNG、DOCX、XLSX，可多选"
    )
    done = forms.BooleanField(label="整改已完成，申请销号", required=False)


class MoveForm(ChineseFormMixin, forms.Form):
    """The supervisor's 转交: another unit and why (before the unit has answered)."""

    version = VERSION
    unit = UnitChoiceField(label="转交给", queryset=Unit.objects.all())
    reason = forms.CharField(
        label="转交原因",
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "如：交办单位有误，该项目由××负责"}),
    )

    def __init__(self, *args: Any, finding: Finding | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if finding is not None:
            unit_field = cast(forms.ModelChoiceField, self.fields["unit"])
            unit_field.queryset = Unit.objects.exclude(pk=finding.unit_id)


class CloseForm(ChineseFormMixin, forms.Form):
    note = forms.CharField(
        label="验收意见",
        max_length=2000,
        required=False,
        error_messages={
            "max_length": "验收意见不能超过%(limit_value)d字（现有%(show_value)d字）。"
        },
    )


class SendBackForm(ChineseFormMixin, forms.Form):
    reason = forms.CharField(
        label="退回原因",
        max_length=2000,
        error_messages={
            "required": "请填写退回原因。",
            "max_length": "退回原因不能超过%(limit_value)d字（现有%(show_value)d字）。",
        },
    )


class NoticeForm(ChineseFormMixin, forms.Form):
    """The period of a notice: a month, a quarter (一季度…四季度) or the year; ``month`` in
    cleaned_data is always the period's last month. A blank title follows the period."""

    period = forms.ChoiceField(label="通报周期", choices=Notice.Period.choices)
    year = year_field()
    month = forms.TypedChoiceField(
        label="月份（月度通报）", coerce=int, choices=[(m, f"{m}月") for m in range(1, 13)]
    )
    quarter = forms.TypedChoiceField(
        label="季度（季度通报）", coerce=int, choices=QUARTER_CHOICES, required=False
    )
    title = forms.CharField(
        label="通报标题",
        max_length=200,
        required=False,
        help_text="留空则按所选周期生成，如“关于2026年1–10月全县重点项目建设情况的通报”",
    )
    opening = forms.CharField(
        label="通报正文", max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        period = data.get("period")
        if period == Notice.Period.QUARTER:
            if not data.get("quarter"):
                self.add_error("quarter", "季度通报请选择季度。")
            else:
                data["month"] = Notice.Period.QUARTER.last_month(
                    month=None, quarter=data["quarter"]
                )
        elif period == Notice.Period.YEAR:
            data["month"] = Notice.Period.YEAR.last_month(month=None)
        data.pop("quarter", None)
        return data
