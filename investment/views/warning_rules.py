"""预警规则 page: the office reads and edits a year's yellow/red warning rules.

The five rules as one formset (指标, 含义, 启用, 黄色, 红色, 单位) saved by
`investment.services.warning_rules.warning_rules_save`, how many rows are red and yellow now
under the saved rules (linking to the lag list), and the year's history. The menu's 年度设置
opens tabs 年度设置 · 预警规则 · 责任单位 (templates/investment/_settings_nav.html), so the office's
menu fits one line at 1280 px."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core.capabilities import requires
from core.http import AuthenticatedRequest
from core.params import given
from investment.forms import WarningRuleFormSet, settings_year
from investment.models import WarningRule
from investment.rules.periods import Period
from investment.services.warning_rules import (
    RuleEntry,
    counts_now,
    meaning,
    rules_history,
    warning_rules_save,
)
from investment.services.year_settings import settings_years

HISTORY_SHOWN = 50


def _initial(rules: dict[str, WarningRule]) -> list[dict]:
    return [
        {"indicator": r.indicator, "version": r.version if r.pk else 0, "enabled": r.enabled,
         "yellow": r.yellow_text, "red": r.red_text}
        for r in rules.values()
    ]  # fmt: skip


@requires("year.configure", post="year.configure")
def warning_rules(request: AuthenticatedRequest) -> HttpResponse:
    due = Period.due_on(timezone.localdate())
    query = request.GET if given(request.GET, "year") else request.POST
    year = settings_year(request, query, due=due)
    rules = due.read.warning_rules(year)  # the counts below judge by the same rows
    errors: list[str] = []
    stale = False
    if request.method == "POST":
        formset = WarningRuleFormSet(request.POST, prefix="rule")
        if formset.is_valid():
            entries = [
                RuleEntry(
                    indicator=form.cleaned_data["indicator"],
                    enabled=form.cleaned_data["enabled"],
                    yellow=form.cleaned_data["yellow"],
                    red=form.cleaned_data["red"],
                    expected_version=form.cleaned_data["version"],
                )
                for form in formset
            ]
            try:
                changed = warning_rules_save(year=year, user=request.user, rules=entries)
            except ValidationError as error:
                errors = error.messages
                stale = any(e.code == "stale" for e in error.error_list)
            else:
                messages.success(
                    request,
                    f"{year}年预警规则已保存，滞后预警、挂图作战和总体情况即按新规则判定。"
                    if changed
                    else "预警规则没有改动，未保存新版本。",
                )
                return redirect(f"{reverse('warning_rules')}?year={year}")
        else:
            errors = ["阈值应填写数字（最多两位小数）。"]
    else:
        formset = WarningRuleFormSet(initial=_initial(rules), prefix="rule")
    lines = [
        (form, rules[indicator], meaning(rules[indicator]))
        for form in formset
        if (indicator := form["indicator"].value()) in rules
    ]
    return render(
        request,
        "investment/warning_rules.html",
        {
            "year": year,
            "years": settings_years(year, due.today.year),
            "formset": formset,
            "lines": lines,
            "errors": errors,
            "stale": stale,
            "saved": any(r.pk for r in rules.values()),
            "counts": counts_now(year, due=due),
            "history": rules_history(year, limit=HISTORY_SHOWN),
        },
    )
