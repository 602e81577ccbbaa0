"""招商引资's forms: a record, and the period its figures are asked for."""

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet

from core.formatting import QUARTER_CHOICES
from core.params import version_field, year_field
from projects.forms import ChineseFormMixin, DateInput, UnitChoiceField
from projects.models import Project, Unit
from projects.widgets import ProjectChecklist, ProjectMultipleChoiceField
from promotion.models import BATCHES_MAX, PEOPLE_MAX, Kind, Lead
from promotion.rules import Span, period_span, span_label, span_problem

DATE = DateInput()
RECEPTION_ONLY = "接待的外地客商"
# 批次 and 人数: shown while 接待客商 is chosen (static/js/shown-when.js); a visit keeps neither
# (promotion.rules.activity_problems refuses them)
RECEPTION = forms.NumberInput(attrs={"data-shown-when": f"kind={Kind.RECEPTION}"})


def shown_for(*kinds: str) -> dict[str, str]:
    """A period box shown only for these kinds of period (static/js/shown-when.js)."""
    return {"data-shown-when": "kind=" + ",".join(kinds)}


class ActivityForm(ChineseFormMixin, forms.Form):
    """The fields of a record; the rules are checked by the service (`promotion.rules`)."""

    # The version of the record the form showed: a form older than the row is refused.
    version = version_field()

    held_on = forms.DateField(label="日期", widget=DATE)
    kind = forms.ChoiceField(label="类型", choices=Kind.choices, widget=forms.RadioSelect)
    led_by = forms.ChoiceField(label="牵头", choices=Lead.choices, widget=forms.RadioSelect)
    leader = forms.CharField(
        label="带队领导",
        max_length=100,
        required=False,
        help_text="县级领导带队时必填：带队领导的姓名或职务",
    )
    unit = UnitChoiceField(label="单位", queryset=Unit.objects.all())
    counterpart = forms.CharField(label="客商/企业", max_length=200)
    place = forms.CharField(label="地点", max_length=200, required=False)
    batches = forms.IntegerField(
        label="批次",
        required=False,
        min_value=1,
        max_value=BATCHES_MAX,
        help_text=RECEPTION_ONLY,
        widget=RECEPTION,
    )
    people = forms.IntegerField(
        label="人数",
        required=False,
        min_value=1,
        max_value=PEOPLE_MAX,
        help_text=RECEPTION_ONLY,
        widget=RECEPTION,
    )
    outcome = forms.CharField(
        label="成效",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="洽谈内容、达成的意向、签约情况",
    )
    projects = ProjectMultipleChoiceField(
        label="签约项目",
        queryset=Project.objects.none(),
        required=False,
        widget=ProjectChecklist(),
        help_text="由本次活动签约落地的项目，可按名称筛选",
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Unit],
        projects: QuerySet[Project],
        **kwargs: Any,
    ) -> None:
        """``units`` and ``projects``: what the person may pick (a reporter: their unit's)."""
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        project_field = self.fields["projects"]
        assert isinstance(unit_field, UnitChoiceField)
        assert isinstance(project_field, ProjectMultipleChoiceField)
        unit_field.queryset = units
        project_field.queryset = projects.select_related("unit").order_by("code")
        if units.count() == 1:
            unit_field.empty_label = None


class FiguresForm(ChineseFormMixin, forms.Form):
    """``?kind=&year=&month=&quarter=`` or ``?kind=range&start=&end=``."""

    kind = forms.ChoiceField(label="统计周期", choices=Span.CHOICES, required=False)
    year = year_field(
        required=False,
        widget=forms.NumberInput(attrs=shown_for(Span.MONTH, Span.QUARTER, Span.YEAR)),
    )
    month = forms.TypedChoiceField(
        label="月份",
        choices=[(m, f"{m}月") for m in range(1, 13)],
        coerce=int,
        required=False,
        widget=forms.Select(attrs=shown_for(Span.MONTH)),
    )
    quarter = forms.TypedChoiceField(
        label="季度",
        choices=QUARTER_CHOICES,
        coerce=int,
        required=False,
        widget=forms.Select(attrs=shown_for(Span.QUARTER)),
    )
    start = forms.DateField(
        label="开始日期", required=False, widget=DateInput(attrs=shown_for(Span.RANGE))
    )
    end = forms.DateField(
        label="结束日期", required=False, widget=DateInput(attrs=shown_for(Span.RANGE))
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind") or Span.YEAR
        data["kind"] = kind
        if kind == Span.RANGE:
            if data.get("start") is None or data.get("end") is None:
                raise forms.ValidationError("自定义日期请填写开始日期和结束日期。")
            if problem := span_problem(data["start"], data["end"]):
                raise forms.ValidationError(f"{problem}。")
        elif kind == Span.MONTH and data.get("month") in (None, ""):
            self.add_error("month", "月度统计请选择月份。")
        elif kind == Span.QUARTER and data.get("quarter") in (None, ""):
            self.add_error("quarter", "季度统计请选择季度。")
        return data

    def span(self, due: tuple[int, int]) -> tuple[str, date, date, str]:
        """The period asked for (the form being valid), else the month that is due (``due``,
        (year, month), as every figures page opens): its kind, first and last day, and name."""
        year, month = due
        unasked = {"kind": Span.MONTH, "year": year, "month": month}
        data: dict[str, Any] = self.cleaned_data if self.is_valid() else unasked
        if data["kind"] == Span.RANGE:
            start, end = data["start"], data["end"]
        else:
            start, end = period_span(
                data["kind"],
                data.get("year") or year,
                month=data.get("month") or None,
                quarter=data.get("quarter") or None,
            )
        return data["kind"], start, end, span_label(start, end)
