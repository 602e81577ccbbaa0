"""Fund figures, summed in the database."""

from django.db.models import Count, QuerySet, Sum

from bonds.models import FundApplication, FundType
from bonds.rules import spending_progress
from projects.models import money


def fund_totals(applications: QuerySet[FundApplication]) -> list[dict]:
    """申报/批复/下达/支出 and 支出进度 by fund type, plus a 合计 row (one query)."""
    grouped = {
        row["fund_type"]: row
        for row in applications.order_by()
        .values("fund_type")
        .annotate(
            count=Count("pk"),
            requested=Sum("requested"),
            approved=Sum("approved"),
            allocated=Sum("allocated"),
            spent=Sum("spent"),
        )
    }
    rows = []
    total = {"label": "合计", "count": 0}
    for kind in FundType:
        row = grouped.get(kind.value, {"count": 0})
        line = {"label": kind.label, "count": row["count"]}
        for name in ("requested", "approved", "allocated", "spent"):
            line[name] = money(row.get(name))
            total[name] = total.get(name, money(None)) + line[name]
        line["progress"] = spending_progress(line["spent"], line["allocated"])
        total["count"] += line["count"]
        rows.append(line)
    total["progress"] = spending_progress(total["spent"], total["allocated"])
    return [*rows, total]
