"""招商引资's rules, in one place: what each figure of seed 004's section (五) counts, the
periods they are asked for, and what a record must hold.

Section (五) reads: 开展外出叩门招商活动xx次，其中县级领导带xx次，部门牵头xx次，共接待外地客商
xx批次共计xx人. So, over the activities held from ``start`` to ``end`` (both days included):

- 外出招商 次数: the visits (one record, one visit), split by who led them (县级领导 / 部门 / 镇办);
- 接待客商 批次 and 人数: the sums of the receptions' 批次 and 人数;
- 签约项目: the distinct projects linked to any of those activities (a project signed from two
  activities counts once), with their 总投资.

`FIGURES` declares each count once, as a database aggregate; the selectors sum with it and the
pages, the briefing and the export read its result.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, Sum

from core.formatting import quarter_name
from promotion.models import BATCHES_MAX, PEOPLE_MAX, Kind, Lead

VISIT = Q(kind=Kind.VISIT)
RECEPTION = Q(kind=Kind.RECEPTION)


def held_q(start: date, end: date) -> Q:
    """The activities held from ``start`` through ``end``."""
    return Q(held_on__gte=start, held_on__lte=end)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str  # as the figures page and the export head it
    aggregate: Any  # a Count or Sum over activities


FIGURES = [
    Figure("visits", "外出招商(次)", Count("pk", filter=VISIT)),
    Figure(
        "visits_leader", "其中县级领导带队(次)", Count("pk", filter=VISIT & Q(led_by=Lead.LEADER))
    ),
    Figure(
        "visits_department", "部门牵头(次)", Count("pk", filter=VISIT & Q(led_by=Lead.DEPARTMENT))
    ),
    Figure("visits_township", "镇办牵头(次)", Count("pk", filter=VISIT & Q(led_by=Lead.TOWNSHIP))),
    Figure("reception_batches", "接待客商(批次)", Sum("batches", filter=RECEPTION)),
    Figure("reception_people", "接待客商(人)", Sum("people", filter=RECEPTION)),
]


def aggregates() -> dict[str, Any]:
    """{key: aggregate} of every figure, for one ``aggregate()`` or ``annotate()``."""
    return {figure.key: figure.aggregate for figure in FIGURES}


# --- a record -------------------------------------------------------------------------------


def activity_problems(values: dict[str, Any], *, today: date) -> list[str]:
    """What is wrong with a record's values, in the words a clerk reads (empty: nothing). A visit
    led by a 县级领导 names the leader (the 带队领导, name or post); a visit keeps no 批次 or
    人数 (the form shows those two fields only while 接待客商 is chosen)."""
    problems = []
    if values["kind"] not in Kind.values:
        problems.append("类型应为外出招商或接待客商")
    if values["led_by"] not in Lead.values:
        problems.append("牵头应为县级领导、部门或镇办")
    if values["held_on"] is None:
        problems.append("请填写活动日期")
    elif values["held_on"] > today:
        problems.append(f"活动日期不能晚于今天（{today:%Y-%m-%d}），请在活动举行后登记")
    if values["led_by"] == Lead.LEADER and not values["leader"]:
        problems.append("县级领导带队请填写带队领导的姓名或职务")
    if not values["counterpart"]:
        problems.append("请填写客商或企业名称")
    if values["kind"] == Kind.VISIT and (values["people"], values["batches"]) != (None, None):
        # Refused, not dropped: what a clerk typed is never lost without a word (seed 004 counts
        # 批次 and 人数 of the investors received only).
        problems.append(
            "外出招商不填写批次和人数（只统计接待客商的批次和人数），请清空这两项，"
            "或将类型改为“接待客商”"
        )
    if values["kind"] == Kind.RECEPTION:
        for field, label, high in (
            ("batches", "批次", BATCHES_MAX),
            ("people", "人数", PEOPLE_MAX),
        ):
            value = values[field]
            if value is None:
                problems.append(f"接待客商请填写{label}")
            elif not 1 <= value <= high:
                problems.append(f"{label}应为1–{high}之间的整数")
    return problems


# --- periods --------------------------------------------------------------------------------


class Span:
    """The kinds of period the figures are asked for."""

    MONTH, QUARTER, YEAR, RANGE = "month", "quarter", "year", "range"
    CHOICES = [(MONTH, "月度"), (QUARTER, "季度"), (YEAR, "年度"), (RANGE, "自定义日期")]


def period_span(
    kind: str, year: int, *, month: int | None = None, quarter: int | None = None
) -> tuple[date, date]:
    """The first and last day of a month, a quarter or a year."""
    if kind == Span.MONTH and month is not None:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if kind == Span.QUARTER and quarter is not None:
        last = 3 * quarter
        return date(year, last - 2, 1), date(year, last, calendar.monthrange(year, last)[1])
    return date(year, 1, 1), date(year, 12, 31)


def span_label(start: date, end: date) -> str:
    """2026年5月, 2026年二季度, 2026年, else 2026年3月1日至2026年5月20日."""
    year = start.year
    if (start.month, start.day) == (1, 1) and end == date(year, 12, 31):
        return f"{year}年"
    if (
        start.day == 1
        and end.year == year
        and end == period_span(Span.MONTH, year, month=end.month)[1]
    ):
        if start.month == end.month:
            return f"{year}年{start.month}月"
        if start.month % 3 == 1 and end.month == start.month + 2:
            return f"{year}年{quarter_name(end.month // 3)}"
    return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"


def span_problem(start: date, end: date) -> str | None:
    if start > end:
        return "开始日期不能晚于结束日期"
    return None
