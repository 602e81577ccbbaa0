from django import forms

from projects.amounts import amount_field
from projects.formatting import QUARTER_CHOICES
from projects.forms import ChineseFormMixin
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


class ReportRowForm(ChineseFormMixin, forms.Form):
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
    # 本月无变化: keep last month's 形象进度 and 存在问题 (the amount is still entered).
    unchanged = forms.BooleanField(label="本月无变化", required=False)
    # Photos come as the files of "<prefix>-photos" (several at once), read by the view.


ReportFormSet = forms.formset_factory(ReportRowForm, extra=0)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回原因", max_length=2000, error_messages={"required": "请填写退回原因"}
    )


class BriefingForm(ChineseFormMixin, forms.Form):
    """Which briefing: a month, a quarter (一季度 … 四季度) or the year (and the office's
    下步工作打算 for it). ``cleaned_data["month"]`` is the month the figures run through:
    the month, the quarter's last month, or December."""

    kind = forms.ChoiceField(label="简报周期", choices=PeriodKind.choices)
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": "年度应为四位年份", "min_value": "年度不能早于2000年"},
    )
    month = forms.TypedChoiceField(
        label="月份",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[(m, f"{m}月") for m in range(1, 13)],
        help_text="月度简报",
        error_messages={"invalid_choice": "月份应为1–12"},
    )
    quarter = forms.TypedChoiceField(
        label="季度",
        coerce=int,
        required=False,
        empty_value=None,
        choices=QUARTER_CHOICES,
        help_text="季度简报",
        error_messages={"invalid_choice": "请选择一季度至四季度"},
    )
    next_steps = forms.CharField(
        label="下步工作打算",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    # The version of the note the form showed (0: none yet): an older form is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        kind, month, quarter = data.get("kind"), data.get("month"), data.get("quarter")
        if kind == PeriodKind.QUARTER:
            if quarter is None and month and month % 3 == 0:
                quarter = data["quarter"] = month // 3  # a link naming the quarter's last month
            if quarter is None:
                self.add_error("quarter", "请选择季度。")
            else:
                data["month"] = 3 * quarter
        elif kind == PeriodKind.YEAR:
            data["month"], data["quarter"] = 12, 4
        elif kind == PeriodKind.MONTH and month is None:
            self.add_error("month", "请选择月份。")
        return data
