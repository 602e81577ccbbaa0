"""The audit trail: every write, sign-in and download leaves who, when, from where, what and
how it ended; the auditor alone reads it, and nothing edits or deletes it."""

import io
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from audit.models import AuditEntry
from investment.models import MonthlyReport
from investment.services.reports import report_save
from projects.models import AnnualPlan
from tests.cast import PASSWORD
from tests.workbooks import a_portfolio, load, read_back

Category, Outcome = AuditEntry.Category, AuditEntry.Outcome


@pytest.fixture
def county(cast):
    load(a_portfolio(7, 2026))
    return {"office": cast.officer, "auditor": cast.auditor, "admin": cast.admin}


def entries(**filters) -> list[tuple]:
    return list(
        AuditEntry.objects.filter(**filters)
        .order_by("pk")
        .values_list("username", "category", "action", "outcome")
    )


def test_sign_ins_and_failures_are_recorded_with_the_address(client, county):
    client.post(
        reverse("login"), {"username": "office", "password": "wrong"}, REMOTE_ADDR="10.1.2.3"
    )
    client.post(
        reverse("login"), {"username": "office", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )
    client.post(reverse("logout"), REMOTE_ADDR="10.1.2.3")

    assert entries() == [
        ("office", Category.LOGIN_FAILED, "登录失败", Outcome.REFUSED),
        ("office", Category.LOGIN, "登录", Outcome.SUCCESS),
        ("office", Category.LOGOUT, "退出", Outcome.SUCCESS),
    ]
    assert set(AuditEntry.objects.values_list("ip", flat=True)) == {"10.1.2.3"}


def test_a_write_is_recorded_with_who_what_and_the_outcome(client, county):
    client.force_login(county["office"])

    client.post(reverse("period_lock", args=[2026, 1]), {"action": "lock"}, REMOTE_ADDR="10.9.9.9")

    entry = AuditEntry.objects.get(category=Category.WRITE)
    assert (entry.username, entry.role, entry.ip) == ("office", "officer", "10.9.9.9")
    assert (entry.action, entry.target, entry.outcome) == (
        "锁定或解锁月份", "/review/2026/1/lock/", Outcome.SUCCESS,
    )  # fmt: skip


def test_a_refused_write_is_recorded_as_refused(client, county):
    client.force_login(county["auditor"])

    response = client.post(reverse("period_lock", args=[2026, 1]), {"action": "lock"})

    assert response.status_code == 403
    assert entries(category=Category.WRITE) == [
        ("auditor", Category.WRITE, "锁定或解锁月份", Outcome.REFUSED)
    ]


def test_downloads_of_excel_and_pdf_are_recorded(client, county):
    client.force_login(county["office"])

    client.get(reverse("ledger_export"), {"year": 2026})
    # (我已知悉: a_portfolio's projects invest before any start date, flagged 未开工有投资)
    client.get(
        reverse("briefing_pdf"), {"kind": "month", "year": 2026, "month": 1, "acknowledged": "1"}
    )
    client.get(reverse("dashboard"))  # an ordinary page is not a download

    assert [(e[2], e[3]) for e in entries(category=Category.DOWNLOAD)] == [
        ("导出Excel台账", Outcome.SUCCESS),
        ("下载简报", Outcome.SUCCESS),
    ]
    assert AuditEntry.objects.filter(detail__endswith=".pdf").count() == 1


def test_the_domain_tables_keep_a_history_of_who_changed_what(county):
    plan = AnnualPlan.objects.select_related("project__unit").first()
    report = report_save(plan=plan, month=2, user=county["office"], amount=Decimal(3))
    report_save(plan=plan, month=2, user=county["office"], amount=Decimal(4))

    history = list(report.history.order_by("history_id"))
    assert [(h.history_type, h.amount) for h in history] == [("+", 3), ("~", 4)]
    # no request, a service call: the service names its user all the same
    assert {h.history_user_id for h in history} == {county["office"].pk}
    assert MonthlyReport.objects.get(pk=report.pk).version == 2


def test_the_auditor_reads_filters_and_exports_the_log(client, county):
    client.force_login(county["office"])
    client.post(reverse("period_lock", args=[2026, 1]), {"action": "lock"})
    client.force_login(county["auditor"])

    page = client.get(reverse("audit_log"), {"user": "office"}).content.decode()
    export = client.get(
        reverse("audit_log"), {"user": "office", "category": "write", "format": "xlsx"}
    )

    assert "锁定或解锁月份" in page
    rows = read_back(export.content)["审计日志"]
    assert rows[0][:3] == ("时间", "用户名", "角色")
    assert [(r[1], r[5]) for r in rows[1:]] == [("office", "锁定或解锁月份")]
    assert entries(username="auditor", category=Category.DOWNLOAD)[0][2] == "导出审计日志"


def test_the_system_administrator_cannot_read_the_log_and_nobody_edits_it(client, county):
    client.force_login(county["admin"])
    assert client.get(reverse("audit_log")).status_code == 403
    assert client.get(reverse("data_history")).status_code == 403
    assert not admin.site.is_registered(AuditEntry)

    entry = AuditEntry.objects.first()
    with pytest.raises(PermissionError):
        entry.detail = "改写"
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_the_data_history_page_shows_changes_with_their_author(client, county):
    client.force_login(county["office"])
    plan = AnnualPlan.objects.first()
    client.post(
        reverse("report_month", args=[2026, 2]),
        {"form-TOTAL_FORMS": 0, "form-INITIAL_FORMS": 0},
    )
    report_save(plan=plan, month=2, user=county["office"], amount=Decimal(5))
    client.force_login(county["auditor"])

    page = client.get(reverse("data_history"), {"table": "report"}).content.decode()

    assert "新增" in page and "月度报表" in page


def test_imports_and_restores_run_as_commands_are_recorded(tmp_path, county):
    from django.core.management import call_command

    from tests.workbooks import xlsx

    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx(a_portfolio(2, 2027)))
    call_command("import_ledger", str(path), stdout=io.StringIO())
    call_command("backup", "-o", str(tmp_path / "b.zip"), stdout=io.StringIO())

    assert entries(category=Category.COMMAND) == [
        ("（命令行）", Category.COMMAND, "命令行导入Excel台账", Outcome.SUCCESS),
        ("（命令行）", Category.COMMAND, "备份数据", Outcome.SUCCESS),
    ]


def test_the_data_history_lists_the_changed_fields_in_constant_queries(client, county):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plans = list(AnnualPlan.objects.all())
    client.force_login(county["auditor"])

    def page() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse("data_history"), {"table": "report"}).content.decode()
        return html, len(queries)

    report_save(plan=plans[0], month=2, user=county["office"], amount=Decimal(3))
    report_save(plan=plans[0], month=2, user=county["office"], amount=Decimal(4))
    html, small = page()
    for plan in plans[1:]:
        report_save(plan=plan, month=2, user=county["office"], amount=Decimal(1))
        report_save(plan=plan, month=2, user=county["office"], amount=Decimal(2))
    _, large = page()

    assert "本月完成投资：3.00万元 → 4.00万元" in html
    assert large == small


def test_every_page_is_named_in_the_clerks_words_in_the_audit_trail():
    from django.urls import get_resolver

    from audit.middleware import ACTIONS, SKIPPED

    names = {name for name in get_resolver().reverse_dict if isinstance(name, str)}
    assert names - SKIPPED - set(ACTIONS) == set()  # a new URL needs its Chinese name here
