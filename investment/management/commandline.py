"""Argument checks shared by the figure commands, with messages a clerk understands."""

from decimal import Decimal

from django.core.management.base import CommandError

from core import formatting
from core.models import PeriodKind
from core.params import YEAR_PROBLEM, is_year
from investment.rules.periods import Period
from investment.selectors.explain import Explanation
from investment.selectors.portfolio import report_completeness


def incompleteness(period: Period) -> str:
    """The warning a figure command prints on stderr when the period's reports are not all in
    (DESIGN.md §3: the figures say so; stdout stays as pinned, JSON included)."""
    completeness = report_completeness(period)
    said = "" if completeness.complete else f"注意：本期数据不完整（{completeness.text}）。"
    if completeness.quality.unexamined:
        said += f"注意：{completeness.quality.text}。"
    return said


def period_from_options(
    *, year: int, month: int | None, quarter: int | None = None, annual: bool = False
) -> Period:
    """The period a figure command is asked for (``--year`` with one of ``--month``,
    ``--quarter``, ``--annual``), built once for everything the command reads; the month
    commands take ``--month`` alone. Refused with a clerk's message when it is not one."""
    chosen = [option for option in (month, quarter) if option is not None] + (
        [12] if annual else []
    )
    if len(chosen) != 1:
        raise CommandError("请在 --month、--quarter、--annual 中选择一项")
    if quarter is not None and not 1 <= quarter <= 4:
        raise CommandError(f"季度应为1–4，实际为{quarter}")
    kind = (
        PeriodKind.QUARTER
        if quarter is not None
        else PeriodKind.YEAR
        if annual
        else PeriodKind.MONTH
    )
    if not is_year(year):
        raise CommandError(f"{YEAR_PROBLEM}，实际为{year}")
    through = kind.last_month(month=month, quarter=quarter)
    assert through is not None  # exactly one of the three was given
    if not 1 <= through <= 12:
        raise CommandError(f"月份应为1–12的整数，实际为{through}")
    return Period.of(year, through, kind)


def _months(months: list[int]) -> str:
    return "、".join(f"{m}月" for m in months) or "无"


def explanation_lines(explanation: Explanation) -> list[str]:
    """A unit's score breakdown as text, indicator by indicator."""
    s = explanation.score
    lines = [
        f"{s.unit}：第{s.rank}名，得分{s.score}（序时进度{formatting.percent(s.time_progress)}）"
    ]
    for line in s.lines:
        i = line.indicator
        if i.against_schedule:
            counts = (
                f"完成{formatting.wan(Decimal(line.numerator))}{i.counted_text} / 年度计划"
                f"{formatting.wan(Decimal(line.denominator))}{i.counted_text} = {formatting.percent(line.rate)}"
            )
        else:
            counts = f"{line.numerator} / {line.denominator}{i.counted_text}"
        lines.append(f"{i.title} 权重{line.weight}：{counts}，指标值{line.value:.4f}")
    lines += ["", "项目明细（项目代码 名称 年度计划 完成 开复工日期 应报月份 未按时报送）："]
    for p in explanation.plans:
        lines.append(
            f"  {p.code} {p.name} {formatting.wan(p.planned_investment)} {formatting.wan(p.completed)}"
            f" {p.actual_start or '未开工'} {len(p.expected_months)}个月 {_months(p.missing_or_late_months)}"
        )
    lost = explanation.points_lost
    if behind := explanation.behind_schedule:
        lines.append(
            f"{explanation.investment.code} 扣{lost[0]}分，低于序时进度的项目（项目代码 名称 低于序时万元 扣分）："
        )
        lines += [
            f"  {p.code} {p.name} {formatting.wan(p.behind_shown)} {p.i1_points}" for p in behind
        ]
        if explanation.given_back:
            lines.append(f"  超过序时进度的项目抵回{explanation.given_back}分")
    if not_started := explanation.not_started:
        lines.append(
            f"{explanation.start.code} 扣{lost[1]}分，截至期末未开(复)工的项目（项目代码 名称 扣分）："
        )
        lines += [f"  {p.code} {p.name} {p.i2_points}" for p in not_started]
    for title, items in (("节点", explanation.milestones), ("督查问题", explanation.findings)):
        lines.append(f"{title}明细（计划/时限 完成/销号 是否按期）：")
        lines += [
            f"  {item.code} {item.name} {item.due} {item.done or '未完成'} {'按期' if item.on_time else '逾期'}"
            for item in items
        ] or ["  无"]
    return lines
