"""安全审计's list as a FilterSet and a Table: each filter, sorting, and bad values."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import record

Category, Outcome = AuditEntry.Category, AuditEntry.Outcome


def at(day: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day} 10:00"))


@pytest.fixture
def log(client, cast):
    for day, username, category, outcome, action in (
        ("2026-03-01", "clerk-a", Category.WRITE, Outcome.SUCCESS, "保存月报"),
        ("2026-03-02", "clerk-a", Category.LOGIN_FAILED, Outcome.REFUSED, "登录"),
        ("2026-03-03", "clerk-b", Category.DOWNLOAD, Outcome.SUCCESS, "下载简报"),
    ):
        entry = record(category=category, action=action, outcome=outcome, username=username)
        AuditEntry.objects.filter(pk=entry.pk).update(at=at(day))
    client.force_login(cast.auditor)
    return client


def actions(response) -> list[str]:
    return [row.record.action for row in response.context["table"].paginated_rows]


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"user": "clerk-a"}, ["登录", "保存月报"]),  # newest first
        ({"user": "clerk", "category": Category.DOWNLOAD}, ["下载简报"]),
        ({"user": "clerk", "outcome": Outcome.REFUSED}, ["登录"]),
        ({"user": "clerk", "since": "2026-03-02"}, ["下载简报", "登录"]),
        ({"user": "clerk", "until": "2026-03-02"}, ["登录", "保存月报"]),
        ({"user": "clerk", "text": "简报"}, ["下载简报"]),
    ],
)
def test_each_filter_narrows_the_log(log, query, shown):
    assert actions(log.get(reverse("audit_log"), query)) == shown


def test_the_log_sorts_by_time_either_way(log):
    oldest = actions(log.get(reverse("audit_log"), {"user": "clerk", "sort": "at"}))
    assert oldest == ["保存月报", "登录", "下载简报"]


def test_a_refused_entry_is_marked(log):
    page = log.get(reverse("audit_log"), {"user": "clerk"}).content.decode()
    assert page.count('class="overdue-row"') == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "2026-13-40"}, "起始日期："),
        ({"category": "nothing"}, "类别：选择一个有效的选项"),
        ({"page": "999"}, None),
    ],
)
def test_a_bad_value_gives_a_clear_page(log, query, message):
    response = log.get(reverse("audit_log"), {"user": "clerk", **query})
    assert response.status_code == 200
    assert len(actions(response)) == 3
    if message:
        assert message in response.content.decode()


def test_the_export_follows_the_filter(log):
    response = log.get(reverse("audit_log"), {"user": "clerk-b", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_data_history_takes_a_bad_table_or_page(log):
    for query in ({"table": "nothing"}, {"page": "999"}, {"page": "abc"}):
        assert log.get(reverse("data_history"), query).status_code == 200
