"""资金申报's list table."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from bonds.models import FundApplication
from core.tables import NAME, WanColumn


class FundTable(tables.Table):
    year = tables.Column("年度", order_by=("year", "project__code", "fund_type"))
    project = tables.Column(
        "项目", accessor="project__name", order_by=("project__name", "pk"), attrs=NAME
    )
    unit = tables.Column(
        "责任单位", accessor="project__unit__name", order_by=("project__unit__name", "pk")
    )
    fund_type = tables.Column("资金类型", order_by=("fund_type", "pk"))
    batch = tables.Column("批次", orderable=False, attrs={"td": {"class": "nowrap"}})
    requested = WanColumn("申报")
    approved = WanColumn("批复")
    allocated = WanColumn("下达")
    spent = WanColumn("支出")
    status = tables.Column("状态", order_by=("status", "pk"))

    class Meta:
        model = FundApplication
        fields = ()
        empty_text = "没有符合条件的资金申报。"

    def render_project(self, record: FundApplication, value: str) -> str:
        url = reverse("fund_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_status(self, record: FundApplication) -> str:
        return format_html('<span class="tag">{}</span>', record.get_status_display())
