"""Reading the audit trail and the model history, filtered in the database."""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import AuditEntry


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entries(
    *,
    user: str = "",
    category: str = "",
    outcome: str = "",
    since: date | None = None,
    until: date | None = None,
    text: str = "",
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    if user:
        entries = entries.filter(username__icontains=user)
    if category:
        entries = entries.filter(category=category)
    if outcome:
        entries = entries.filter(outcome=outcome)
    if since:
        entries = entries.filter(at__gte=_start(since))
    if until:
        entries = entries.filter(at__lt=_start(until + timedelta(days=1)))
    if text:
        entries = entries.filter(
            Q(action__icontains=text) | Q(target__icontains=text) | Q(detail__icontains=text)
        )
    return entries.order_by("-at", "-pk")


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
