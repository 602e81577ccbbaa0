import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from projects import formatting
from projects.models import AnnualPlan

# Shared by every list table (rendered by templates/partials/table.html).
NUM = {"th": {"class": "num"}, "td": {"class": "num"}}


def cell(label: str, css: str = "nowrap") -> dict:
    """A cell that, on a phone, stands under its label (``.table.stacked``)."""
    return {"td": {"class": css, "data-label": label}}


# A name that links to its page: kept at least 9em wide, so a phone does not wrap it to a column
# of two characters.
NAME = {"td": {"class": "name"}}


class WanColumn(tables.Column):
    """An amount in 万元, right-aligned, through the one formatting helper."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUM)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return formatting.wan(value)


class PercentColumn(tables.Column):
    """A rate in percent with a page's one decimal; "—" for no rate."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUM)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return formatting.percent(value)


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

    def render_name(self, record, value):
        url = reverse("project_detail", args=[record.project_id])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_level(self, record):
        return record.get_level_display()

    def render_nature(self, record):
        return record.get_nature_display()

    def render_stage(self, record):
        return record.project.get_stage_display()

    def render_total(self, value):
        return formatting.wan(value)

    def render_planned(self, value):
        return formatting.wan(value)
