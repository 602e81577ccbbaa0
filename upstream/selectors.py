"""The values a template's columns are filled with: for each plan row of the period's year that
the template covers (its level, its unit, or all of the year's list), every field of
`upstream.rules.fields.FIELDS`, read through the existing selectors and rules, never restated.

The plan rows and their sums are `investment.selectors.progress.progress_rows` (the rows that
count, 替换 left out; completed investment through the month from the reports that count), with
the month's own figures annotated in the same one query: a download costs the same few queries
for ten projects or three hundred.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, OuterRef, Q, Subquery, Sum

from core.models import money
from core.versioning import change_line
from history.selectors import Kind
from investment import rules
from investment.models import MonthlyReport
from investment.rules.periods import Period
from investment.selectors.progress import PlanProgress, progress_rows
from projects.models import AnnualPlan, AnnualPlanQuerySet, Nature, Stage
from upstream.models import UPLOADED, TemplateColumn, UpstreamTemplate

Row = dict[str, str | Decimal | date | None]


def covered_plans(template: UpstreamTemplate) -> AnnualPlanQuerySet:
    """The plan rows the template's filter takes (the year is the period's)."""
    plans = AnnualPlan.objects.all()
    if template.level:
        plans = plans.filter(level=template.level)
    if template.unit_id:
        plans = plans.filter(project__unit=template.unit_id)
    return plans


def _month_report(period: Period, field: str) -> Subquery:
    return Subquery(
        MonthlyReport.objects.filter(
            plan=OuterRef("pk"),
            month=period.month,
            status__in=MonthlyReport.COUNTED_STATUSES,
        ).values(field)[:1]
    )


def covered_rows(
    template: UpstreamTemplate, period: Period, *, limit: int | None = None
) -> list[Row]:
    """Each covered plan row's fields at ``period`` (in project code order), ``limit`` at most."""
    counted = MonthlyReport.counted_q(through=period.month, prefix="reports__")
    extra: dict[str, Any] = {
        "x_nature": F("nature"),
        "x_total": F("project__total_investment"),
        "x_content": F("project__content"),
        "x_planned_end": F("project__planned_end"),
        "x_officer": F("project__service_officer"),
        "x_stage": F("project__stage"),
        "x_private": F("project__is_private"),
        "x_month": Sum("reports__amount", filter=counted & Q(reports__month=period.month)),
        "x_progress": _month_report(period, "progress"),
        "x_problems": _month_report(period, "problems"),
    }
    plans = covered_plans(template)
    if limit is not None:
        plans = plans.filter(pk__in=_first_plans(plans, period, limit))
    rows = progress_rows(year=period.year, month=period.month, plans=plans, **extra)
    return [_row(progress, values) for progress, values in rows]


def _first_plans(plans: AnnualPlanQuerySet, period: Period, limit: int) -> list[int]:
    first = plans.counted(period.year).order_by("project__code").values_list("pk", flat=True)
    return list(first[:limit])


def _row(progress: PlanProgress, values: dict[str, Any]) -> Row:
    natures, stages = dict(Nature.choices), dict(Stage.choices)
    month = values["x_month"]
    return {
        "code": progress.code,
        "name": progress.name,
        "unit": progress.unit,
        "level": progress.level,
        "nature": str(natures.get(values["x_nature"], "")),
        "industry": progress.industry,
        "content": values["x_content"],
        "total": money(values["x_total"]),
        "plan": progress.planned_investment,
        "month": None if month is None else money(month),
        "cumulative": progress.completed,
        "rate": rules.for_machine(progress.completion_rate),
        "ahead": rules.for_machine(progress.ahead_pp),
        "planned_start": progress.planned_start,
        "actual_start": progress.actual_start,
        "planned_end": values["x_planned_end"],
        "stage": str(stages.get(values["x_stage"], "")),
        "progress": values["x_progress"] or "",
        "problems": values["x_problems"] or "",
        "leader": progress.leader,
        "officer": values["x_officer"],
        "statistics_date": progress.statistics_date,
        "private": "是" if values["x_private"] else "否",
    }


# --- 修改记录 -------------------------------------------------------------------------
HISTORY_FIELDS = {
    "template": ("title", "issuer", "header_first", "header_last", "data_start", "level", "unit"),
    "column": ("header", "source", "text"),
}


@dataclass(frozen=True)
class HistoryLine:
    when: datetime
    who: str
    what: str
    changes: list[str]


def template_history(template: UpstreamTemplate, *, limit: int = 50) -> list[HistoryLine]:
    """The template's and its columns' saves, newest first, each with what it changed
    (对应内容：留空 → 项目名称); two queries whatever the template's size."""
    lines = []
    histories = (
        ("template", UpstreamTemplate.history.filter(id=template.pk), UpstreamTemplate),
        ("column", TemplateColumn.history.filter(template_id=template.pk), TemplateColumn),
    )
    for kind, history, model in histories:
        previous: dict[int, Any] = {}
        for record in history.select_related("history_user").order_by("history_id"):
            before = previous.get(record.id)
            previous[record.id] = record
            what = (
                "模板"
                if kind == "template"
                else f"{record.letter}列（{record.header or '无表头'}）"
            )
            if record.history_type == "+" and kind == "template":
                changes = [f"上传“{record.name}”（工作表“{record.sheet}”）"]
            elif record.history_type == "+" and record.history_change_reason == UPLOADED:
                continue  # read with the template: its upload's line says so
            elif record.history_type == "+":
                changes = ["新增（表头行改动后读出）"]
            elif record.history_type == "-":
                changes = ["删除"]
            else:
                changes = [
                    change_line(
                        model._meta.get_field(name), _value(before, name), _value(record, name)
                    )
                    for name in HISTORY_FIELDS[kind]
                    if before is not None and _value(before, name) != _value(record, name)
                ]
                if not changes:
                    continue
            who = str(record.history_user) if record.history_user else "系统"
            lines.append(HistoryLine(record.history_date, who, what, changes))
    lines.sort(key=lambda line: line.when, reverse=True)
    return lines[:limit]


def _value(record: Any, name: str) -> object:
    return getattr(record, "unit_id" if name == "unit" else name)


def _template_titles(ids: Any) -> dict[int, str]:
    """{id: title}, a deleted template's as its history last had it."""
    wanted = {pk for pk in ids if pk is not None}
    titles = dict(UpstreamTemplate.objects.filter(pk__in=wanted).values_list("pk", "title"))
    for pk, title in UpstreamTemplate.history.filter(id__in=wanted - set(titles)).values_list(
        "id", "title"
    ):
        titles[pk] = title
    return titles


def _columns(records: list[Any]) -> list[str]:
    titles = _template_titles(r.template_id for r in records)
    return [
        f"{titles.get(r.template_id, '')} · {r.letter}列（{r.header or '无表头'}）" for r in records
    ]


# 数据变更记录's tables of this app (`upstream.apps` registers them with history).
HISTORY_KINDS = {
    "upstream_template": Kind(UpstreamTemplate, "上报模板", lambda rs: [r.title for r in rs]),
    "upstream_column": Kind(TemplateColumn, "上报模板列", _columns),
}


FILE_GONE = (
    "该上报模板的文件已不在服务器上（可能刚被他人删除），请刷新上报模板列表；"
    "如模板仍在列表中，请删除后重新上传。"
)


def template_bytes(template: UpstreamTemplate) -> bytes:
    """The kept file; a ValidationError (code ``gone``) when it is gone: deleted by another
    request after this one read the row (the delete removes the file once it commits)."""
    try:
        with template.file.open("rb") as stored:
            data: bytes = stored.read()
            return data
    except FileNotFoundError:
        raise ValidationError(FILE_GONE, code="gone") from None
