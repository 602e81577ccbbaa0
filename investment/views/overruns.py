"""超概算/超工期 list (DESIGN.md §3 Overruns): the projects of a year's list over their original
总投资 or 计划竣工日期 at a period, filtered, sortable and exported. The rule is
`investment/rules/overruns.py`; this only scopes, filters and renders."""

from collections.abc import Iterable, Iterator
from typing import Any, cast

from django.http import HttpResponse
from django.shortcuts import render

from core import filenames
from core.capabilities import requires
from core.http import AuthenticatedRequest
from core.lists import paginate
from core.models import money
from core.xlsx import workbook_response
from investment import rules
from investment.filters import OverrunFilter
from investment.forms import asked_period
from investment.rules.overruns import cost_overrun_pct, overrun_plans, overrun_summary
from investment.tables import ROWS_PER_PAGE, OverrunTable
from projects.access import visible_plans
from projects.models import AnnualPlanQuerySet

HEADERS = ("项目代码", "项目名称", "责任单位", "项目级别", "原总投资(万元)", "总投资(万元)",
           "超概算(万元)", "超概算(%)", "原计划竣工日期", "计划竣工日期", "超工期(月)")  # fmt: skip


@requires("portfolio.view")
def overrun_list(request: AuthenticatedRequest) -> HttpResponse:
    form, period = asked_period(request)
    year, month = period.year, period.month
    filters = OverrunFilter(request.GET, queryset=visible_plans(request.user))
    plans = cast(AnnualPlanQuerySet, filters.qs)  # visible_plans' class, filtered
    rows = filters.of_kind(overrun_plans(period, plans=plans))
    if request.GET.get("format") == "xlsx":
        sheet = ("超概算超工期", HEADERS, _export_rows(rows))
        return workbook_response([sheet], filenames.overruns(year=year, month=month))
    table = OverrunTable(rows)
    paginate(request, table, per_page=ROWS_PER_PAGE)
    return render(
        request,
        "investment/overruns.html",
        {
            "form": form,
            "filter": filters,
            "table": table,
            "year": year,
            "month": month,
            "summary": overrun_summary(period, plans=plans),
        },
    )


# ``rows``: plan rows annotated with their overruns (`overrun_plans`), which mypy cannot see.
def _export_rows(rows: Iterable[Any]) -> Iterator[tuple[object, ...]]:
    for row in rows:
        project = row.project
        over = money(row.cost_overrun) if row.cost_overrun and row.cost_overrun > 0 else None
        pct = cost_overrun_pct(project.total_investment, project.original_total) if over else None
        yield (
            project.code, project.name, project.unit.name, row.get_level_display(),
            project.original_total, project.total_investment, over, rules.for_machine(pct),
            project.original_completion, project.planned_end, row.time_overrun or None,
        )  # fmt: skip
