"""Pages that draw what the figure selectors compute: rankings, lag warnings, the board.

They parse the period, scope the plan rows to the user, call a selector and render; no rule
of DESIGN.md §3 is computed here.

考核排名: the unit ranking with its 红黑榜, a clicked unit's 扣分明细
(`investment.selectors.explain.explain_unit`) and the project ranking; its Excel is the ranking
as shown. 滞后预警: `lag_warnings` filtered by level, reason, unit and project level, red and
yellow counts at the top, 300 rows a page. 挂图作战: the board's cells coloured by
`board_colour`, paged by (level, unit) blocks, with an A3-landscape print layout.
"""

from collections.abc import Iterable
from typing import cast

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header, urlencode
from django.utils.safestring import SafeString
from django_tables2 import RequestConfig

from core import filenames
from core.capabilities import own_unit, requires
from core.http import AuthenticatedRequest
from core.lists import paginate
from core.models import PeriodKind
from core.replica import figure_page
from core.xlsx import XLSX, workbook_response
from investment import rules
from investment.documents import exports
from investment.documents.board import board_cells
from investment.documents.exports import LEVEL_ORDER, lag_filter
from investment.forms import asked_period
from investment.models import WarningRule
from investment.rules import periods
from investment.rules.periods import Period
from investment.selectors.explain import UnknownUnit, explain_unit
from investment.selectors.figure_cache import cached
from investment.selectors.portfolio import Completeness, report_completeness
from investment.selectors.progress import (
    BoardRow,
    LagRows,
    board,
    with_marks,
)
from investment.selectors.rankings import Ranking, project_ranking, unit_ranking
from investment.tables import (
    ROWS_PER_PAGE,
    LagData,
    LagTable,
    ProjectRankingTable,
    UnitRankingTable,
    lag_mark,
)
from jobs.rules import in_background
from jobs.tasks import Maker, document_start
from projects.models import AnnualPlanQuerySet, Level


def _xlsx(
    filename: str, sheet: str, headers: tuple[str, ...], rows: Iterable[Iterable[object]]
) -> HttpResponse:
    return workbook_response([(sheet, headers, rows)], filename)


PROJECTS_RANKED = 50  # the rankings page lists the first ones; nothing below them is a rank


@figure_page
@requires("portfolio.view")
def rankings(request: AuthenticatedRequest) -> HttpResponse:
    kind = periods.kind_asked(request.GET)
    form, period = asked_period(request, kind=kind)
    level = request.GET.get("level")
    level, unit_id = level if level in Level.values else None, own_unit(request.user)
    # Kept under the data version (`investment.selectors.figure_cache`): any write shows at once.
    units, projects, completeness = cached(
        "rankings",
        (period.year, period.month, period.kind, period.today),
        (level, unit_id),  # a reporter's project ranking is their unit's
        compute=lambda: (
            unit_ranking(period).units,  # the units' scores (`Ranking` is built again below)
            project_ranking(period, level=level, unit_id=unit_id, limit=PROJECTS_RANKED),
            report_completeness(period),
        ),
    )
    ranking = Ranking(year=period.year, month=period.month, settings=period.settings, units=units)
    if request.GET.get("format") == "xlsx":
        return _ranking_xlsx(ranking, kind)
    explanation = None
    unit_name = request.GET.get("explain", "").strip()
    # A unit's deductions name its projects and findings: a reporter sees only their own
    # unit's; the other units stay figures in the table. (Held to a unit, they have one.)
    explainable = None if own_unit(request.user) is None else {request.user.unit.name}  # type: ignore[union-attr]
    if unit_name and (explainable is None or unit_name in explainable):
        try:
            explanation = explain_unit(period, unit=unit_name)
        except UnknownUnit:
            explanation = None
    table = UnitRankingTable(ranking, kind=kind, explainable=explainable)
    RequestConfig(request, paginate=False).configure(table)
    return render(
        request,
        "investment/rankings.html",
        {
            "form": form,
            "ranking": ranking,
            "table": table,
            "explanation": explanation,
            "projects": ProjectRankingTable(projects),
            "quarterly": kind == PeriodKind.QUARTER,
            "annual": kind == PeriodKind.YEAR,
            "kinds": PeriodKind.choices,
            "kind": kind,
            "completeness": completeness,
        },
    )


def _ranking_xlsx(ranking: Ranking, kind: str) -> HttpResponse:
    rates = tuple(f"{indicator.rate_label}(%)" for indicator in ranking.indicators)
    headers = ("名次", "责任单位", "得分", *rates, "项目数", "榜单")
    red, black = {s.unit for s in ranking.red_list}, {s.unit for s in ranking.black_list}
    rows = (
        (s.rank, s.unit, s.score, *map(rules.for_machine, s.rates.values()), s.projects,
         "红榜" if s.unit in red else "黑榜" if s.unit in black else "")
        for s in ranking.units
    )  # fmt: skip
    name = filenames.rankings(year=ranking.year, month=ranking.month, kind=kind)
    return _xlsx(name, f"{PeriodKind(kind).label}考核排名", headers, rows)


def _period_query(request: AuthenticatedRequest, year: int, month: int) -> str:
    """The period and the unit shown, for links to the lag list at a level."""
    query: dict[str, int | str] = {"year": year, "month": month}
    if request.GET.get("unit"):
        query["unit"] = request.GET["unit"]
    return urlencode(query)


@figure_page
@requires("portfolio.view")
def lag_page(request: AuthenticatedRequest) -> HttpResponse:
    form, period = asked_period(request)
    year, month = period.year, period.month
    filters = lag_filter(request)
    plans = cast(AnnualPlanQuerySet, filters.qs)  # visible_plans' class, filtered
    if request.GET.get("format") == "xlsx":
        title = f"导出滞后预警Excel：{year}年{month}月"
        return _export(request, plans, exports.lag_workbook, title)
    # the database picks, counts and orders the lagging rows; the page's rows are judged
    found = LagRows(period, plans=plans, **filters.asked())
    table = LagTable(LagData(found))
    paginate(request, table, per_page=ROWS_PER_PAGE)
    return render(
        request,
        "investment/lag.html",
        {
            "form": form,
            "filter": filters,
            "table": table,
            "year": year,
            "month": month,
            "levels": found.levels,  # before the level and reason asked for
            "period_query": _period_query(request, year, month),
            "completeness": report_completeness(period, plans=plans),
            "as_of_text": period.as_of_text,  # 11月底, or 12月7日 while the month runs
        },
    )


@figure_page
@requires("portfolio.view")
def board_page(request: AuthenticatedRequest) -> HttpResponse:
    form, period = asked_period(request)
    year, month = period.year, period.month
    filters = exports.board_filter(request)
    plans = cast(AnnualPlanQuerySet, filters.qs)  # visible_plans' class, filtered
    group = "level" if request.GET.get("group") == "level" else "unit"
    if request.GET.get("format") == "xlsx":
        title = f"导出挂图作战Excel：{year}年{month}月"
        return _export(request, plans, exports.board_workbook, title)

    def figures() -> tuple[Page[int], list[tuple[BoardRow, SafeString, SafeString]], Completeness]:
        page, rows = _board_page(request, plans, period, group=group)
        # each row with its month cells' markup (investment.documents.board) and its warning's
        # mark (the partial's markup, written without a template render a row); the row is kept
        # without its cells, drawn already: a page's 3,000 cells of Decimals were most of what
        # the cache pickled
        shown = [
            (BoardRow(row.progress, cells=[], warning=row.warning), board_cells(row),
             lag_mark(row.warning))
            for row in with_marks(rows, period, plans=plans)
        ]  # fmt: skip
        return page, shown, report_completeness(period, plans=plans)

    user, asked = request.user, request.GET
    # Kept under the data version (`investment.selectors.figure_cache`): any write shows at once.
    page, rows, completeness = cached(
        "board",
        (year, month, period.kind, period.today),
        (user.role, user.unit_id),  # the scope: the rows the user may see
        (asked.get("unit"), group, asked.get("page")),  # the filter and the page shown
        compute=figures,
    )
    return render(
        request,
        "investment/board.html",
        {
            "form": form,
            "rows": rows,
            "threshold": period.warning_rules[WarningRule.Indicator.INVESTMENT].yellow_text,
            "page": page,
            "year": year,
            "months": range(1, month + 1),
            "group": group,
            "filter": filters,
            "completeness": completeness,
        },
    )


def _export(
    request: AuthenticatedRequest, plans: AnnualPlanQuerySet, maker: Maker, title: str
) -> HttpResponse:
    """The page's Excel: at once for a county, by a background job for a city (its page offers
    the file when done)."""
    if in_background(plans.values("project_id").distinct().count()):
        return redirect(
            "job_progress", document_start(maker=maker, request=request, title=title).pk
        )
    name, content = maker(request)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _board_page(
    request: AuthenticatedRequest, plans: AnnualPlanQuerySet, period: Period, *, group: str
) -> tuple[Page[int], list[BoardRow]]:
    """One page of the board, judging only the rows on it.

    The rows come in (level, unit) blocks; their sizes (one grouped query) tell which blocks
    the page spans, so a city's board judges 300 rows, not 9,000.
    """
    year_plans = plans.counted(period.year)
    sizes: dict[tuple, int] = {}
    blocks = year_plans.order_by().values("level", "project__unit__name").annotate(n=Count("pk"))
    for block in blocks:
        key = (LEVEL_ORDER.get(block["level"], 9) if group == "level" else 0,
               block["project__unit__name"])  # fmt: skip
        sizes[key] = sizes.get(key, 0) + block["n"]
    page = Paginator(range(sum(sizes.values())), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    first, last = max(page.start_index() - 1, 0), page.end_index()  # rows [first, last)
    wanted, before, seen = Q(pk__in=[]), None, 0
    for key in sorted(sizes):
        if seen + sizes[key] > first and seen < last:
            level = Level.values[key[0]] if group == "level" else None
            wanted |= Q(project__unit__name=key[1], **({"level": level} if level else {}))
            before = seen if before is None else before
        seen += sizes[key]
    rows = sorted(board(period, plans=year_plans.filter(wanted)), key=exports.board_order(group))
    offset = first - (before or 0)
    return page, rows[offset : offset + ROWS_PER_PAGE]
