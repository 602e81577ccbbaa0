"""The leaders' briefing (简报): what seed 004's template asks for, filled from the data.

`briefing_data` gathers every figure through the same selectors the pages use (no formula is
computed here or in the template); `project_sheet_data` does the same for one project's
one-page sheet (项目一页纸). The PDF is drawn by `core.pdf.render_pdf` from
`templates/briefing/`. A fixed number of queries, whatever the number of projects.

Beyond the pages' figures, the briefing fills seed 004's blanks: new starts and 集中开工 (a day
with at least three new starts), 前期手续 done by the period end, 纳统, 民间投资, funds by type,
the findings overdue at the period end, and section (五)'s 招商引资 (`promotion.selectors`). Long
lists are cut to the worst ``BRIEFING_LIST`` with their totals (`furthest_behind`), as the notice
cuts them.
"""

import base64
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.fields.files import FieldFile
from django.utils.safestring import SafeString

from batches.models import Batch, BatchEntry
from batches.selectors import BatchRates, batch_rates, batches_of_year
from bonds.models import FundApplication, FundType
from bonds.selectors import BondClock, fund_totals, special_bond_clock
from core.formatting import quarter_name
from core.models import PeriodKind, money
from core.pdf import cyclic_gc_paused, render_pdf
from investment import rules
from investment.documents import charts
from investment.documents.timeline import timeline_svg
from investment.models import BriefingNote, MonthlyReport, ReportPhoto
from investment.rules.overruns import (
    OverrunSummary,
    ProjectOverrun,
    overrun_summary,
    project_overrun,
)
from investment.rules.periods import Period
from investment.selectors.figure_cache import cached
from investment.selectors.portfolio import (
    Completeness,
    Figures,
    PortfolioSummary,
    by_completion_rate,
    figures_by_each,
    monthly_completion,
    portfolio_summary,
    report_completeness,
)
from investment.selectors.progress import (
    LagWarning,
    LevelCount,
    lag_warnings,
    level_counts,
    plan_progress,
    project_warning,
)
from investment.selectors.rankings import Ranking, unit_ranking
from investment.selectors.timeline import project_timeline
from projects.models import AnnualPlan, AnnualPlanQuerySet, Level, Milestone, Nature, Project
from projects.rules import in_statistics_q, started_q
from promotion.selectors import BriefingSection, briefing_section
from supervision.models import Finding

# A day on which at least this many new projects broke ground counts as a 集中开工 event.
GROUNDBREAKING_MIN = 3


@dataclass
class NewStarts:
    count: int = 0
    total_investment: Decimal = Decimal(0)
    annual_plan: Decimal = Decimal(0)
    this_period: int = 0
    groundbreakings: list[tuple[date, int]] = field(default_factory=list)


@dataclass
class Briefing:
    year: int
    month: int
    kind: str
    label: str
    end: date
    as_of: date  # the end, or today while the period has not ended (`Period.as_of`)
    as_of_text: str  # 截至… in the prose: 11月底, 12月7日
    as_of_day: str  # 截至… over a table: 2026年9月末, 2026年12月7日
    as_of_note: str  # 本季度尚未结束，数据截至12月7日 ("" once it has ended)
    summary: PortfolioSummary
    levels: list[tuple[str, Figures]]
    by_unit: list[tuple[str, Figures]]
    new_starts: NewStarts
    approvals_due: int
    approvals_done: int
    statistics: int
    private_projects: int
    private_plan: Decimal
    funds: list[dict[str, Any]]
    special_bonds: dict[str, Any]
    bond_clock: BondClock  # 专项债券资金支出进度 and the projects lit, at the period end
    budget_allocated: Decimal
    lagging: list[LagWarning]  # the furthest behind, at most BRIEFING_LIST
    lagging_total: int
    lagging_levels: list[LevelCount]
    overdue_findings: list[Finding]  # the longest overdue, at most BRIEFING_LIST
    overdue_total: int
    ranking: Ranking
    charts: list[Any]
    next_steps: str
    completeness: Completeness
    overruns: OverrunSummary
    promotion: BriefingSection  # section (五) 招商引资
    batches: list[BatchRates]  # 三个一批: a quarter's or the year's (none in a month's)

    @property
    def title(self) -> str:
        return f"{self.label}全县重点项目建设情况"

    @property
    def has_data(self) -> bool:
        return self.summary.projects > 0

    @property
    def approval_rate(self) -> Decimal | None:
        return rules.percent(self.approvals_done, self.approvals_due)


def _new_starts(plans: AnnualPlanQuerySet, period: Period) -> NewStarts:
    new = plans.filter(
        started_q(period.as_of), nature=Nature.NEW, actual_start__gte=period.year_start
    )
    totals = new.aggregate(
        count=Count("pk"),
        total=Sum("project__total_investment"),
        plan=Sum("planned_investment"),
        this_period=Count("pk", filter=Q(actual_start__gte=period.start)),
    )
    days = (
        new.order_by().values("actual_start").annotate(n=Count("pk")).filter(n__gte=GROUNDBREAKING_MIN)
    )  # fmt: skip
    return NewStarts(
        count=totals["count"],
        total_investment=money(totals["total"]),
        annual_plan=money(totals["plan"]),
        this_period=totals["this_period"],
        # actual_start is never None here: the rows are filtered on it
        groundbreakings=sorted((row["actual_start"], row["n"]) for row in days),  # type: ignore[misc]
    )


def overdue_findings_at(end: date) -> list[Finding]:
    """Findings overdue at the end of ``end``: due by then, not closed out by then."""
    return list(
        Finding.objects.overdue(at_end_of=end)
        .select_related("unit", "project")
        .order_by("deadline", "unit__name", "pk")
    )


# A briefing names the worst cases, as the seeds do ("…等项目进展缓慢"); the full lists are the
# 滞后预警 and 督查 pages. Twenty rows keep a city's briefing readable and quick to render.
BRIEFING_LIST = 20


def furthest_behind(warnings: list[LagWarning]) -> list[LagWarning]:
    """Most points behind the schedule first; rows without a rate (no plan) last."""
    return sorted(
        warnings,
        key=lambda w: (w.progress.ahead_pp is None, w.progress.ahead_pp or 0, w.progress.code),
    )[:BRIEFING_LIST]


def briefing_data(period: Period) -> Briefing:
    """Everything the briefing of ``period`` says (a month, a quarter or the year)."""
    year, month, kind = period.year, period.month, period.kind
    end = period.as_of  # whatever is judged "by now" is judged today while the period runs
    plans = AnnualPlan.objects.counted(year)
    # the levels and the units from one pair of grouped queries, as the dashboard reads them
    breakdowns = figures_by_each(period, by=("level", "unit"))
    summary = portfolio_summary(period, by_level=breakdowns["level"])
    by_unit = by_completion_rate(breakdowns["unit"])
    # the projects on the list by a semi-join: each milestone once without a DISTINCT over the
    # join (a city's 47,000 milestones: 0.16 s → 0.04 s on PostgreSQL)
    approvals = Milestone.objects.filter(
        project__in=plans.values("project"), kind=Milestone.Kind.APPROVAL, planned_date__lte=end
    ).aggregate(due=Count("pk"), done=Count("pk", filter=Q(actual_date__lte=end)))
    extra = plans.aggregate(
        statistics=Count("pk", filter=in_statistics_q(end)),
        private=Count("pk", filter=Q(project__is_private=True)),
        private_plan=Sum("planned_investment", filter=Q(project__is_private=True)),
    )
    year_funds = FundApplication.objects.filter(year=year)
    # 下达 and 支出 at the day the 支出进度 line beside the table is judged at
    funds = fund_totals(year_funds, end=end)
    by_label = {row["label"]: row for row in funds}
    special_bonds = by_label[FundType.SPECIAL_BOND.label]
    budget = sum(
        by_label[kind.label]["allocated"]
        for kind in (FundType.CENTRAL_BUDGET, FundType.PROVINCIAL_BUDGET)
    ) + money(None)
    ranking = unit_ranking(period)
    note = BriefingNote.objects.filter(year=year, period=kind, month=month).first()
    lagging = lag_warnings(period)
    overdue = overdue_findings_at(end)
    return Briefing(
        year=year,
        month=month,
        kind=kind,
        label=period.label,
        end=period.end,
        as_of=end,
        as_of_text=period.as_of_text,
        as_of_day=period.as_of_day,
        as_of_note=period.as_of_note,
        summary=summary,
        levels=[
            (level.label, summary.by_level[level.value])
            for level in Level
            if summary.by_level[level.value].projects
        ],  # fmt: skip
        by_unit=by_unit,
        new_starts=_new_starts(plans, period),
        approvals_due=approvals["due"],
        approvals_done=approvals["done"],
        statistics=extra["statistics"],
        private_projects=extra["private"],
        private_plan=money(extra["private_plan"]),
        funds=funds,
        special_bonds=special_bonds,
        bond_clock=special_bond_clock(year_funds, end=end),
        budget_allocated=budget,
        lagging=furthest_behind(lagging),
        lagging_total=len(lagging),
        lagging_levels=level_counts(lagging),
        overdue_findings=overdue[:BRIEFING_LIST],
        overdue_total=len(overdue),
        ranking=ranking,
        charts=_charts(period, summary, by_unit) if summary.projects else [],
        next_steps=note.next_steps if note else "",
        completeness=report_completeness(period),
        overruns=overrun_summary(period, plans=AnnualPlan.objects.all()),
        promotion=briefing_section(year_start=period.year_start, start=period.start, end=end),
        batches=briefing_batches(period) if kind != PeriodKind.MONTH else [],
    )


def briefing_batches(period: Period) -> list[BatchRates]:
    """三个一批 as the briefing states it: the year's batches through the period's quarter, each
    one's 签约率, 开工率 and 投产率 for the county at the period end and by unit, for the units
    with a project listed in that batch (a printed page of units at — says nothing; the
    batch's page lists every unit). 2 queries."""
    batches = batches_of_year(Batch.objects.all(), period.year, through_quarter=period.quarter)
    return batch_rates(batches, BatchEntry.objects.all(), end=period.as_of)


BATCH_HEADERS = ("期次", "年度", "季度", "责任单位", "列入签约", "已签约", "签约率(%)", "列入开工",
                 "已开工", "开工率(%)", "列入投产", "已投产", "投产率(%)")  # fmt: skip


def batch_rows(batches: list[BatchRates]) -> Iterator[tuple[Any, ...]]:
    """三个一批's workbook (the briefing's): each batch's county row, then its units' rows; a
    rate with none listed is blank, as the pages write it —."""
    for rates in batches:
        batch = rates.batch
        place = (batch.name, batch.year, quarter_name(batch.quarter))
        for unit, kinds in [("全县", rates.kinds), *((u.unit, u.kinds) for u in rates.units)]:
            yield (*place, unit,
                   *(v for k in kinds for v in (k.listed, k.done, rules.for_machine(k.rate))))  # fmt: skip


def _charts(
    period: Period, summary: PortfolioSummary, by_unit: list[tuple[str, Figures]]
) -> list[Any]:
    year, month = period.year, period.month
    return [
        charts.line_chart(
            title=f"{year}年累计投资完成率与序时进度",
            labels=[f"{m}月" for m in range(1, month + 1)],
            series=[
                ("完成率", monthly_completion(period), "#1f4e79"),
                ("序时进度", [rules.time_progress(m) for m in range(1, month + 1)], "#c0392b"),
            ],
        ),
        *charts.bar_charts(
            title="各责任单位投资完成率",
            items=[(name, figures.completion_rate) for name, figures in by_unit],
            reference=summary.time_progress,
        ),
    ]


# --- the one-page project sheet -------------------------------------------------------------


SHEET_PHOTOS = 3  # as many thumbnails as fit beside the facts without a second page


@dataclass
class ProjectSheet:
    project: Project
    year: int
    month: int
    plan: AnnualPlan | None
    progress: Any  # the plan row annotated with ``completed``, or None
    months: list[tuple[int, Decimal | None, Decimal | None, str]]
    timeline: SafeString  # 节点作战图 of its milestones at the period end (`documents.timeline`)
    findings: list[Finding]
    # The latest photos of the sheet's year up to its month, newest first: (data: URI, so the
    # PDF needs no fetch; caption; month).
    photos: list[tuple[str | None, str, int]]
    overrun: ProjectOverrun
    warning: LagWarning | None  # its row on the period's lag list (`project_warning`)
    as_of_text: str  # 截至…: 11月底

    @property
    def completed(self) -> Decimal | None:
        """累计完成 through the month: 0 before any report, as the months' table adds up."""
        return None if self.progress is None else money(self.progress.completed)

    @property
    def completion_rate(self) -> Decimal | None:
        if self.completed is None or self.plan is None:
            return None
        return rules.percent(self.completed, self.plan.planned_investment)


def project_sheet_data(period: Period, *, project: Project) -> ProjectSheet:
    """What 项目一页纸 says of ``project`` at ``period``."""
    year, month = period.year, period.month
    plan = project.plans.filter(year=year).first()
    progress = (
        plan_progress(year=year, month=month, plans=AnnualPlan.objects.filter(pk=plan.pk)).first()
        if plan
        else None
    )
    reports = {
        r.month: r
        for r in MonthlyReport.objects.filter(MonthlyReport.counted_q(through=month), plan=plan)
    } if plan else {}  # fmt: skip
    months, cumulative = [], Decimal(0)
    for m in range(1, month + 1):
        report = reports.get(m)
        cumulative += report.amount if report else 0
        months.append(
            (m, report.amount if report else None, cumulative if plan else None,
             report.progress if report else "")
        )  # fmt: skip
    photos = ReportPhoto.objects.filter(
        report__plan__project=project, report__plan__year=year, report__month__lte=month
    ).order_by("-report__month", "-uploaded_at")[:SHEET_PHOTOS]
    return ProjectSheet(
        project=project,
        year=year,
        month=month,
        plan=plan,
        progress=progress,
        months=months,
        timeline=timeline_svg(project_timeline(period, project=project), hover=False),
        findings=list(
            project.findings.exclude(status=Finding.Status.CLOSED)
            .select_related("unit")
            .order_by("deadline")
        ),
        photos=[
            (_data_uri(p.thumbnail), p.caption, p.report.month)
            for p in photos.select_related("report")
        ],
        overrun=project_overrun(project, period_end=period.as_of),
        warning=project_warning(period, project=project) if plan else None,
        as_of_text=period.as_of_text,
    )


def _data_uri(image: FieldFile) -> str | None:
    if not image:
        return None
    with image.open("rb") as handle:
        return "data:image/jpeg;base64," + base64.b64encode(handle.read()).decode()


def briefing_pdf_bytes(period: Period) -> bytes:
    """The briefing as leaders download it; the ``briefing`` command writes the same bytes.

    Kept under the data version (`investment.selectors.figure_cache`), the period as asked and
    its day (the PDF prints both: 编制 and 数据截至): a city's takes seconds to lay out, most of
    them WeasyPrint's (docs/performance.md), and is the same file, byte for byte, until a write
    moves the version on or the day changes. The file is not the viewer's: every role that may
    download it reads the same county-wide briefing."""
    return cached(
        "briefing_pdf",
        (period.year, period.month, period.kind, period.today),
        compute=partial(_briefing_pdf, period),
    )


def _briefing_pdf(period: Period) -> bytes:
    with cyclic_gc_paused():  # a city's 12,000 plan rows judged are objects too (`core.pdf`)
        briefing = briefing_data(period)
        return render_pdf("briefing/briefing.html", {"b": briefing, "generated": period.today})
