"""The auditor's list tables: the audit log and the model history."""

import django_tables2 as tables
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from audit.models import AuditEntry
from audit.selectors.history import describe, with_changes
from core.tables import cell

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

    def render_target(self, record):
        if record.detail:
            return format_html(
                "{}<br>{}", Truncator(record.target).chars(60), Truncator(record.detail).chars(60)
            )
        return Truncator(record.target).chars(60)

    def render_outcome(self, record):
        if record.status_code:
            return f"{record.get_outcome_display()}（{record.status_code}）"
        return record.get_outcome_display()


class HistoryTable(tables.Table):
    """One table's model history, newest first: each record named as a person knows it, and
    what its person changed against the record before."""

    history_date = tables.DateTimeColumn("Y-m-d H:i:s", verbose_name="时间", attrs=cell("时间"))
    history_user = tables.Column("操作人", default="（导入或命令）", attrs=cell("操作人"))
    history_type = tables.Column("类型", attrs=cell("类型"))
    record = tables.Column("记录", empty_values=(), accessor="history_id", attrs=cell("记录", ""))
    changes = tables.Column("变更内容", empty_values=(), attrs=cell("变更内容", ""))

    TYPES = {"+": "新增", "-": "删除", "~": "修改"}
    NOTHING = {"+": "新建记录", "-": "删除记录", "~": "无字段变化"}
    NO_EARLIER = "修改（此前的记录早于变更记录功能，无从比较）"

    class Meta:
        # on a phone each change is a block, each cell under its label, so 变更内容 is on screen
        attrs = {"class": "table stacked"}
        orderable = False  # newest first: each change reads against the one before it
        empty_text = "暂无变更记录。"

    def __init__(self, data, *, table: str, **kwargs):
        super().__init__(data, **kwargs)
        self.kind = table

    @cached_property
    def page_records(self) -> list:
        # The page's rows only, once the table is paged: a page costs the same queries.
        return [row.record for row in self.page.object_list]

    @cached_property
    def names(self) -> dict[int, str]:
        return describe(self.kind, self.page_records)

    @cached_property
    def diffs(self) -> dict[int, list[str] | None]:
        return {record.history_id: lines for record, lines in with_changes(self.page_records)}

    def render_history_user(self, value):
        return value.username

    def render_history_type(self, record):
        return self.TYPES.get(record.history_type, "修改")

    def render_record(self, record):
        return self.names.get(record.history_id, "")

    def render_changes(self, record):
        lines = self.diffs.get(record.history_id)
        if lines is None and record.history_type == "~":
            return format_html('<span class="muted">{}</span>', self.NO_EARLIER)
        if not lines:
            nothing = self.NOTHING.get(record.history_type, "无字段变化")
            return format_html('<span class="muted">{}</span>', nothing)
        return format_html_join("", "{}<br>", ((line,) for line in lines))
