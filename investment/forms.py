from django import forms

from core.amounts import amount_field
from core.formatting import QUARTER_CHOICES
from core.models import PeriodKind
from core.params import INT_MAX, version_field, year_field
from investment.services.year_settings import FIELDS, LIST_SIZE_LIMIT, WEIGHTS, settings_problems
from projects.forms import ChineseFormMixin
from projects.models import FactorCategory


class PeriodForm(forms.Form):
    """The (year, month) a figures page shows."""

    year = year_field()
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

    plan = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=INT_MAX)
    # The version of the report the form showed (0: none yet), so a stale form is refused.
    version = version_field()
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
    year = year_field()
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
    version = version_field()

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


def _whole_number(label: str, low: int, high: int, **attrs: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        error_messages={
            "required": f"请填写{label}",
            "invalid": f"{label}应为整数",
            "min_value": f"{label}不能小于{low}",
            "max_value": f"{label}不能大于{high}",
        },
        widget=forms.NumberInput(attrs={"step": 1, **attrs}),
    )


WEIGHT = {"data-weight": "1"}  # summed on the page by static/js/year-settings.js


class YearSettingsForm(ChineseFormMixin, forms.Form):
    """年度设置: the due day, the 报送开始日, the five weights and the 红黑榜 size of one year (the rules that
    tie them together, such as the weights' sum, are `investment.services.year_settings`')."""

    year = year_field(widget=forms.HiddenInput)
    # The version of the row the form showed (0: nothing saved, the defaults), so a stale
    # form is refused.
    version = version_field()
    due_day = _whole_number("报送截止日", 1, 28)
    submit_start_day = _whole_number("报送开始日", 1, 28)
    weight_investment = _whole_number("I1 投资完成权重", 0, 100, **WEIGHT)
    weight_start = _whole_number("I2 开复工权重", 0, 100, **WEIGHT)
    weight_milestones = _whole_number("I3 节点按期完成权重", 0, 100, **WEIGHT)
    weight_findings = _whole_number("I4 问题按期整改权重", 0, 100, **WEIGHT)
    weight_reporting = _whole_number("I5 按时报送权重", 0, 100, **WEIGHT)
    list_size = _whole_number("红黑榜各列单位数", 1, LIST_SIZE_LIMIT)

    def clean(self):
        data = super().clean() or {}
        if all(data.get(name) is not None for name in FIELDS):
            for problem in settings_problems({name: data[name] for name in FIELDS}):
                self.add_error(None, problem)
        return data

    def weight_sum(self) -> int | str:
        """The sum of the weights as shown (typed, or the initial values), "—" when one is not
        a number; the page's script keeps it up to date as the office types."""
        total = 0
        for name in WEIGHTS:
            value = self[name].value()
            try:
                total += int(value)
            except (TypeError, ValueError):
                return "—"
        return total

    def values(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in FIELDS}
