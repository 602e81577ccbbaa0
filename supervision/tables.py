"""督查督办's list tables: findings, inspections, notices."""

from collections.abc import Mapping
from datetime import date
from typing import Any

import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import Truncator

from core.tables import NAME, NUM
from projects.models import Project
from supervision.models import Finding, FindingQuerySet, Inspection, Notice
from supervision.selectors import counts_by_inspection

DATE = "Y-m-d"


class FindingTable(tables.Table):
    """The finding list; a finding past its deadline and not closed out is marked."""

    unit = tables.Column("责任单位", order_by=("unit__name", "pk"))
    description = tables.Column("问题描述", orderable=False, attrs=NAME)
    category = tables.Column("类别", order_by=("category", "pk"))
    project = tables.Column("涉及项目", order_by=("project__name", "pk"))
    found_on = tables.DateColumn(DATE, verbose_name="发现日期", order_by=("found_on", "pk"))
    deadline = tables.DateColumn(DATE, verbose_name="整改时限", order_by=("deadline", "pk"))
    clock = tables.Column("督办机制", orderable=False, empty_values=())
    status = tables.Column("状态")

    class Meta:
        empty_text = "没有符合条件的督查问题。"
        row_attrs = {
            "class": lambda record, table: "overdue-row" if table.overdue(record) else None
        }

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        self.today = today
        super().__init__(*args, **kwargs)

    def overdue(self, finding: Finding) -> bool:
        return finding.overdue_on(self.today)

    def render_description(self, record: Finding, value: str) -> str:
        url = reverse("finding_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, Truncator(value).chars(48))

    def render_project(self, record: Finding, value: Project) -> str:
        url = reverse("project_detail", args=[record.project_id])
        return format_html('<a href="{}">{}</a>', url, Truncator(value.name).chars(16))

    def render_deadline(self, record: Finding, value: date) -> str:
        if self.overdue(record):
            return format_html('{} <span class="tag returned">逾期</span>', f"{value:%Y-%m-%d}")
        return f"{value:%Y-%m-%d}"

    def render_clock(self, record: Finding) -> str:
        return "13710" if record.clock else "—"

    def order_status(
        self, queryset: FindingQuerySet, is_descending: bool
    ) -> tuple[FindingQuerySet, bool]:
        return queryset.in_work_order(descending=is_descending), True

    def render_status(self, record: Finding) -> str:
        return format_html(
            '<span class="tag finding-{}">{}</span>', record.status, record.get_status_display()
        )


class InspectionTable(tables.Table):
    """督查记录: each inspection with the findings of it the user may see."""

    inspected_on = tables.DateColumn(DATE, verbose_name="督查日期", order_by=("inspected_on", "pk"))
    title = tables.Column("督查名称", order_by=("title", "pk"))
    inspectors = tables.Column("督查人员", orderable=False)
    projects = tables.Column("督查项目", orderable=False, empty_values=())
    total = tables.Column("发现问题", orderable=False, empty_values=(), attrs=NUM)
    closed = tables.Column("已销号", orderable=False, empty_values=(), attrs=NUM)

    class Meta:
        empty_text = "暂无督查记录。"

    def __init__(self, *args: Any, findings: QuerySet[Finding], **kwargs: Any) -> None:
        self.findings = findings
        super().__init__(*args, **kwargs)

    @cached_property
    def counts(self) -> dict[int, Mapping[str, Any]]:
        # Only the page's inspections, once the table is paged: one grouped query.
        return counts_by_inspection(self.findings, [row.record for row in self.page.object_list])

    def render_title(self, record: Inspection, value: str) -> str:
        url = reverse("inspection_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_projects(self, record: Inspection) -> str:
        return f"{len(record.projects.all())}个"  # prefetched with the page

    def render_total(self, record: Inspection) -> Any:
        return self.counts.get(record.pk, {}).get("total", 0)

    def render_closed(self, record: Inspection) -> Any:
        return self.counts.get(record.pk, {}).get("closed", 0)


class NoticeTable(tables.Table):
    """通报: every notice issued, newest first."""

    number = tables.Column("期号", orderable=False)
    title = tables.Column("标题", orderable=False)
    period = tables.Column("通报周期", orderable=False)
    issued_at = tables.DateTimeColumn("Y-m-d H:i", verbose_name="印发时间", orderable=False)
    issued_by = tables.Column("印发人", orderable=False)

    class Meta:
        empty_text = "尚未印发通报。"

    def render_title(self, record: Notice, value: str) -> str:
        url = reverse("notice_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_period(self, record: Notice) -> str:
        return record.content.get("period_label") or record.get_period_display()
