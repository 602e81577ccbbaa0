"""节点作战图: the milestones of a set of projects on a month axis, as a page and as an A3 wall chart.

The set is the user's plan rows of the year narrowed by the filter bar (unit, level, and 仅滞后项目
by `lag_warnings`, the same rows 滞后预警 lists); a row on the lag list names its warning's level
and reasons, from that same result; the page shows ``ROWS_PER_PAGE`` projects a page,
the PDF all of them in A3 pages. The picture is `investment.documents.timeline`'s, in both.
"""

from typing import cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core import filenames
from core.capabilities import requires
from core.http import AuthenticatedRequest
from core.pdf import pdf_response
from investment.documents.timeline import timeline_svg, wall_chart_pdf
from investment.filters import TimelineFilter
from investment.forms import PeriodForm, asked_period
from investment.rules.periods import Period
from investment.selectors.portfolio import report_completeness
from investment.selectors.progress import LagWarning, lag_warnings
from investment.selectors.timeline import set_timeline, timeline_plans
from investment.tables import ROWS_PER_PAGE
from projects.access import visible_plans
from projects.models import AnnualPlanQuerySet


def _asked(
    request: AuthenticatedRequest,
) -> tuple[PeriodForm, Period, TimelineFilter, AnnualPlanQuerySet, list[LagWarning] | None]:
    """The period, the filter bar, the plan rows they select (in the chart's order) and, when
    仅滞后项目 is asked, the lag list's warnings of those rows (the chart shows their reasons)."""
    form, period = asked_period(request)
    filters = TimelineFilter(request.GET, queryset=visible_plans(request.user))
    plans = timeline_plans(cast(AnnualPlanQuerySet, filters.qs), year=period.year)
    warnings = None
    if filters.lagging_asked():
        warnings = filters.warnings(lag_warnings(period, plans=plans))
        plans = plans.filter(pk__in=[warning.progress.plan_id for warning in warnings])
    return form, period, filters, plans, warnings


def _project_url(project_id: int) -> str:
    return reverse("project_detail", args=[project_id])


@requires("portfolio.view")
def timeline_page(request: AuthenticatedRequest) -> HttpResponse:
    form, period, filters, plans, warnings = _asked(request)
    page = Paginator(plans.values_list("pk", flat=True), ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    shown = plans.filter(pk__in=list(page.object_list))
    chart = set_timeline(period, plans=shown, warnings=warnings)
    return render(
        request,
        "investment/timeline.html",
        {
            "form": form,
            "filter": filters,
            "page": page,
            "chart": chart,
            "svg": timeline_svg(chart, link=_project_url, pinned=True),
            "year": period.year,
            "month": period.month,
            "completeness": report_completeness(period, plans=plans),
        },
    )


# A wall chart of a whole city (thousands of rows, a hundred pages and more) is no wall chart
# and would keep the server busy for minutes: past this many projects, the page asks to narrow it.
WALL_CHART_MAX = 1200


@requires("portfolio.view")
def timeline_pdf(request: AuthenticatedRequest) -> HttpResponse:
    """The wall chart (A3 landscape) of the whole set the page shows."""
    _, period, filters, plans, warnings = _asked(request)
    count = plans.count()
    if count > WALL_CHART_MAX:
        messages.error(
            request,
            f"所选范围有{count}个项目，A3作战图最多{WALL_CHART_MAX}个：请按责任单位、级别或滞后项目筛选后再下载。",
        )
        return redirect(f"{reverse('timeline')}?{request.GET.urlencode()}")
    chart = set_timeline(period, plans=plans, warnings=warnings)
    data = wall_chart_pdf(chart, scope=filters.described(), generated=timezone.localdate())
    return pdf_response(data, filenames.timeline(year=period.year, month=period.month))
