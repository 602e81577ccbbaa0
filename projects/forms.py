from django import forms
from django.utils import timezone

from projects.amounts import amount_field
from projects.codes import project_code_problem
from projects.models import AnnualPlan, Milestone, Project


class ChineseFormMixin:
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by `projects.uploads` before it is kept."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [item for item in data if item] if isinstance(data, list | tuple) else [data]
        files = [item for item in files if item]
        if not files and self.required:
            raise forms.ValidationError("请选择要上传的文件。", code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ProjectForm(ChineseFormMixin, forms.ModelForm):
    total_investment = amount_field("总投资(万元)", required=True)

    class Meta:
        model = Project
        fields = [
            "code", "name", "unit", "industry", "total_investment", "planned_start",
            "planned_end", "actual_end", "stage", "leader", "service_officer", "is_private", "content",
        ]  # fmt: skip
        widgets = {
            "planned_start": forms.DateInput(attrs={"type": "date"}),
            "planned_end": forms.DateInput(attrs={"type": "date"}),
            "actual_end": forms.DateInput(attrs={"type": "date"}),
            "content": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"code": {"unique": "该项目代码已存在。"}}

    # The version of the project the form showed: a form older than the project is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        problem = project_code_problem(code, today=timezone.localdate())
        if problem:
            raise forms.ValidationError(f"项目代码{problem}")
        return code

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", "计划竣工日期早于计划开工日期。")
        return data


class PlanForm(ChineseFormMixin, forms.ModelForm):
    planned_investment = amount_field("年度计划投资(万元)", required=True)

    class Meta:
        model = AnnualPlan
        fields = [
            "year",
            "level",
            "nature",
            "planned_investment",
            "actual_start",
            "statistics_date",
        ]
        widgets = {
            "actual_start": forms.DateInput(attrs={"type": "date"}),
            "statistics_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError("年度应为2000–2100之间的四位年份。")
        plans = AnnualPlan.objects.filter(project=self.instance.project, year=year)
        if plans.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("该项目已列入这一年度的计划。")
        return year


class ReplaceForm(ChineseFormMixin, forms.Form):
    replacement = forms.ModelChoiceField(
        label="替换为", queryset=Project.objects.exclude(stage="replaced"), empty_label="请选择项目"
    )


class MilestoneForm(ChineseFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "kind", "planned_date", "actual_date", "unit"]
        widgets = {
            "planned_date": forms.DateInput(attrs={"type": "date"}),
            "actual_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if self.instance.project.milestones.filter(name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("该项目已有同名节点。")
        return name


class ChainForm(ChineseFormMixin, forms.Form):
    first_date = forms.DateField(
        label="立项计划日期", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="其余前期手续按每20天一项排定计划日期，可逐项修改",
    )  # fmt: skip


class DoneForm(ChineseFormMixin, forms.Form):
    actual_date = forms.DateField(
        label="实际完成日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
