"""总体情况 and 项目详情.

The dashboard (`dashboard`, every signed-in role's home but the 三员's) opens at the period that
is due: 我的待办 at the top (`investment.selectors.todo`), the portfolio figures with their
completeness line, the charts, 红色预警N个 / 黄色预警M个 linking to the filtered lag list, the
overruns, and the leaders' escalations (level 2) with the year's fund totals.

The project page (`project_detail`) is `projects`' URL name ``project_detail``, drawn here
(``settings.PROJECT_PAGE_VIEW``) because it combines a project's plan rows with their reports,
photos, funds, findings and 项目调整记录; each plan row links to 修改 (the office) or 填报开工
(the unit's reporter), a replaced row to its replacement. Another unit's project is 404.
"""

from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from batches.access import visible_batches, visible_entries
from batches.selectors import batch_rates, batches_of_year, listings
from bonds.access import visible_funds
from bonds.models import FundType
from bonds.selectors import clock_row, fund_totals, special_bond_clock, with_clocks
from core.capabilities import requires
from core.http import AuthenticatedRequest
from core.models import money
from core.replica import figure_page
from investment import rules
from investment.documents import charts
from investment.documents.timeline import timeline_svg
from investment.forms import asked_period
from investment.rules.overruns import overrun_summary, project_overrun
from investment.rules.periods import Period
from investment.selectors.figure_cache import cached
from investment.selectors.portfolio import (
    Figures,
    PortfolioSummary,
    by_annual_plan,
    by_completion_rate,
    figures_by_each,
    monthly_completion,
    portfolio_summary,
    projects_by_stage,
    report_completeness,
)
from investment.selectors.progress import (
    lag_level_counts_each,
    plan_progress_all_years,
    project_warning,
)
from investment.selectors.rankings import report_history
from investment.selectors.timeline import project_timeline
from investment.selectors.todo import counts_warnings, todos
from projects.access import project_for, visible_plans
from projects.deadlines import Timeliness
from projects.models import AnnualPlanQuerySet, Level, User
from projects.services.register import plan_fields_for
from promotion.access import visible_activities
from supervision.access import visible_findings
from supervision.rules import LEVEL_LEADERS
from supervision.selectors import escalations

DASHBOARD_ESCALATIONS = 10


@figure_page
@requires("portfolio.view")
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    form, period = asked_period(request)
    year, month = period.year, period.month
    user = request.user
    # Kept under the data version (`investment.selectors.figure_cache`): any write shows at once.
    figures = cached(
        "dashboard",
        (year, month, period.kind, period.today),
        (user.role, user.unit_id),  # the scope: every figure and to-do is the role's in the unit's
        compute=lambda: _dashboard_figures(user, period),
    )
    return render(
        request,
        "investment/dashboard.html",
        {
            "form": form,
            **figures,
            "lagging_query": urlencode({"year": year, "month": month}),
            "as_of_note": period.as_of_note,  # 本月尚未结束，数据截至12月7日
            "overruns_query": urlencode({"year": year, "month": month}),
            "fund_as_of": period.as_of_day,
            # the list of the rows the line counts: the year's 专项债券 lit at the same day
            "bond_lit_query": urlencode(
                [
                    ("year", year),
                    ("month", month),
                    ("fund_type", FundType.SPECIAL_BOND.value),
                    ("light", "lit"),
                ]  # fmt: skip
            ),
            "batches_query": urlencode({"year": year, "month": month}),
        },
    )


def _dashboard_figures(user: User, period: Period) -> dict[str, Any]:
    """Every figure 总体情况 shows to ``user`` at ``period``: plain values, kept in the cache."""
    year = period.year
    plans = visible_plans(user)
    # Judged in the database, no row loaded: the month shown and, for the to-dos, the month
    # that is due, in one query when they differ (`lag_level_counts_each`).
    due = period.due()
    periods = [period, due] if due != period and counts_warnings(user) else [period]
    counted = dict(zip(periods, lag_level_counts_each(periods, plans=plans), strict=True))
    lagging = counted[period]
    breakdowns = figures_by_each(period, by=("level", "unit", "industry"), plans=plans)
    summary = portfolio_summary(period, plans=plans, by_level=breakdowns["level"])
    levels = [(level.label, summary.by_level[level.value]) for level in Level]
    by_unit = by_completion_rate(breakdowns["unit"])
    by_industry = by_annual_plan(breakdowns["industry"])
    funds = visible_funds(user).filter(year=year)
    return {
        "summary": summary,
        "levels": levels,
        "by_unit": by_unit,
        "by_industry": by_industry,
        "lagging": sum(count.total for count in lagging),
        "lagging_levels": lagging,
        "completeness": report_completeness(period, plans=plans),
        "overruns": overrun_summary(period, plans=plans),
        "charts": _dashboard_charts(period, summary, by_unit, plans),
        # 下达 and 支出 at the day the 支出预警 line beside the table is judged at
        "funds": fund_totals(funds, end=period.as_of),
        "bond_clock": special_bond_clock(funds, end=period.as_of),
        # 三个一批: the year's batches up to the period's quarter, at its end
        "batches": batch_rates(
            batches_of_year(visible_batches(user), year, through_quarter=period.quarter),
            visible_entries(user),
            end=period.as_of,
        ),
        "todos": todos(user, period=period, lagging=counted),
        "escalations": escalations(
            visible_findings(user),
            today=period.today,
            min_level=LEVEL_LEADERS,
            limit=DASHBOARD_ESCALATIONS,
        ),
    }


def _dashboard_charts(
    period: Period,
    summary: PortfolioSummary,
    by_unit: list[tuple[str, Figures]],
    plans: AnnualPlanQuerySet,
) -> list[SafeString]:
    year, month = period.year, period.month
    rates = monthly_completion(period, plans=plans, annual_plan=summary.annual_plan)
    return [
        charts.line_chart(
            title=f"{year}年累计投资完成率与序时进度",
            labels=[f"{m}月" for m in range(1, month + 1)],
            series=[
                ("完成率", rates, "#1f4e79"),
                ("序时进度", [rules.time_progress(m) for m in range(1, month + 1)], "#c0392b"),
            ],
        ),
        charts.bar_chart(
            title="各责任单位投资完成率",
            items=[(name, figures.completion_rate) for name, figures in by_unit],
            reference=summary.time_progress,
        ),
        charts.bar_chart(
            title="项目阶段分布",
            items=[(label, Decimal(n)) for label, n in projects_by_stage(period, plans=plans)],
            unit="个",
            colour="#2b6cb0",
        ),
    ]


@requires("portfolio.view")
def project_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One project's sheet: plan rows by year with progress, milestones, reports, funds, findings."""
    project = project_for(request.user, pk)
    period = Period.due_on(timezone.localdate())
    plans = []
    for plan in plan_progress_all_years(project=project, month=12).select_related("replaced_by"):
        plan.project = project  # what plan_fields_for reads, without a query per row
        rate = rules.percent(money(plan.completed), plan.planned_investment)  # type: ignore[attr-defined]
        plans.append((plan, rate, bool(plan_fields_for(request.user, plan))))
    return render(
        request,
        "investment/project_detail.html",
        {
            "project": project,
            "plans": plans,
            "replaces": project.replacing_plans.select_related("project").order_by("-year"),
            "milestones": [
                (m, Timeliness(m.status).label)  # ``status``: with_status
                for m in project.milestones.with_status(period.as_of)
                .select_related("unit")
                .order_by("planned_date")
            ],
            "timeline": timeline_svg(project_timeline(period, project=project)),
            "reports": report_history(project),
            # judged at the day the funds list, the dashboard and the briefing judge them at
            "funds": [
                (fund, clock_row(fund, end=period.as_of))
                for fund in with_clocks(project.fund_applications.all(), end=period.as_of).order_by(
                    "-year", "fund_type"
                )
            ],
            "fund_as_of": period.as_of_day,
            "findings": project.findings.select_related("unit").order_by("-found_on"),
            "overrun": project_overrun(project, period_end=period.as_of),
            "revisions": project.revisions.select_related("recorded_by"),
            "batches": listings(
                visible_entries(request.user).filter(project=project), end=period.as_of
            ),
            "signings": visible_activities(request.user)
            .filter(projects=project)
            .select_related("unit")
            .order_by("held_on", "pk"),
            # On the lag list or not, and why: the list's own judgement at the period due.
            "warning": project_warning(period, project=project),
            "judged": any(plan.year == period.year for plan, _, _ in plans),
            "as_of_text": period.as_of_text,
            "year": period.year,
            "month": period.month,
            "months": range(1, 13),
            "today": period.today,
        },
    )
