from collections.abc import Callable
from typing import Any

from django import forms
from django.utils import timezone

from core.amounts import amount_field
from core.params import version_field, whole_number, year_field
from projects.codes import project_code_problem
from projects.models import SORT_ORDER_MAX, AnnualPlan, Milestone, Project, Unit
from projects.rules import actual_date_problem, completion_date_problem
from projects.selectors import first_start, merged_into, merged_refusal
from projects.services import revisions

# The only format an <input type="date"> reads and sends. Django would otherwise render the
# zh-hans input format (2026/02/13), which Chromium shows as an empty field and sends back
# blank: saving the form unchanged would erase the date.
DATE_FORMAT = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """A browser date picker that shows the stored date and sends it back unchanged."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or DATE_FORMAT)


def _one_line_ending(to_python: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
    """Browsers send a textarea's line breaks as \r\n; keep the \n the row already holds, so a
    form saved unchanged changes nothing (and a limit counts a line break once)."""

    def convert(value: Any) -> str | None:
        value = to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value

    return convert


class ChineseFormMixin:
    """The base of every form: no colon after labels, and values that survive a round trip
    through the browser (date pickers in ISO format, one kind of line break)."""

    fields: dict[str, forms.Field]  # the form's, as the mixin comes first

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField) and type(field.widget) in (
                forms.DateInput,
                DateInput,
            ):
                field.widget.input_type = "date"
                field.widget.format = DATE_FORMAT
                field.widget.attrs.pop("type", None)
            elif isinstance(field, forms.CharField):
                field.to_python = _one_line_ending(field.to_python)  # type: ignore[method-assign,assignment]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by `core.uploads` before it is kept."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any | None = None) -> list[Any]:
        files = [item for item in data if item] if isinstance(data, list | tuple) else [data]
        files = [item for item in files if item]
        if not files and self.required:
            raise forms.ValidationError("请选择要上传的文件。", code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class UnitChoiceField(forms.ModelChoiceField):
    """A 责任单位 select. A unit merged away after the page was drawn is refused naming the unit
    its rows went into (`projects.selectors.merged_refusal`), not as an unknown choice."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            unit_id = whole_number(str(value), low=1)  # "²" passes isdigit(), int() refuses it
            if error.code == "invalid_choice" and unit_id is not None and merged_into(unit_id):
                raise forms.ValidationError(merged_refusal(unit_id), code="merged") from None
            raise


class ProjectForm(ChineseFormMixin, forms.ModelForm):
    total_investment = amount_field("总投资(万元)", required=True)

    class Meta:
        model = Project
        fields = [
            "code", "name", "unit", "industry", "total_investment", "planned_start",
            "planned_end", "actual_end", "signed_on", "production_on", "stage", "leader", "service_officer",
            "is_private", "content",
        ]  # fmt: skip
        widgets = {
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "actual_end": DateInput(),
            "signed_on": DateInput(),
            "production_on": DateInput(),
            "content": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"code": {"unique": "该项目代码已存在。"}}
        field_classes = {"unit": UnitChoiceField}

    # The version of the project the form showed: a form older than the project is refused.
    version = version_field()
    # 项目调整 (DESIGN.md §3 Overruns): asked of a listed project when its 总投资 or 计划竣工日期
    # changes; the page shows them only then (static/js/revision.js), the service insists.
    revision_reason = forms.CharField(
        label="调整原因",
        required=False,
        max_length=revisions.REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="项目已列入年度计划：调整总投资或计划竣工日期须说明原因（如概算调整批复），"
        "记入项目调整记录",
    )
    approval_number = forms.CharField(
        label="批复文号", required=False, max_length=revisions.APPROVAL_LIMIT
    )
    REVISION_FIELDS = ("revision_reason", "approval_number")
    # Dates of what has happened (三个一批's 签约, 投产): never after today. 实际竣工日期 besides
    # never before the project started (``completion_date_problem``).
    ACTUAL_DATES = {"signed_on": "签约日期", "production_on": "投产日期"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        if not revisions.is_listed(self.instance):
            for name in self.REVISION_FIELDS:
                del self.fields[name]

    @property
    def asks_revision(self) -> bool:
        return "revision_reason" in self.fields

    def revision_changes(self) -> list[revisions.Change]:
        """What the cleaned values would revise (the instance is still as stored here)."""
        data = self.cleaned_data
        values = {name: data.get(name) for name in revisions.REVISED_NAMES if name in data}
        return revisions.revision_changes(self.instance, values)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        problem = project_code_problem(code, today=timezone.localdate())
        if problem:
            raise forms.ValidationError(f"项目代码{problem}")
        return code

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", "计划竣工日期早于计划开工日期。")
        today = timezone.localdate()
        for name, label in self.ACTUAL_DATES.items():
            day = data.get(name)
            if day == getattr(self.instance, name):
                continue  # only a date being changed: one stored earlier never blocks the rest
            if problem := actual_date_problem(label, day, today=today):
                self.add_error(name, f"{problem}。")
        end = data.get("actual_end")
        if end != self.instance.actual_end:
            first = first_start(self.instance) if self.instance.pk else None
            if problem := completion_date_problem(end, first, today=today):
                self.add_error("actual_end", f"{problem}。")
        if self.asks_revision and not (data.get("revision_reason") or "").strip():
            changes = self.revision_changes()
            if changes:
                self.add_error("revision_reason", revisions.reason_refusal(self.instance, changes))
        return data


class PlanForm(ChineseFormMixin, forms.ModelForm):
    year = year_field()
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

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.project = project

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        plans = AnnualPlan.objects.filter(project=self.instance.project, year=year)
        if plans.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("该项目已列入这一年度的计划。")
        return year


class MilestoneForm(ChineseFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "kind", "planned_date", "actual_date", "unit"]
        widgets = {
            "planned_date": DateInput(),
            "actual_date": DateInput(),
        }
        field_classes = {"unit": UnitChoiceField}

    # The version of the milestone an edit form showed: an older form is refused.
    version = version_field()

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.project = project
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if self.instance.project.milestones.filter(name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("该项目已有同名节点。")
        return name


class ChainForm(ChineseFormMixin, forms.Form):
    first_date = forms.DateField(
        label="立项计划日期", widget=DateInput(),
        help_text="其余前期手续按每20天一项排定计划日期，可逐项修改",
    )  # fmt: skip


class DoneForm(ChineseFormMixin, forms.Form):
    actual_date = forms.DateField(label="实际完成日期", required=False, widget=DateInput())
    version = version_field()


class UnitForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=Unit.Kind.choices)
    sort_order = forms.IntegerField(
        label="排序",
        min_value=0,
        max_value=SORT_ORDER_MAX,
        error_messages={
            "invalid": f"排序应为0–{SORT_ORDER_MAX}之间的整数",
            "min_value": f"排序应为0–{SORT_ORDER_MAX}之间的整数",
            "max_value": f"排序应为0–{SORT_ORDER_MAX}之间的整数",
        },
        initial=0,
        help_text="数字小的排在前面（下拉列表、单位名单）；各单位按10、20、30…编号，插入时取中间数，如15",
    )
    # The version of the unit the form showed: a form older than the unit is refused.
    version = version_field()
