"""招商引资's list table."""

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from core.tables import NUM, cell
from promotion.models import Activity


def number(label: str) -> dict:
    """A number's cell: right-aligned, and on a phone under its label."""
    return {"th": NUM["th"], "td": {**NUM["td"], "data-label": label}}


class ActivityTable(tables.Table):
    """On a phone each activity is a block of its cells under their labels (``.table.stacked``),
    not a table whose unit column wraps to one character a line."""

    held_on = tables.DateColumn(
        "Y-m-d", verbose_name="日期", order_by=("held_on", "pk"), attrs=cell("日期")
    )
    kind = tables.Column("类型", order_by=("kind", "held_on", "pk"), attrs=cell("类型"))
    led_by = tables.Column("牵头", order_by=("led_by", "held_on", "pk"), attrs=cell("牵头"))
    unit = tables.Column(
        "单位", accessor="unit__name", order_by=("unit__name", "held_on", "pk"), attrs=cell("单位")
    )
    counterpart = tables.Column(
        "客商/企业", order_by=("counterpart", "pk"), attrs=cell("客商/企业", "name")
    )
    batches = tables.Column("批次", orderable=False, attrs=number("批次"), default="—")
    people = tables.Column("人数", orderable=False, attrs=number("人数"), default="—")
    signed = tables.Column("签约项目", accessor="signed", orderable=False, attrs=number("签约项目"))

    class Meta:
        model = Activity
        fields = ()
        attrs = {"class": "table stacked"}
        empty_text = "没有符合条件的招商引资活动。"

    def render_counterpart(self, record: Activity, value: str) -> str:
        url = reverse("activity_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_kind(self, record: Activity) -> str:
        return format_html('<span class="tag">{}</span>', record.get_kind_display())

    def render_signed(self, value: Any) -> str:
        return f"{value}个" if value else "—"
