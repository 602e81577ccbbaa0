"""预警规则: saving a year's yellow/red warning rules, and what the page shows of them.

The rules themselves (what each measures, where its yellow and red edges are) are
`investment.models.WarningRule`'s table; `investment.selectors.progress.lag_warnings` applies them.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field

from audit.services import audited
from core.capabilities import require
from investment.models import WarningRule, threshold_text
from investment.rules.periods import Period
from investment.selectors.progress import LevelCount, lag_warnings, level_counts
from investment.services.year_rows import YearRow, year_rows_save
from projects.models import AnnualPlanQuerySet, User

Indicator = WarningRule.Indicator
LIMIT = Decimal("9999")

# What each rule means, in one line a clerk reads (the page's 含义 column), with the thresholds.
MEANINGS = {
    Indicator.NOT_STARTED: "计划开工日期已过、月底仍未开工：从计划开工的月份起满{yellow}个月为黄色，满{red}个月为红色",
    Indicator.INVESTMENT: "累计投资完成率低于序时进度：超过{yellow}个百分点为黄色，超过{red}个百分点为红色",
    Indicator.NOT_IN_STATISTICS: "已开工、月底仍未纳统：从开工的月份起满{yellow}个月为黄色，满{red}个月为红色",
    Indicator.MILESTONE: "项目节点过了计划完成日期仍未完成：逾期满{yellow}天为黄色，超过{red}天为红色",
    Indicator.NOT_REPORTED: "已过报送截止日仍未报送月报：连续{yellow}个月为黄色，连续{red}个月为红色",
}  # fmt: skip


def meaning(rule: WarningRule) -> str:
    """The rule in one line, with its thresholds (满0个月: from the month itself)."""
    text = MEANINGS[Indicator(rule.indicator)].format(yellow=rule.yellow_text, red=rule.red_text)
    return text.replace("的月份起满0个月", "的当月起").replace("逾期满0天", "一逾期即")


@dataclass(frozen=True)
class RuleEntry:
    """One rule as the office enters it; ``expected_version`` is the version the form showed
    (0 for a rule still at its defaults, None to skip the check)."""

    indicator: str
    enabled: bool
    yellow: Decimal
    red: Decimal
    expected_version: int | None = None


def _problems(entry: RuleEntry) -> list[str]:
    label = Indicator(entry.indicator).label
    unit = WarningRule.EDGES[Indicator(entry.indicator)][0]
    problems = []
    for name, value in (("黄色", entry.yellow), ("红色", entry.red)):
        if value < 0:
            problems.append(f"{label}的{name}阈值不能为负数。")
        elif value > LIMIT:
            problems.append(f"{label}的{name}阈值不能超过{LIMIT}{unit}。")
        elif unit != "个百分点" and value != value.to_integral_value():
            problems.append(f"{label}的{name}阈值以{unit}计，应为整数。")
    if not problems and entry.yellow > entry.red:
        problems.append(
            f"{label}的黄色阈值（{entry.yellow.normalize():f}{unit}）不能大于"
            f"红色阈值（{entry.red.normalize():f}{unit}）。"
        )
    if entry.indicator == Indicator.NOT_REPORTED and not problems and entry.yellow < 1:
        problems.append("未报送的黄色阈值至少为1个月（当月未报送）。")
    return problems


@audited("修改预警规则")
@transaction.atomic
def warning_rules_save(*, year: int, user: User, rules: list[RuleEntry]) -> int:
    """Save ``year``'s rules as entered; returns how many rows changed.

    All or nothing: any entry refused refuses the save, with every problem named by its
    indicator. A rule entered as it is (or as its default, when never saved) writes nothing:
    no new version, no history.
    """
    require(user, "year.configure")
    indicators = [entry.indicator for entry in rules]
    if any(i not in Indicator.values for i in indicators) or len(set(indicators)) != len(
        indicators
    ):
        raise ValidationError("预警指标有误，请刷新页面后重新填写。")
    problems = [problem for entry in rules for problem in _problems(entry)]
    if problems:
        raise ValidationError(problems)
    rows = [
        YearRow(
            saved=WarningRule.objects.filter(year=year, indicator=entry.indicator),
            default=partial(WarningRule.default, year, entry.indicator),
            values={"enabled": entry.enabled, "yellow": entry.yellow, "red": entry.red},
            expected_version=entry.expected_version,
            label=f"{year}年“{Indicator(entry.indicator).label}”预警规则",
        )
        for entry in rules
    ]
    saved = year_rows_save(rows, user=user, stamps={"updated_by": user})
    return sum(1 for _, changed in saved if changed)


SHOWN_FIELDS = ("enabled", "yellow", "red")


def rules_history(year: int, *, limit: int = 50) -> list[tuple[Any, list[str]]]:
    """The year's rule changes, newest first, each with what it changed ("黄色阈值：10 →
    15"); a rule's first save is compared with its default. One query (a year has five
    rules and a few saves each)."""
    history = WarningRule.history.filter(year=year)
    records = list(history.select_related("history_user").order_by("history_id"))
    previous: dict[int, Any] = {}
    rows = []
    for record in records:
        before = previous.get(record.id)
        rows.append((record, _changes(record, before)))
        previous[record.id] = record
    return rows[::-1][:limit]


def _shown(name: str, value: object) -> str:
    if name == "enabled":
        return "启用" if value else "不启用"
    return threshold_text(Decimal(str(value)))


def _field(name: str) -> "Field[Any, Any]":
    return cast("Field[Any, Any]", WarningRule._meta.get_field(name))


def _changes(record: Any, before: Any) -> list[str]:
    fields = {name: str(_field(name).verbose_name) for name in SHOWN_FIELDS}
    before = before or WarningRule.default(record.year, record.indicator)  # first: the default
    return [
        f"{fields[name]}：{_shown(name, getattr(before, name))} → "
        f"{_shown(name, getattr(record, name))}"
        for name in SHOWN_FIELDS
        if getattr(before, name) != getattr(record, name)
    ]


def counts_now(
    year: int, *, due: Period, plans: AnnualPlanQuerySet | None = None
) -> tuple[int, list[LevelCount]] | None:
    """(the month, red and yellow rows) under the saved rules, at the year's month that is
    due (``due``, the period that is due: `investment.rules.periods.month_judged`)."""
    period = due.judged_in(year)
    if period is None:
        return None
    return period.month, level_counts(lag_warnings(period, plans=plans))
