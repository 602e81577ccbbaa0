"""The model history (django-simple-history) of the domain tables, for the auditor and for
telling a user what changed when their form was stale."""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from bonds.models import FundApplication
from investment.models import MonthlyReport, ReportingPeriod, WarningRule, YearSettings
from projects.models import AnnualPlan, Milestone, Project, Unit, User
from projects.versioning import change_line
from supervision.models import Finding

# key: (model, label); Any, as the stubs do not know simple-history's `history` manager
HISTORY_MODELS: dict[str, tuple[Any, str]] = {
    "report": (MonthlyReport, "月度报表"),
    "project": (Project, "项目"),
    "plan": (AnnualPlan, "年度计划"),
    "milestone": (Milestone, "项目节点"),
    "fund": (FundApplication, "资金申报"),
    "finding": (Finding, "督查问题"),
    "period": (ReportingPeriod, "月份锁定"),
    "settings": (YearSettings, "年度设置"),
    "warning_rule": (WarningRule, "预警规则"),
    "unit": (Unit, "责任单位"),
    "user": (User, "用户"),
}


def history_rows(table: str) -> QuerySet[Any]:
    model, _ = HISTORY_MODELS[table]
    rows: QuerySet[Any] = model.history.select_related("history_user").order_by(
        "-history_date", "-history_id"
    )
    return rows


def with_changes(records: list[Any]) -> list[tuple[Any, list[str]]]:
    """(record, ["field: old → new", …]) for a page of history rows, with one more query:
    the earlier rows of the same objects, to compare each record with the one before it (and
    one per model the changed foreign keys name, to show a user or a unit by its name)."""
    if not records:
        return []
    model = type(records[0])
    earlier = model.objects.filter(
        id__in={r.id for r in records}, history_id__lt=max(r.history_id for r in records)
    ).order_by("id", "history_id")
    by_object: dict[int, list[Any]] = {}
    for row in earlier:
        by_object.setdefault(row.id, []).append(row)
    diffs = []
    for record in records:
        before = [r for r in by_object.get(record.id, []) if r.history_id < record.history_id]
        diffs.append((record, _diff(record, before[-1]) if before else []))
    names = _related_names(change for _, changes in diffs for change in changes)
    return [
        (
            record,
            [change_line(field, change.old, change.new, names) for field, change in changes],
        )
        for record, changes in diffs
    ]


def _diff(record: Any, previous: Any) -> list[tuple[Any, Any]]:
    """(field, change) of each field that differs from the record before, bar bookkeeping."""
    model = record.instance_type
    return [
        (model._meta.get_field(change.field), change)
        for change in record.diff_against(previous).changes
        if change.field not in ("version", "updated_at")
    ]


def _related_names(changes: Iterable[tuple[Any, Any]]) -> dict[tuple[Any, Any], str]:
    """{(model, pk): name} of the rows the changes' foreign keys name: one query per model."""
    wanted: dict[Any, set[Any]] = {}
    for field, change in changes:
        if field.many_to_one or field.one_to_one:
            ids = wanted.setdefault(field.related_model, set())
            ids.update(v for v in (change.old, change.new) if v not in (None, ""))
    return {
        (model, pk): str(row)
        for model, ids in wanted.items()
        for pk, row in model._default_manager.in_bulk(ids).items()
    }
