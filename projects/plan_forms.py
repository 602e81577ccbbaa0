"""Forms for a 年度计划 row's edit and for 替换.

Kept apart from `projects.forms` (the project and milestone forms) so the plan rules and their
forms read together; the shared base (`ChineseFormMixin`: ISO date pickers, one kind of line
break) comes from there.
"""

from typing import Any

from django import forms

from core.amounts import amount_field
from core.params import version_field
from projects.forms import ChineseFormMixin
from projects.models import AnnualPlan, Project, Stage
from projects.widgets import ProjectChoiceField, ProjectSelect, pickable_projects


class PlanEditForm(ChineseFormMixin, forms.ModelForm):
    """A plan row's fields, narrowed to those the user may change
    (`projects.services.register.plan_fields_for`); the view hands the result to `plan_update`."""

    planned_investment = amount_field("年度计划投资(万元)", required=True)
    # The version of the row the form showed: a form older than the row is refused.
    version = version_field()

    class Meta:
        model = AnnualPlan
        fields = ["level", "nature", "planned_investment", "actual_start", "statistics_date"]
        widgets = {
            "actual_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "statistics_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "actual_start": "新建项目填开工日期，续建项目填本年复工日期；不晚于今天",
            "statistics_date": "项目入统（纳入固定资产投资统计）的日期",
        }

    def __init__(self, *args: Any, editable: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in (*editable, "version"):
                del self.fields[name]
        self.fields["version"].initial = self.instance.version
        amount = self.initial.get("planned_investment")
        if amount is not None:  # 450.5, not 450.5000: what the office typed
            self.initial["planned_investment"] = format(amount.normalize(), "f")

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}


class ReplaceForm(ChineseFormMixin, forms.Form):
    """替换: which project takes the place, and on which year's list (the years the project's
    rows are not yet replaced, latest first)."""

    replacement = ProjectChoiceField(
        label="替换为",
        queryset=pickable_projects().exclude(stage=Stage.REPLACED),
        empty_label="请选择项目",
        widget=ProjectSelect(),
    )
    year = forms.TypedChoiceField(label="替换的年度计划", coerce=int)
    reason = forms.CharField(
        label="替换原因",
        max_length=500,
        required=False,  # the service refuses a started project's 替换 without it, saying why
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="该项目已开工：替换只用于无法开工的项目，确需替换请说明原因（记入变更记录）",
    )

    def __init__(
        self,
        *args: Any,
        project: Project,
        years: list[int],
        started: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if started is None:
            del self.fields["reason"]  # asked only of a project that has started
        else:
            self.fields[
                "reason"
            ].help_text = (
                f"该项目{started}：替换只用于无法开工的项目，确需替换请说明原因（记入变更记录）"
            )
        # The stubs type self.fields as plain Fields.
        replacement: Any = self.fields["replacement"]
        replacement.queryset = replacement.queryset.exclude(pk=project.pk)
        if years:
            year_field: Any = self.fields["year"]
            year_field.choices = [(year, f"{year}年") for year in years]
            self.fields["year"].initial = years[0]
            self.fields[
                "year"
            ].help_text = "原项目这一年的计划行不再计入当年任何数字（仍可查看）；替换项目以原计划投资列入当年计划"
        else:
            del self.fields["year"]
