"""The audit trail: every write, sign-in and download leaves who, when, from where, what and
how it ended; the auditor alone reads it, and nothing edits or deletes it."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from investment.models import MonthlyReport
from investment.services.reports import report_save
from projects.models import AnnualPlan, Project, Unit
from projects.services.register import add_approval_chain
from projects.services.units import unit_save
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


def test_a_merge_writes_its_own_entry_naming_both_units_once(client, cast):
    typo = Unit.objects.create(name="县住健局", kind=Unit.Kind.DEPARTMENT, sort_order=15)
    client.force_login(cast.officer)

    client.post(reverse("unit_merge", args=[typo.pk]), {"target": cast.housing.pk})

    [entry] = AuditEntry.objects.filter(category=Category.WRITE)
    assert (entry.action, entry.outcome, entry.username) == (
        "合并责任单位",
        Outcome.SUCCESS,
        "office",
    )
    assert entry.target == f"/units/{typo.pk}/merge/"  # the page it was done on, as before
    assert entry.detail.splitlines()[0].startswith("“县住健局”并入“县住建局”")
    assert entry.changes["changes"] == [
        {"table": "责任单位", "model": "projects.unit", "id": typo.pk, "record": "县住健局",
         "kind": "deleted", "fields": []},
    ]  # fmt: skip


def test_a_refused_action_is_written_after_its_rollback_with_the_reason(cast):
    with pytest.raises(ValidationError):
        unit_save(user=cast.officer, name=cast.housing.name, kind="department", sort_order=5)

    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.outcome) == ("新增责任单位", Outcome.REFUSED)
    assert entry.detail == "已有名为“县住建局”的责任单位，单位名称不能重复。"
    assert (entry.target, entry.ip, entry.changes) == ("", None, {})  # no request: a service call


def test_an_action_inside_another_is_part_of_its_entry(cast):
    project = Project.objects.create(code="2024-410702-47-01-000001", name="甲", unit=cast.housing,
                                     total_investment=100)  # fmt: skip

    add_approval_chain(project=project, first_date=date(2024, 1, 1), user=cast.officer)

    [entry] = AuditEntry.objects.all()
    assert entry.action == "维护项目节点"
    assert entry.detail.startswith("“甲”添加前期手续节点：立项、用地预审与选址、")
