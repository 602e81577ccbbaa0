"""The auditor's list table: the audit log."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.text import Truncator

from audit.models import AuditEntry

NOWRAP = {"td": {"class": "nowrap"}}


class AuditTable(tables.Table):
    at = tables.DateTimeColumn(
        "Y-m-d H:i:s", verbose_name="时间", order_by=("at", "pk"), attrs=NOWRAP
    )
    username = tables.Column("用户", order_by=("username", "-at"))
    role_label = tables.Column("角色", orderable=False, attrs=NOWRAP)
    ip = tables.Column("来源地址", orderable=False)
    category = tables.Column("类别", order_by=("category", "-at"), attrs=NOWRAP)
    action = tables.Column("事项", orderable=False)
    target = tables.Column(
        "对象", orderable=False, empty_values=(), attrs={"td": {"class": "muted"}}
    )
    outcome = tables.Column("结果", order_by=("outcome", "-at"), attrs=NOWRAP)

    class Meta:
        model = AuditEntry
        fields = ()
        empty_text = "没有符合条件的记录。"
        row_attrs = {
            "class": lambda record: (
                None if record.outcome == AuditEntry.Outcome.SUCCESS else "overdue-row"
            )
        }

    def render_target(self, record: AuditEntry) -> str:
        if record.detail:
            return format_html(
                "{}<br>{}", Truncator(record.target).chars(60), Truncator(record.detail).chars(60)
            )
        return Truncator(record.target).chars(60)

    def render_outcome(self, record: AuditEntry) -> str:
        if record.status_code:
            return f"{record.get_outcome_display()}（{record.status_code}）"
        return record.get_outcome_display()
