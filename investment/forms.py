from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone

from core.amounts import amount_field
from core.capabilities import own_unit
from core.formatting import QUARTER_CHOICES
from core.http import AuthenticatedRequest
from core.models import PeriodKind
from core.params import INT_MAX, given, id_param, note_bad, version_field, year_field
from core.rule_pages import shown_year
from investment import rules
from investment.models import MonthlyReport, QualityRule, WarningRule
from investment.rules.indicators import INDICATORS, WEIGHTS
from investment.rules.periods import Period
from investment.rules.year_settings import FIELDS, LIST_SIZE_LIMIT, settings_problems
from projects.forms import ChineseFormMixin
from projects.models import FactorCategory, Unit


class PeriodForm(forms.Form):
    """The (year, month) a figures page shows."""

    year = year_field()
    month = forms.TypedChoiceField(
        label="截至月份",
        choices=[(m, f"{m}月") for m in range(1, 13)],
        coerce=int,
        error_messages={"invalid_choice": "月份应为1–12"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @classmethod
    def from_query(cls, query: QueryDict, *, year: int, month: int) -> "PeriodForm":
        """Bound to the query when it names a period, else to the default one (other
        parameters, such as a page's filters, do not make a period missing)."""
        if "year" in query or "month" in query:
            return cls(query)
        return cls({"year": year, "month": month})


def asked_period(
    request: HttpRequest, *, kind: str = PeriodKind.MONTH
) -> tuple[PeriodForm, Period]:
    """The period a figures page shows, built once for the request: ``?year=&month=`` when
    they name one, else the period of ``kind`` that is due (DESIGN.md §3).

    A quarter is the one the month shown is in, but never one not yet due (10月 on 2 December,
    October being due: the fourth quarter is not, so the third); a year not over yet runs
    through its month that is due (年度（截至10月）)."""
    due = Period.due_on(timezone.localdate(), kind)
    form = PeriodForm.from_query(request.GET, year=due.year, month=due.month)
    if not form.is_valid():
        return form, due
    year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    latest = due.due()  # the month that is due
    if kind == PeriodKind.QUARTER:
        month = rules.quarter_end_month((month + 2) // 3)
        if (year, month) > (latest.year, latest.month):
            return form, due
    elif kind == PeriodKind.YEAR:
        over = (year, 12) <= (latest.year, latest.month)
        month = latest.month if year == latest.year and not over else 12
    return form, due.at(year, month, kind)


def settings_year(request: HttpRequest, query: QueryDict, *, due: Period) -> int:
    """The year 年度设置, 预警规则 and 数据质量规则 show: ``query``'s ``year`` (the address's or
    the posted one), else the year of the period that is due (``due``), so the three tabs of
    one menu open at the same year, in January too (`core.rule_pages.shown_year`)."""
    return shown_year(request, query, default=due.year)


def unit_asked(request: AuthenticatedRequest) -> Unit | None:
    """A reporter reports for their own unit; the office may pick any unit."""
    if own_unit(request.user) is not None:
        return request.user.unit
    query = request.GET if given(request.GET, "unit") else request.POST
    unit_id = id_param(query, "unit")
    note_bad(request, "unit", unit_id, label="所选单位", instead="请重新选择单位", query=query)
    return Unit.objects.filter(pk=unit_id).first() if unit_id is not None else None


def review_url(
    posted: QueryDict, year: int, month: int, unit_id: int | None, *, anchor: str = ""
) -> str:
    """The review page as the posted form says it was filtered, at the unit the action was
    taken on (or at ``anchor``, e.g. the report's row)."""
    query: dict[str, str | int] = {}
    shown_unit = id_param(posted, "shown_unit")
    shown_status = posted.get("shown_status", "")
    if shown_unit is not None:
        query["unit"] = shown_unit
    if shown_status in MonthlyReport.Status.values or shown_status == "all":
        query["status"] = shown_status
    if unit_id:
        query["focus"] = unit_id
    url = reverse("review_month", args=[year, month])
    url = f"{url}?{urlencode(query)}" if query else url
    anchor = anchor or (f"unit-{unit_id}" if unit_id else "")
    return f"{url}#{anchor}" if anchor else url


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
        # shown while 月度 is chosen (static/js/shown-when.js), as 季度 while 季度 is
        widget=forms.Select(attrs={"data-shown-when": f"kind={PeriodKind.MONTH}"}),
    )
    quarter = forms.TypedChoiceField(
        label="季度",
        coerce=int,
        required=False,
        empty_value=None,
        choices=QUARTER_CHOICES,
        help_text="季度简报",
        error_messages={"invalid_choice": "请选择一季度至四季度"},
        widget=forms.Select(attrs={"data-shown-when": f"kind={PeriodKind.QUARTER}"}),
    )
    next_steps = forms.CharField(
        label="下步工作打算",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    # The version of the note the form showed (0: none yet): an older form is refused.
    version = version_field()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind, month, quarter = data.get("kind"), data.get("month"), data.get("quarter")
        if kind == PeriodKind.QUARTER:
            if quarter is None and month and month % 3 == 0:
                quarter = data["quarter"] = month // 3  # a link naming the quarter's last month
            if quarter is None:
                self.add_error("quarter", "请选择季度。")
            else:
                data["month"] = PeriodKind.QUARTER.last_month(month=month, quarter=quarter)
        elif kind == PeriodKind.YEAR:
            data["month"], data["quarter"] = PeriodKind.YEAR.last_month(month=month), 4
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
    """年度设置: the due day, the 报送开始日, a weight per ranking indicator and the 红黑榜 size of
    one year (the rules that tie them together, such as the weights' sum, are
    `investment.rules.year_settings`')."""

    year = year_field(widget=forms.HiddenInput)
    # The version of the row the form showed (0: nothing saved, the defaults), so a stale
    # form is refused.
    version = version_field()
    due_day = _whole_number("报送截止日", 1, 28)
    submit_start_day = _whole_number("报送开始日", 1, 28)
    # a weight per indicator (``__init__``), between these two
    list_size = _whole_number("红黑榜各列单位数", 1, LIST_SIZE_LIMIT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for indicator in INDICATORS:
            self.fields[indicator.weight_field] = _whole_number(
                indicator.weight_label, 0, 100, **WEIGHT
            )
        self.order_fields(["year", "version", *FIELDS])

    def clean(self) -> dict[str, Any]:
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


class QualityRuleForm(ChineseFormMixin, forms.Form):
    """One rule's line; the service checks the threshold (range, whole numbers)."""

    rule = forms.ChoiceField(choices=QualityRule.Code.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, max_value=INT_MAX, widget=forms.HiddenInput)
    enabled = forms.BooleanField(label="启用", required=False)
    threshold = forms.CharField(label="阈值", required=False, max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["threshold"].widget.attrs.update({"inputmode": "decimal", "class": "threshold"})


QualityRuleFormSet = forms.formset_factory(
    QualityRuleForm,
    extra=0,
    min_num=len(QualityRule.Code.values),
    max_num=len(QualityRule.Code.values),
)


class WarningRuleForm(ChineseFormMixin, forms.Form):
    """One rule's line; the service checks the values (yellow ≤ red, units, signs)."""

    indicator = forms.ChoiceField(choices=WarningRule.Indicator.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, max_value=INT_MAX, widget=forms.HiddenInput)
    enabled = forms.BooleanField(label="启用", required=False)
    yellow = forms.DecimalField(label="黄色阈值", max_digits=6, decimal_places=2)
    red = forms.DecimalField(label="红色阈值", max_digits=6, decimal_places=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("yellow", "red"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "class": "threshold"})


WarningRuleFormSet = forms.formset_factory(WarningRuleForm, extra=0, min_num=5, max_num=5)
