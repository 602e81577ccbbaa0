"""Reads of data quality: a period's flags for the 数据质量 page, its export and the command,
and the one line leaders read beside the completeness line (数据质量提示N条，未核实M条)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from investment.models import MonthlyReport, QualityFlag, QualityRule
from projects.models import AnnualPlanQuerySet

Status = QualityFlag.Status


@dataclass(frozen=True)
class QualityCount:
    """The flags on the reports a period's figures count (months 1..m of year Y, submitted
    or approved), and how many of them the office has not examined (open or explained)."""

    flags: int
    unexamined: int

    @property
    def text(self) -> str:
        """The leaders' line ("" when there is nothing to say)."""
        if not self.flags:
            return ""
        return f"数据质量提示{self.flags}条，未核实{self.unexamined}条"


def quality_count(
    *, year: int, month: int, plans: AnnualPlanQuerySet | None = None
) -> QualityCount:
    """N and M of ``QualityCount`` for ``plans`` (default: every row): one query.

    The figures through month m are made of months 1..m, so a flag on an earlier month that
    the office never examined still weighs on this period's figures.
    """
    flags = QualityFlag.objects.filter(
        report__plan__year=year,
        report__month__lte=month,
        report__status__in=MonthlyReport.COUNTED_STATUSES,
    )
    if plans is not None:
        flags = flags.filter(report__plan__in=plans)
    counts = flags.aggregate(
        flags=Count("pk"), unexamined=Count("pk", filter=Q(status__in=QualityFlag.UNEXAMINED))
    )
    return QualityCount(flags=counts["flags"], unexamined=counts["unexamined"])


def earlier_unexamined(
    *, year: int, month: int, plans: AnnualPlanQuerySet | None = None
) -> list[tuple[int, int]]:
    """(month, unexamined flags) for the months before ``month`` whose counted reports still
    carry flags the office has not examined: they weigh on ``quality_count`` too, so 数据质量
    names them with a link (one query)."""
    flags = QualityFlag.objects.filter(
        report__plan__year=year,
        report__month__lt=month,
        report__status__in=MonthlyReport.COUNTED_STATUSES,
        status__in=QualityFlag.UNEXAMINED,
    )
    if plans is not None:
        flags = flags.filter(report__plan__in=plans)
    return list(
        flags.order_by()
        .values_list("report__month")
        .annotate(n=Count("pk"))
        .order_by("report__month")
    )


def period_flags(
    *,
    year: int,
    month: int,
    plans: AnnualPlanQuerySet | None = None,
    unit: int | None = None,
    rule: str | None = None,
    status: str | None = None,
) -> QuerySet[QualityFlag]:
    """Month ``month``'s flags (the reports of that month), filtered, by unit and project."""
    flags = QualityFlag.objects.filter(report__plan__year=year, report__month=month)
    if plans is not None:
        flags = flags.filter(report__plan__in=plans)
    if unit is not None:
        flags = flags.filter(report__plan__project__unit=unit)
    if rule in QualityRule.Code.values:
        flags = flags.filter(rule=rule)
    if status in Status.values:
        flags = flags.filter(status=status)
    return flags.select_related(
        "report__plan__project__unit", "explained_by", "accepted_by"
    ).order_by("report__plan__project__unit__name", "report__plan__project__code", "rule")


def _counts(flags: QuerySet[QualityFlag], *keys: str) -> list[dict[str, Any]]:
    def count(status: str) -> Count:
        return Count("pk", filter=Q(status=status))

    return list(
        flags.order_by()
        .values(*keys)
        .annotate(
            total=Count("pk"),
            open=count(Status.OPEN),
            explained=count(Status.EXPLAINED),
            accepted=count(Status.ACCEPTED),
        )
        .order_by(*keys)
    )


def by_unit(flags: QuerySet[QualityFlag]) -> list[dict[str, Any]]:
    """One row per unit: its flags, open, explained and accepted (one query)."""
    return _counts(flags, "report__plan__project__unit", "report__plan__project__unit__name")


def by_rule(flags: QuerySet[QualityFlag]) -> list[dict[str, Any]]:
    """One row per rule, in the table's order (one query)."""
    rows = {row["rule"]: row for row in _counts(flags, "rule")}
    return [
        {**rows[code], "label": label} for code, label in QualityRule.Code.choices if code in rows
    ]


HEADERS = ("责任单位", "项目代码", "项目名称", "年度", "月份", "规则", "状态", "提示",
           "填报单位说明", "说明人", "核实意见", "核实人", "报表状态")  # fmt: skip


def export_rows(flags: QuerySet[QualityFlag]):
    """The 数据质量 export's rows, one per flag (a row generator)."""
    for flag in flags.iterator(chunk_size=2000):
        report = flag.report
        project = report.plan.project
        yield (
            project.unit.name,
            project.code,
            project.name,
            report.plan.year,
            report.month,
            flag.get_rule_display(),
            flag.get_status_display(),
            flag.message,
            flag.explanation,
            str(flag.explained_by or ""),
            flag.note,
            str(flag.accepted_by or ""),
            report.get_status_display(),
        )


def command_rows(*, year: int, month: int) -> list[dict[str, Any]]:
    """`manage.py data_quality --json` (DESIGN.md §4): one object per flag of the month."""
    flags = QualityFlag.objects.filter(report__plan__year=year, report__month=month).order_by(
        "report__plan__project__code", "rule"
    )
    return [
        {
            "project_code": code,
            "year": year,
            "month": month,
            "rule": rule,
            "status": status,
            "message": message,
        }
        for code, rule, status, message in flags.values_list(
            "report__plan__project__code", "rule", "status", "message"
        )
    ]
