"""The model history (django-simple-history) of the domain tables, for the auditor and for
telling a user what changed when their form was stale."""

from django.db.models import QuerySet

from bonds.models import FundApplication
from investment.models import MonthlyReport, ReportingPeriod, YearSettings
from projects.models import AnnualPlan, Milestone, Project, Unit, User
from supervision.models import Finding

# key: (model, label)
HISTORY_MODELS = {
    "report": (MonthlyReport, "月度报表"),
    "project": (Project, "项目"),
    "plan": (AnnualPlan, "年度计划"),
    "milestone": (Milestone, "项目节点"),
    "fund": (FundApplication, "资金申报"),
    "finding": (Finding, "督查问题"),
    "period": (ReportingPeriod, "月份锁定"),
    "settings": (YearSettings, "年度设置"),
    "unit": (Unit, "责任单位"),
    "user": (User, "用户"),
}


def history_rows(table: str) -> QuerySet:
    model, _ = HISTORY_MODELS[table]
    return model.history.select_related("history_user").order_by("-history_date", "-history_id")


def with_changes(records: list) -> list[tuple]:
    """(record, ["field: old → new", …]) for a page of history rows, with one more query:
    the earlier rows of the same objects, to compare each record with the one before it."""
    if not records:
        return []
    model = type(records[0])
    earlier = model.objects.filter(
        id__in={r.id for r in records}, history_id__lt=max(r.history_id for r in records)
    ).order_by("id", "history_id")
    by_object: dict[int, list] = {}
    for row in earlier:
        by_object.setdefault(row.id, []).append(row)
    rows = []
    for record in records:
        before = [r for r in by_object.get(record.id, []) if r.history_id < record.history_id]
        rows.append((record, _changes(record, before[-1]) if before else []))
    return rows


def _changes(record, previous) -> list[str]:
    instance_model = record.instance_type
    lines = []
    for change in record.diff_against(previous).changes:
        if change.field in ("version", "updated_at"):
            continue
        field = instance_model._meta.get_field(change.field)
        lines.append(f"{field.verbose_name}：{change.old} → {change.new}")
    return lines
