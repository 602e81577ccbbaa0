"""The model history (django-simple-history) of the domain tables, for the auditor's 数据变更记录.

Each record is named by what a person knows (a report by its project and month, a milestone by
its project and name: `describe`), and shows what its person changed against the record before
it: the version counter and the stamps of the row's own operator (报送人/报送时间 of a report
its reporter sends, 审核人 of one the office approves) are what the 操作人 and 时间 columns
already say, and are left out (a step that is nothing else, such as 锁定, keeps them). A page
costs the same few queries whatever its length.

This holds while every write leaves a history row naming its person: services save through
`core.versioning`, bulk writes use simple-history's ``bulk_*_with_history`` (the import,
``add_approval_chain``, flags) or `core.versioning.bulk_update_recorded` (the demo county's
units, projects and online reports, each under its reporter).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from batches.models import Batch, BatchEntry
from bonds.models import FundApplication
from core.versioning import change_line
from investment.models import (
    MonthlyReport,
    QualityFlag,
    QualityRule,
    ReportingPeriod,
    ReportPhoto,
    WarningRule,
    YearSettings,
)
from projects.models import AnnualPlan, Milestone, Project, ProjectRevision, Unit, User
from promotion.models import Activity
from supervision.models import Finding

BOOKKEEPING = {"version", "updated_at"}
DESCRIPTION_SHOWN = 20  # characters of a finding's description in its name


def _rows(model: Any, ids: Iterable[Any]) -> dict[Any, Any]:
    """{id: row} as the rows are now; a row since deleted as its history last had it. One
    query, a second only when some are gone."""
    wanted = {pk for pk in ids if pk is not None}
    found: dict[Any, Any] = model._default_manager.in_bulk(wanted)
    missing = wanted - set(found)
    if missing:
        for row in model.history.filter(id__in=missing).order_by("id", "history_id"):
            found[row.id] = row  # the last one of each id wins
    return found


def _project_names(ids: Iterable[Any]) -> dict[Any, str]:
    return {pk: row.name for pk, row in _rows(Project, ids).items()}


def _reports(records: list[Any]) -> list[str]:
    plans = _rows(AnnualPlan, (r.plan_id for r in records))
    names = _project_names(plan.project_id for plan in plans.values())
    out = []
    for r in records:
        plan = plans.get(r.plan_id)
        if plan is None:
            out.append(f"年度计划#{r.plan_id} {r.month}月")
        else:
            out.append(f"{names.get(plan.project_id, '')} {plan.year}年{r.month}月")
    return out


def _photos(records: list[Any]) -> list[str]:
    reports = _rows(MonthlyReport, (r.report_id for r in records))
    named = dict(zip(reports, _reports(list(reports.values())), strict=True))
    return [f"{named.get(r.report_id, '')} · {r.caption or '进度照片'}" for r in records]


def _plans(records: list[Any]) -> list[str]:
    names = _project_names(r.project_id for r in records)
    return [f"{names.get(r.project_id, '')} {r.year}年" for r in records]


def _revisions(records: list[Any]) -> list[str]:
    names = _project_names(r.project_id for r in records)
    fields = dict(ProjectRevision.Field.choices)
    return [
        f"{names.get(r.project_id, '')} · {fields.get(r.field, '')}调整 {r.revised_on:%Y-%m-%d}"
        for r in records
    ]


def _milestones(records: list[Any]) -> list[str]:
    names = _project_names(r.project_id for r in records)
    return [f"{names.get(r.project_id, '')} · {r.name}" for r in records]


def _funds(records: list[Any]) -> list[str]:
    names = _project_names(r.project_id for r in records)
    kinds = dict(FundApplication._meta.get_field("fund_type").flatchoices)
    return [
        f"{names.get(r.project_id, '')} · {kinds.get(r.fund_type, r.fund_type)} "
        f"{r.batch or f'{r.year}年'}"
        for r in records
    ]


def _batch_entries(records: list[Any]) -> list[str]:
    names = _project_names(r.project_id for r in records)
    batches = {pk: row.name for pk, row in _rows(Batch, (r.batch_id for r in records)).items()}
    kinds = dict(BatchEntry._meta.get_field("kind").flatchoices)
    return [
        f"{batches.get(r.batch_id, '')} · {kinds.get(r.kind, r.kind)} · {names.get(r.project_id, '')}"
        for r in records
    ]


def _activities(records: list[Any]) -> list[str]:
    units = _rows(Unit, (r.unit_id for r in records))
    kinds = dict(Activity._meta.get_field("kind").flatchoices)
    return [
        f"{getattr(units.get(r.unit_id), 'name', '')} · {r.held_on:%Y-%m-%d} "
        f"{kinds.get(r.kind, r.kind)} {_start(r.counterpart)}"
        for r in records
    ]


def _start(text: str) -> str:
    return text if len(text) <= DESCRIPTION_SHOWN else text[: DESCRIPTION_SHOWN - 1] + "…"


def _findings(records: list[Any]) -> list[str]:
    units = _rows(Unit, (r.unit_id for r in records))
    return [
        f"{getattr(units.get(r.unit_id), 'name', '')} · {_start(r.description)}" for r in records
    ]


def _warning_rules(records: list[Any]) -> list[str]:
    kinds = dict(WarningRule._meta.get_field("indicator").flatchoices)
    return [f"{r.year}年 预警规则·{kinds.get(r.indicator, r.indicator)}" for r in records]


def _quality_rules(records: list[Any]) -> list[str]:
    kinds = dict(QualityRule._meta.get_field("rule").flatchoices)
    return [f"{r.year}年 数据质量规则·{kinds.get(r.rule, r.rule)}" for r in records]


def _quality_flags(records: list[Any]) -> list[str]:
    reports = _rows(MonthlyReport, (r.report_id for r in records))
    named = dict(zip(reports, _reports(list(reports.values())), strict=True))
    kinds = dict(QualityFlag._meta.get_field("rule").flatchoices)
    return [f"{named.get(r.report_id, '')} · {kinds.get(r.rule, r.rule)}" for r in records]


def _users(records: list[Any]) -> list[str]:
    return [f"{r.first_name}（{r.username}）" if r.first_name else r.username for r in records]


@dataclass(frozen=True)
class Kind:
    """One table of 数据变更记录: its model, its name, and how its records are named (the
    page's records in, one name each out, in a fixed number of queries)."""

    model: Any  # simple-history's `history` manager is unknown to the stubs
    label: str
    describe: Callable[[list[Any]], list[str]]


HISTORY_MODELS: dict[str, Kind] = {
    "report": Kind(MonthlyReport, "月度报表", _reports),
    "photo": Kind(ReportPhoto, "进度照片", _photos),
    "project": Kind(Project, "项目", lambda rs: [f"{r.name}（{r.code}）" for r in rs]),
    "plan": Kind(AnnualPlan, "年度计划", _plans),
    "milestone": Kind(Milestone, "项目节点", _milestones),
    "revision": Kind(ProjectRevision, "项目调整", _revisions),
    "fund": Kind(FundApplication, "资金申报", _funds),
    "batch": Kind(Batch, "三个一批期次", lambda rs: [r.name for r in rs]),
    "batch_entry": Kind(BatchEntry, "三个一批项目", _batch_entries),
    "finding": Kind(Finding, "督查问题", _findings),
    "promotion": Kind(Activity, "招商引资", _activities),
    "period": Kind(ReportingPeriod, "月份锁定", lambda rs: [f"{r.year}年{r.month}月" for r in rs]),
    "settings": Kind(YearSettings, "年度设置", lambda rs: [f"{r.year}年 年度设置" for r in rs]),
    "warning_rule": Kind(WarningRule, "预警规则", _warning_rules),
    "quality_rule": Kind(QualityRule, "数据质量规则", _quality_rules),
    "quality_flag": Kind(QualityFlag, "数据质量提示", _quality_flags),
    "unit": Kind(Unit, "责任单位", lambda rs: [r.name for r in rs]),
    "user": Kind(User, "用户", _users),
}


def register(key: str, kind: Kind) -> None:
    """A table of an app below this one, which it may not import, added by that app when it is
    ready (upstream's 上报模板, `upstream.apps`)."""
    HISTORY_MODELS[key] = kind


def history_rows(table: str) -> QuerySet[Any]:
    rows: QuerySet[Any] = (
        HISTORY_MODELS[table]
        .model.history.select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    return rows


def describe(table: str, records: list[Any]) -> dict[int, str]:
    """{history_id: the record's name} for a page of one table's history records."""
    names = HISTORY_MODELS[table].describe(records) if records else []
    return {record.history_id: name for record, name in zip(records, names, strict=True)}


def with_changes(records: list[Any]) -> list[tuple[Any, list[str] | None]]:
    """(record, ["field: old → new", …]) for a page of history rows, with one more query:
    the earlier rows of the same objects, to compare each record with the one before it (and
    one per model the changed foreign keys name, to show a user or a unit by its name).
    None for a changed record with no earlier one to compare with."""
    if not records:
        return []
    model = type(records[0])
    earlier = model.objects.filter(
        id__in={r.id for r in records}, history_id__lt=max(r.history_id for r in records)
    ).order_by("id", "history_id")
    by_object: dict[int, list[Any]] = {}
    for row in earlier:
        by_object.setdefault(row.id, []).append(row)
    diffs: list[tuple[Any, list[tuple[Any, Any]] | None]] = []
    for record in records:
        before = [r for r in by_object.get(record.id, []) if r.history_id < record.history_id]
        diffs.append((record, _diff(record, before[-1]) if before else None))
    names = _related_names(change for _, changes in diffs for change in changes or [])
    return [
        (
            record,
            None
            if changes is None
            else [change_line(field, change.old, change.new, names) for field, change in changes],
        )
        for record, changes in diffs
    ]


def _diff(record: Any, previous: Any) -> list[tuple[Any, Any]]:
    """(field, change) of each field the record's person changed since the record before."""
    model = record.instance_type
    order = {field.name: index for index, field in enumerate(model._meta.fields)}
    changes = [
        (model._meta.get_field(change.field), change)
        for change in sorted(record.diff_against(previous).changes, key=lambda c: order[c.field])
        if change.field not in BOOKKEEPING
    ]
    stamps = _own_stamps(record, [field for field, _ in changes])
    shown = [(field, change) for field, change in changes if field.name not in stamps]
    return shown or changes  # a step that is nothing but its stamp (锁定) shows the stamp


def _own_stamps(record: Any, fields: list[Any]) -> set[str]:
    """The changed ``x_by``/``x_at`` pairs whose ``x_by`` now names the record's own operator:
    the step's who and when, which the row's 操作人 and 时间 already show."""
    stamps = set()
    for field in fields:
        own = field.name.endswith("_by") and field.related_model is User
        if own and getattr(record, field.attname) == record.history_user_id:
            stamps |= {field.name, field.name.removesuffix("_by") + "_at"}
    return stamps


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
        # select_related: a plan or a report is named by its project's row
        for pk, row in model._default_manager.select_related().in_bulk(ids).items()
    }
