"""Reading the audit trail for its export (the page's filter is `audit/filters.py`)."""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditEntry

EXPORT_HEADERS = (
    "时间",
    "用户名",
    "角色",
    "来源地址",
    "类别",
    "事项",
    "对象",
    "结果",
    "状态码",
    "说明",
)


def export_rows(entries: QuerySet[AuditEntry]) -> Iterator[tuple[Any, ...]]:
    for e in entries.iterator(chunk_size=2000):
        yield (
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.username, e.role_label,
            e.ip or "",
            e.get_category_display(), e.action, e.target, e.get_outcome_display(),
            e.status_code, e.detail,
        )  # fmt: skip
