"""The Excel exports of 挂图作战 and 滞后预警, as the pages' ``?format=xlsx`` asks for them: the
rows of the asked period and filters, within the user's scope; and the briefing's PDF of a
period the page has checked (``kind``, ``year``, ``month``). Each takes the request (its query
and user: a background job builds one from what the page was asked, ``jobs.tasks``) and gives the
file's name and bytes; a city-sized one runs as a job (``jobs.rules.in_background``)."""

from collections.abc import Callable
from typing import cast

from core import filenames
from core.http import AuthenticatedRequest
from core.xlsx import render_workbook
from investment import rules
from investment.documents.briefing import briefing_pdf_bytes
from investment.filters import LagFilter, PlanUnitFilter
from investment.forms import asked_period
from investment.models import WarningLevel
from investment.rules.periods import Period
from investment.selectors.progress import BoardRow, board, lag_warnings
from projects.access import visible_plans
from projects.models import AnnualPlanQuerySet, Level

LEVEL_ORDER = {value: index for index, value in enumerate(Level.values)}


def board_order(group: str) -> Callable[[BoardRow], tuple[int, str, str]]:
    """Rows by unit then code; grouped by level first (省, 市, 县) when asked."""
    labels = {str(label): LEVEL_ORDER[value] for value, label in Level.choices}

    def key(row: BoardRow) -> tuple[int, str, str]:
        level = labels.get(row.progress.level, 9) if group == "level" else 0
        return (level, row.progress.unit, row.progress.code)

    return key


def board_filter(request: AuthenticatedRequest) -> PlanUnitFilter:
    return PlanUnitFilter(request.GET, queryset=visible_plans(request.user))


def board_workbook(request: AuthenticatedRequest) -> tuple[str, bytes]:
    _, period = asked_period(request)
    group = "level" if request.GET.get("group") == "level" else "unit"
    headers = ("责任单位", "项目代码", "项目名称", "包抓领导", "年度计划投资(万元)") + tuple(
        f"{m}月完成率(%)" for m in range(1, period.month + 1)
    )
    plans = cast(AnnualPlanQuerySet, board_filter(request).qs)  # visible_plans' class, filtered
    rows = sorted(board(period, plans=plans), key=board_order(group))
    grid = (
        (r.progress.unit, r.progress.code, r.progress.name, r.progress.leader,
         r.progress.planned_investment, *(rules.for_machine(c.completion_rate) for c in r.cells))
        for r in rows
    )  # fmt: skip
    name = filenames.board(year=period.year, month=period.month)
    return name, render_workbook([("挂图作战", headers, grid)])


def lag_filter(request: AuthenticatedRequest) -> LagFilter:
    return LagFilter(request.GET, queryset=visible_plans(request.user))


def lag_workbook(request: AuthenticatedRequest) -> tuple[str, bytes]:
    _, period = asked_period(request)
    filters = lag_filter(request)
    plans = cast(AnnualPlanQuerySet, filters.qs)
    warnings = filters.warnings(lag_warnings(period, plans=plans))
    headers = ("项目代码", "项目名称", "责任单位", "项目级别", "年度计划投资(万元)",
               "累计完成投资(万元)", "完成率(%)", "预警等级", "预警原因")  # fmt: skip
    rows = (
        (w.progress.code, w.progress.name, w.progress.unit, w.progress.level,
         w.progress.planned_investment, w.progress.completed,
         rules.for_machine(w.progress.completion_rate), w.level_label,
         "；".join(f"{r.reason}（{WarningLevel(r.level).label}）：{r.details}"
                  for r in w.reasons))
        for w in warnings
    )  # fmt: skip
    name = filenames.lag_warnings(year=period.year, month=period.month)
    return name, render_workbook([("滞后预警", headers, rows)])


def briefing_document(request: AuthenticatedRequest) -> tuple[str, bytes]:
    """The briefing of the period the page checked and named (``kind``, ``year``, ``month``)."""
    kind, year, month = request.GET["kind"], int(request.GET["year"]), int(request.GET["month"])
    period = Period.of(year, month, kind)
    return filenames.briefing(year=year, month=month, kind=kind), briefing_pdf_bytes(period)
