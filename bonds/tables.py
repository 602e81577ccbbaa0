"""资金申报's list table (rows of `bonds.selectors.with_clocks`: 支出进度 and 支出预警 at ``end``)."""

from datetime import date
from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from bonds.models import FundApplication
from bonds.selectors import clock_row
from core.formatting import share_spent
from core.tables import NAME, WanColumn, cell


def at(label: str, css: str = "") -> dict[str, Any]:
    """A cell under its label on a phone (`core.tables.cell`), its heading aligned with it."""
    return {"th": {"class": css}, **cell(label, css)}


class FundTable(tables.Table):
    year = tables.Column("年度", order_by=("year", "project__code", "fund_type"), attrs=at("年度"))
    project = tables.Column(
        "项目", accessor="project__name", order_by=("project__name", "pk"), attrs=NAME
    )
    unit = tables.Column(
        "责任单位",
        accessor="project__unit__name",
        order_by=("project__unit__name", "pk"),
        attrs=at("责任单位"),
    )
    fund_type = tables.Column("资金类型", order_by=("fund_type", "pk"), attrs=at("资金类型"))
    batch = tables.Column("批次", orderable=False, attrs=at("批次", "nowrap"))
    requested = WanColumn("申报", attrs=at("申报", "num"))
    approved = WanColumn("批复", attrs=at("批复", "num"))
    allocated = WanColumn("下达", attrs=at("下达", "num"))
    spent = WanColumn("支出", attrs=at("支出", "num"))
    # 未下达 when nothing was, else the share cut to one decimal (`core.formatting.share_spent`)
    clock_share = tables.Column(
        "支出进度", order_by=("clock_share", "pk"), empty_values=(), attrs=at("支出进度", "num")
    )
    # Ascending goes from 未下达 to 红灯 and, within a light, from the latest 下达 to the
    # earliest: sorted descending, the reddest and longest-waiting come first.
    clock_light = tables.Column(
        "支出预警",
        order_by=("clock_light", "-allocated_on", "pk"),
        attrs=at("支出预警", "nowrap"),
    )
    status = tables.Column("状态", order_by=("status", "pk"), attrs=at("状态"))

    class Meta:
        model = FundApplication
        fields = ()
        attrs = {"class": "table stacked"}  # on a phone each application is a block
        empty_text = "没有符合条件的资金申报。"

    def __init__(self, *args: Any, end: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.end = end

    def render_clock_light(self, record: FundApplication) -> SafeString:
        return render_to_string(
            "bonds/_clock_light.html", {"clock": clock_row(record, end=self.end)}
        )

    def render_clock_share(self, value: Decimal | None) -> str:
        return share_spent(value)

    def render_project(self, record: FundApplication, value: str) -> str:
        url = reverse("fund_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_status(self, record: FundApplication) -> str:
        return format_html('<span class="tag">{}</span>', record.get_status_display())
