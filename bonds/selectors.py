"""Fund figures, summed in the database."""

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, QuerySet, Sum

from bonds.models import FundApplication, FundType
from bonds.rules import LIFECYCLE, spending_progress
from core.models import money

AMOUNTS = [field for field, _ in LIFECYCLE]
# How the totals can be grouped: (the column grouped on, its heading)
GROUPINGS = {
    "fund_type": ("fund_type", "资金类型"),
    "year": ("year", "年度"),
    "unit": ("project__unit__name", "责任单位"),
}


def fund_totals(
    applications: QuerySet[FundApplication], by: str = "fund_type"
) -> list[dict[str, Any]]:
    """申报/批复/下达/支出 and 支出进度 by type, year or unit, plus a 合计 row (one query)."""
    column, _ = GROUPINGS[by]
    grouped = {
        row[column]: row
        for row in applications.order_by()
        .values(column)
        .annotate(count=Count("pk"), **{name: Sum(name) for name in AMOUNTS})
    }
    if by == "fund_type":  # every type has a row, even with nothing applied for
        keys = [(kind.value, kind.label) for kind in FundType]
    else:
        keys = [(key, f"{key}年" if by == "year" else key) for key in sorted(grouped)]
    rows = []
    total: dict[str, Any] = {"label": "合计", "count": 0, **{name: money(None) for name in AMOUNTS}}
    for key, label in keys:
        row = grouped.get(key, {"count": 0})
        line: dict[str, Any] = {"label": label, "count": row["count"]}
        for name in AMOUNTS:
            line[name] = money(row.get(name))
            total[name] += line[name]
        line["progress"] = spending_progress(line["spent"], line["allocated"])
        total["count"] += line["count"]
        rows.append(line)
    total["progress"] = spending_progress(total["spent"], total["allocated"])
    return [*rows, total]


EXPORT_HEADERS = ("项目代码", "项目名称", "责任单位", "资金类型", "年度", "批次", "申报金额(万元)",
                  "申报日期", "批复金额(万元)", "批复日期", "下达金额(万元)", "下达日期",
                  "支出金额(万元)", "支出截至日期", "支出进度(%)", "状态", "备注")  # fmt: skip


def export_rows(applications: QuerySet[FundApplication]) -> Iterator[tuple[Any, ...]]:
    """One row per application, in the list's order (a generator: the renderer writes it)."""
    for f in applications.select_related("project__unit").order_by("-year", "project__code"):
        progress = spending_progress(f.spent, f.allocated)
        yield (
            f.project.code, f.project.name, f.project.unit.name, f.get_fund_type_display(),
            f.year, f.batch, f.requested, f.applied_on, f.approved, f.approved_on, f.allocated,
            f.allocated_on, f.spent, f.spent_on,
            None if progress is None else round(progress, 2), f.get_status_display(), f.note,
        )  # fmt: skip


def totals_headers(heading: str) -> tuple[str, ...]:
    return (heading, "项数", "申报(万元)", "批复(万元)", "下达(万元)", "支出(万元)", "支出进度(%)")


def totals_rows(totals: list[dict[str, Any]]) -> Iterator[tuple[Any, ...]]:
    for t in totals:
        progress = t["progress"]
        yield (
            t["label"], t["count"], *(t[name] for name in AMOUNTS),
            None if progress is None else round(progress, 2),
        )  # fmt: skip
