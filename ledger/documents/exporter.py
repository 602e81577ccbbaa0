"""The ledger export: one row generator per sheet, in the pinned header order.

Exports carry the same values an import accepts (labels for coded columns, 是/否, dates
as dates, amounts as numbers), so an exported workbook re-imports unchanged.
"""

from collections.abc import Iterator
from typing import Any

from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q, QuerySet

from batches.models import BatchEntry, Kind
from bonds.models import FundApplication, FundStatus, FundType
from investment.models import MonthlyReport
from ledger.rules import schema
from ledger.rules.results import read_changes
from projects.models import AnnualPlan, FactorCategory, Level, Milestone, Nature, Project, Stage
from supervision.models import Finding

YES_NO = {True: "是", False: "否"}


def _labels(choices: type[models.TextChoices]) -> dict[str | None, str]:
    """Stored value → the label a clerk types ("" for none)."""
    return {None: "", "": "", **{value: str(label) for value, label in choices.choices}}


# Each sheet reads plain values (``values_list``), not model instances: a city's 500,000 report
# rows cost a third of the time as instances (docs/performance.md); a coded column's value
# becomes its label through ``_labels``.
PROJECT_VALUES = (
    "project__code", "project__name", "project__unit__name", "level", "nature",
    "project__total_investment", "year", "planned_investment", "project__industry",
    "project__planned_start", "project__planned_end", "actual_start", "project__leader",
    "project__is_private", "project__content", "project__stage", "statistics_date",
    "project__service_officer", "project__original_total", "project__original_completion",
    "replaced_by__code", "project__signed_on", "project__production_on",
)  # fmt: skip


def project_rows(
    *, year: int | None = None, plans: QuerySet[AnnualPlan] | None = None
) -> Iterator[tuple[Any, ...]]:
    plans = (AnnualPlan.objects.all() if plans is None else plans).order_by("project__code", "year")
    if year is not None:
        plans = plans.filter(year=year)
    levels, natures, stages = _labels(Level), _labels(Nature), _labels(Stage)
    for row in plans.values_list(*PROJECT_VALUES).iterator(chunk_size=2000):
        (code, name, unit, level, nature, total, plan_year, planned, industry, planned_start,
         planned_end, actual_start, leader, private, content, stage, statistics_date, officer,
         original_total, original_completion, replaced_by, signed_on, production_on) = row  # fmt: skip
        yield (
            code, name, unit, levels[level], natures[nature], total, plan_year, planned,
            industry, planned_start, planned_end, actual_start, leader, YES_NO[private],
            content, stages[stage], statistics_date, officer, original_total,
            original_completion, replaced_by or "", signed_on, production_on,
        )  # fmt: skip


def report_rows(
    *, year: int | None = None, plans: QuerySet[AnnualPlan] | None = None
) -> Iterator[tuple[Any, ...]]:
    # Only reports that count: drafts and returned reports are not the unit's figures.
    reports = MonthlyReport.objects.filter(status__in=MonthlyReport.COUNTED_STATUSES)
    if year is not None:
        reports = reports.filter(plan__year=year)
    if plans is not None:
        reports = reports.filter(plan__in=plans.values("pk"))
    reports = reports.order_by("plan__project__code", "plan__year", "month")
    yield from reports.values_list(
        "plan__project__code", "plan__year", "month", "amount", "progress", "problems"
    ).iterator(chunk_size=2000)


def _projects_of(year: int | None, plans: QuerySet[AnnualPlan] | None = None) -> QuerySet[Project]:
    """The projects a year's (or a filtered list's) export covers."""
    if plans is not None:
        return Project.objects.filter(pk__in=plans.values("project"))
    projects = Project.objects.all()
    if year is not None:
        projects = projects.filter(plans__year=year)
    return projects


def milestone_rows(
    *, year: int | None = None, plans: QuerySet[AnnualPlan] | None = None
) -> Iterator[tuple[Any, ...]]:
    milestones = Milestone.objects.filter(project__in=_projects_of(year, plans)).order_by(
        "project__code", "planned_date", "name"
    )
    kinds = _labels(Milestone.Kind)
    values = ("project__code", "name", "planned_date", "kind", "actual_date", "unit__name")
    for code, name, planned, kind, actual, unit in milestones.values_list(*values).iterator(
        chunk_size=2000
    ):
        yield code, name, planned, kinds[kind], actual, unit or ""


def fund_rows(
    *, year: int | None = None, plans: QuerySet[AnnualPlan] | None = None
) -> Iterator[tuple[Any, ...]]:
    funds = FundApplication.objects.order_by("year", "project__code", "fund_type", "batch")
    if year is not None:
        funds = funds.filter(year=year, project__in=_projects_of(year, plans))
    elif plans is not None:
        funds = funds.filter(project__in=_projects_of(year, plans))
    types, statuses = _labels(FundType), _labels(FundStatus)
    values = ("project__code", "fund_type", "year", "requested", "batch", "approved",
              "allocated", "spent", "status", "allocated_on")  # fmt: skip
    for row in funds.values_list(*values).iterator(chunk_size=2000):
        code, fund_type, fund_year, requested, batch, approved, allocated, spent, status, on = row
        yield (code, types[fund_type], fund_year, requested, batch, approved, allocated, spent,
               statuses[status], on)  # fmt: skip


def finding_rows(
    *, year: int | None = None, plans: QuerySet[AnnualPlan] | None = None
) -> Iterator[tuple[Any, ...]]:
    findings = Finding.objects.order_by("found_on", "unit__name", "description")
    if plans is not None:
        # A filtered list's findings are those on its projects.
        findings = findings.filter(project__in=_projects_of(year, plans))
        if year is not None:
            findings = findings.filter(deadline__year=year)
    elif year is not None:
        # A year's findings are those due that year, on the year's projects or on none.
        findings = findings.filter(deadline__year=year).filter(
            Q(project__isnull=True) | Q(project__in=_projects_of(year))
        )
    categories, statuses = _labels(FactorCategory), _labels(Finding.Status)
    values = ("unit__name", "description", "found_on", "deadline", "project__code", "category",
              "status", "closed_on")  # fmt: skip
    for row in findings.values_list(*values).iterator(chunk_size=2000):
        unit, description, found_on, deadline, code, category, status, closed_on = row
        yield (unit, description, found_on, deadline, code or "", categories[category],
               statuses[status], closed_on)  # fmt: skip


def batch_rows(
    *, year: int | None = None, plans: QuerySet[AnnualPlan] | None = None
) -> Iterator[tuple[Any, ...]]:
    """三个一批's listings of the exported projects (a year's: that year's batches), so each
    row's project is in the same workbook's 项目台账 and the sheet re-imports into an empty
    database."""
    projects = _projects_of(year, plans)
    if year is None and plans is None:
        projects = projects.filter(pk__in=AnnualPlan.objects.values("project"))
    entries = BatchEntry.objects.filter(project__in=projects)
    if year is not None:
        entries = entries.filter(batch__year=year)
    entries = entries.order_by(
        "batch__year", "batch__quarter", "batch__name", "kind", "project__code"
    )
    kinds = _labels(Kind)
    values = ("batch__name", "kind", "project__code", "target_date")
    for name, kind, code, target in entries.values_list(*values).iterator(chunk_size=2000):
        yield name, kinds[kind], code, target


ROWS = {
    schema.PROJECTS: project_rows,
    schema.REPORTS: report_rows,
    schema.MILESTONES: milestone_rows,
    schema.FUNDS: fund_rows,
    schema.FINDINGS: finding_rows,
    schema.BATCHES: batch_rows,
}


def ledger_sheets(
    *, year: int | None = None, plans: QuerySet[AnnualPlan] | None = None
) -> Iterator[tuple[str, tuple[str, ...], Iterator[Any]]]:
    """Every sheet of the workbook: (name, headers, rows).

    ``plans`` narrows the export to a filtered list of plan rows and their projects.
    """
    for name, sheet in schema.SHEETS.items():
        yield name, sheet.headers, ROWS[name](year=year, plans=plans)


def template_sheets() -> Iterator[tuple[str, tuple[str, ...], Iterator[Any]]]:
    """The empty template: every sheet's headers, and a sheet explaining how to fill them."""
    for name, sheet in schema.SHEETS.items():
        yield name, sheet.headers, iter(())
    yield schema.INSTRUCTIONS, ("工作表", "列名", "是否必填", "填写要求"), _instruction_rows()


def _instruction_rows() -> Iterator[tuple[Any, ...]]:
    for name, sheet in schema.SHEETS.items():
        yield name, "（整表）", "", sheet.note
        for header in sheet.headers:
            yield name, header, "必填" if header in sheet.required else "选填", _rule(header)
    yield "", "", "", "日期可写作2024-03-05、2024/3/5、2024.3.5或2024年3月5日；"
    yield (
        "",
        "",
        "",
        "金额单位为万元，最多4位小数，可带千位分隔符；同一记录重复导入会更新而不会重复新增。",
    )
    yield (
        "",
        "",
        "",
        "选填列留空表示“未填写”：不会清空系统中已有的内容；与系统一致的行不作任何修改。",
    )


def _rule(header: str) -> str:
    if header in schema.CODED_COLUMNS:
        return "可选值：" + "、".join(schema.CODED_COLUMNS[header])
    if header.endswith("(万元)"):
        return "金额（万元），不能为负数"
    if header == "替换为":
        return "该年度被替换（DESIGN.md 替换）时，填替换它的项目代码；被替换的行不计入当年任何数字"
    if header == "原总投资(万元)":
        return "金额（万元）：项目首次列入年度计划时的总投资；留空则以首次导入的总投资为准"
    if header == "原计划竣工日期":
        return "日期：项目首次列入年度计划时的计划竣工日期；留空则以首次导入的计划竣工日期为准"
    if header == "期次":
        return "如2026年第二期；系统中没有的期次按名称新建（名称须写明年度和第几期，即所在季度）"
    if header == "签约日期":
        return "日期：项目签约的日期（三个一批的签约率按此计算）"
    if header == "投产日期":
        return "日期：项目投产的日期（三个一批的投产率按此计算）"
    if header == "目标日期":
        return "日期：本期次要求签约、开工或投产的日期"
    if header == "纳统日期":
        return "日期：该年度纳入固定资产投资统计（纳统）的日期"
    if header.endswith("日期") or header in {"整改时限"}:
        return "日期"
    if header == "项目代码":
        return "国家代码如2024-410702-47-01-012345；未赋码项目填本地代码（2–40位字母、数字、汉字或-_.）"
    if header in {"年度"}:
        return "四位年份，如2024"
    if header == "月份":
        return "1–12的整数"
    return "文字"


CHANGE_HEADERS = ("工作表", "行", "记录", "字段", "原值", "新值")


def change_sheets(path: str) -> Iterator[tuple[str, tuple[str, ...], Iterator[Any]]]:
    """A preview's change list (kept in storage at ``path``) as one sheet."""

    def rows() -> Iterator[tuple[Any, ...]]:
        with default_storage.open(path, "rb") as lines:
            yield from read_changes(lines)

    yield "变更清单", CHANGE_HEADERS, rows()
