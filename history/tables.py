"""The auditor's table of the model history (数据变更记录)."""

from typing import Any

import django_tables2 as tables
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join

from core.tables import cell
from history.selectors import describe, with_changes


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

    def __init__(self, data: Any, *, table: str, **kwargs: Any) -> None:
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

    def render_history_user(self, value: Any) -> str:
        return value.username

    def render_history_type(self, record: Any) -> str:
        return self.TYPES.get(record.history_type, "修改")

    def render_record(self, record: Any) -> str:
        return self.names.get(record.history_id, "")

    def render_changes(self, record: Any) -> str:
        lines = self.diffs.get(record.history_id)
        if lines is None and record.history_type == "~":
            return format_html('<span class="muted">{}</span>', self.NO_EARLIER)
        if not lines and record.history_type == "~" and record.history_change_reason:
            # a change of no field of the row itself, said by its reason (签约项目：A → A、B)
            return record.history_change_reason
        if not lines:
            nothing = self.NOTHING.get(record.history_type, "无字段变化")
            return format_html('<span class="muted">{}</span>', nothing)
        return format_html_join("", "{}<br>", ((line,) for line in lines))
