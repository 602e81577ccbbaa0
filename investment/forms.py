from django import forms

from projects.amounts import amount_field
from projects.models import FactorCategory, PeriodKind


class PeriodForm(forms.Form):
    """The (year, month) a figures page shows."""

    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": "年度应为四位年份", "min_value": "年度不能早于2000年"},
    )
    month = forms.TypedChoiceField(
        label="截至月份",
        choices=[(m, f"{m}月") for m in range(1, 13)],
        coerce=int,
        error_messages={"invalid_choice": "月份应为1–12"},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @classmethod
    def from_query(cls, query, *, year: int, month: int) -> "PeriodForm":
        """Bound to the query when it names a period, else to the default one (other
        parameters, such as a page's filters, do not make a period missing)."""
        if "year" in query or "month" in query:
            return cls(query)
        return cls({"year": year, "month": month})


class ReportRowForm(forms.Form):
    """One project's line in a unit's monthly batch entry."""

    plan = forms.IntegerField(widget=forms.HiddenInput)
    # The version of the report the form showed (0: none yet), so a stale form is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    amount = amount_field("本月完成投资(万元)")
    progress = forms.CharField(
        label="形象进度", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "不超过2000字"},
    )  # fmt: skip
    problems = forms.CharField(
        label="存在问题", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "不超过2000字"},
    )  # fmt: skip
    problem_category = forms.ChoiceField(
        label="问题类别", required=False, choices=[("", "—"), *FactorCategory.choices]
    )


ReportFormSet = forms.formset_factory(ReportRowForm, extra=0)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回原因", max_length=2000, error_messages={"required": "请填写退回原因"}
    )


class BriefingForm(forms.Form):
    """Which briefing: a month, a quarter or the year."""

    kind = forms.ChoiceField(label="简报周期", choices=PeriodKind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    month = forms.TypedChoiceField(
        label="月份/季度末月",
        coerce=int,
        choices=[(m, f"{m}月") for m in range(1, 13)],
        help_text="季度简报取季度末月（3、6、9、12月），年度简报取12月",
    )
    next_steps = forms.CharField(
        label="下步工作打算",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        kind, month = data.get("kind"), data.get("month")
        if kind == PeriodKind.QUARTER and month and month % 3:
            self.add_error("month", "季度简报的月份应为3、6、9或12月。")
        if kind == PeriodKind.YEAR and month and month != 12:
            self.add_error("month", "年度简报的月份应为12月。")
        return data
