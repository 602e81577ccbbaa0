"""预警规则 page: the office reads and edits a year's yellow/red warning rules.

The five rules as one formset (指标, 含义, 启用, 黄色, 红色, 单位) saved by
`investment.services.warning_rules.warning_rules_save`, how many rows are red and yellow now
under the saved rules (linking to the lag list), and the year's history. The menu's 年度设置
opens tabs 年度设置 · 预警规则 · 责任单位 (templates/investment/_settings_nav.html), so the office's
menu fits one line at 1280 px."""

from django.http import HttpResponse
from django.utils import timezone

from core.capabilities import requires
from core.http import AuthenticatedRequest
from core.rule_pages import RulesPage, rules_page, rules_year
from investment.forms import WarningRuleFormSet
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


def _initial(rule: WarningRule) -> dict:
    return {"indicator": rule.indicator, "version": rule.version if rule.pk else 0,
            "enabled": rule.enabled, "yellow": rule.yellow_text, "red": rule.red_text}  # fmt: skip


PAGE = RulesPage(
    name="预警规则",
    kind="预警指标",
    url_name="warning_rules",
    template="investment/warning_rules.html",
    formset=WarningRuleFormSet,
    prefix="rule",
    key="indicator",
    invalid="阈值应填写数字（最多两位小数）。",
    follows="滞后预警、挂图作战和总体情况即按新规则判定。",
    initial=_initial,
    entry=RuleEntry,
    save=warning_rules_save,
    meaning=meaning,
)


@requires("year.configure", post="year.configure")
def warning_rules(request: AuthenticatedRequest) -> HttpResponse:
    due = Period.due_on(timezone.localdate())
    year = rules_year(request, default=due.year)
    return rules_page(
        request,
        PAGE,
        year=year,
        rules=due.read.warning_rules(year),  # the counts below judge by the same rows
        context={
            "years": settings_years(year, due.today.year),
            "counts": counts_now(year, due=due),
            "history": rules_history(year, limit=HISTORY_SHOWN),
        },
    )
