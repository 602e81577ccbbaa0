"""The register's tables: the projects' and the units' (the shared columns are
`core.tables`')."""

from decimal import Decimal

import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core import formatting
from core.tables import cell
from projects.models import AnnualPlan, Unit
from projects.selectors import counted_usage


class PlanTable(tables.Table):
    """One row per plan row of the chosen year: the project register."""

    code = tables.Column("项目代码", accessor="project__code", order_by="project__code")
    name = tables.Column("项目名称", accessor="project__name", order_by="project__name")
    unit = tables.Column("责任单位", accessor="project__unit__name", order_by="project__unit__name")
    level = tables.Column("级别", accessor="level")
    nature = tables.Column("性质", accessor="nature")
    industry = tables.Column("行业", accessor="project__industry")
    total = tables.Column(
        "总投资(万元)", accessor="project__total_investment", attrs={"td": {"class": "num"}}
    )
    planned = tables.Column(
        "年度计划(万元)", accessor="planned_investment", attrs={"td": {"class": "num"}}
    )
    stage = tables.Column("阶段", accessor="project__stage", order_by="project__stage")

    class Meta:
        model = AnnualPlan
        fields = ()
        attrs = {"class": "table"}
        order_by = "code"
        empty_text = "没有符合条件的项目。"

    def render_name(self, record: AnnualPlan, value: str) -> str:
        url = reverse("project_detail", args=[record.project_id])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_level(self, record: AnnualPlan) -> str:
        return record.get_level_display()

    def render_nature(self, record: AnnualPlan) -> str:
        return record.get_nature_display()

    def render_stage(self, record: AnnualPlan) -> str:
        return record.project.get_stage_display()

    def render_total(self, value: Decimal | None) -> str:
        return formatting.wan(value)

    def render_planned(self, value: Decimal | None) -> str:
        return formatting.wan(value)


class UnitTable(tables.Table):
    sort_order = tables.Column("排序", attrs=cell("排序", "num") | {"th": {"class": "num"}})
    name = tables.Column("单位名称", attrs=cell("单位名称", "name"))
    kind = tables.Column("类型", attrs=cell("类型"))
    usage = tables.Column("使用情况", empty_values=(), orderable=False, attrs=cell("使用情况", ""))
    actions = tables.Column("", empty_values=(), orderable=False, attrs={"td": {"class": "nowrap"}})

    class Meta:
        model = Unit
        fields = ()
        attrs = {"class": "table stacked"}
        order_by = ("sort_order",)
        empty_text = "没有符合条件的责任单位。"

    def order_sort_order(
        self, queryset: QuerySet[Unit], is_descending: bool
    ) -> tuple[QuerySet[Unit], bool]:
        fields = ("-sort_order", "-name") if is_descending else ("sort_order", "name")
        return queryset.order_by(*fields), True

    def render_usage(self, record: Unit) -> str:
        usage = counted_usage(record)
        if not usage:
            return mark_safe('<span class="muted">未使用</span>')
        return format_html_join("、", "{}{}", usage.items())

    def render_actions(self, record: Unit) -> str:
        return format_html(
            '<a data-action="unit.edit" href="{}">编辑</a> · '
            '<a data-action="unit.merge" href="{}">合并到…</a>',
            reverse("unit_edit", args=[record.pk]),
            reverse("unit_merge", args=[record.pk]),
        )
