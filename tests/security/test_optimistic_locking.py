"""Lost updates: a form older than the row it edits is refused, saying who changed what."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from investment.models import MonthlyReport
from investment.services import report_save
from projects.models import AnnualPlan, Project, Unit, User
from supervision.models import Finding
from supervision.services import finding_create
from tests.workbooks import REPORT_HEADERS, a_portfolio, load


@pytest.fixture
def county():
    load(a_portfolio(2, 2026))
    unit = Unit.objects.get(name="单位1")
    return {
        "office": User.objects.create_user("office", role=User.Role.OFFICER, first_name="王科长"),
        "office2": User.objects.create_user("office2", role=User.Role.OFFICER, first_name="李干事"),
        "reporter": User.objects.create_user("r", role=User.Role.REPORTER, unit=unit),
        "plan": AnnualPlan.objects.get(project__unit=unit),
    }


def project_form(project: Project, version: int, **values) -> dict:
    return {
        "code": project.code, "name": project.name, "unit": project.unit_id,
        "total_investment": project.total_investment, "stage": project.stage,
        "version": version,
    } | values  # fmt: skip


def test_a_project_edited_on_a_stale_form_is_refused_with_what_changed(client, county):
    project = county["plan"].project
    client.force_login(county["office"])
    first = client.post(
        reverse("project_edit", args=[project.pk]), project_form(project, 1, name="新名称")
    )
    assert first.status_code == 302
    client.force_login(county["office2"])

    second = client.post(
        reverse("project_edit", args=[project.pk]),
        project_form(project, 1, total_investment="999"),
    )

    page = second.content.decode()
    assert "已被王科长于" in page
    assert "项目名称：项目1 → 新名称" in page
    project.refresh_from_db()
    assert (project.name, project.total_investment, project.version) == ("新名称", 10, 2)


def report_form(plan: AnnualPlan, version: int, amount: str) -> dict:
    return {
        "unit": plan.project.unit_id, "form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1,
        "form-0-plan": plan.pk, "form-0-version": version, "form-0-amount": amount,
        "form-0-progress": "", "form-0-problems": "", "form-0-problem_category": "",
        "action": "save",
    }  # fmt: skip


def test_a_monthly_report_saved_on_a_stale_form_is_refused(client, county):
    plan = county["plan"]
    report = report_save(plan=plan, month=2, user=county["office"], amount=Decimal(3))
    report_save(plan=plan, month=2, user=county["office"], amount=Decimal(4))  # version 2
    client.force_login(county["reporter"])

    response = client.post(
        reverse("report_month", args=[2026, 2]), report_form(plan, report.version, "7")
    )

    page = response.content.decode()
    assert "“项目1”2月报表已被他人（导入或系统）于" in page  # saved by a service, no request
    assert "本月完成投资(万元)：3.0000 → 4.0000" in page
    assert MonthlyReport.objects.get(pk=report.pk).amount == 4


def test_a_first_report_made_meanwhile_by_someone_else_is_not_overwritten(client, county):
    plan = county["plan"]
    client.force_login(county["reporter"])
    report_save(plan=plan, month=3, user=county["office"], amount=Decimal(5))

    response = client.post(reverse("report_month", args=[2026, 3]), report_form(plan, 0, "9"))

    assert "请刷新页面核对后重新填写" in response.content.decode()
    assert MonthlyReport.objects.get(plan=plan, month=3).amount == 5


def test_an_up_to_date_form_saves_and_moves_the_version_on(client, county):
    plan = county["plan"]
    client.force_login(county["reporter"])

    client.post(reverse("report_month", args=[2026, 3]), report_form(plan, 0, "9"))
    client.post(reverse("report_month", args=[2026, 3]), report_form(plan, 1, "10"))

    report = MonthlyReport.objects.get(plan=plan, month=3)
    assert (report.amount, report.version) == (10, 2)


def test_an_import_makes_forms_opened_before_it_stale(client, county):
    plan = county["plan"]
    client.force_login(county["reporter"])
    client.post(reverse("report_month", args=[2026, 3]), report_form(plan, 0, "9"))
    MonthlyReport.objects.filter(plan=plan, month=3).update(status="approved")
    load({"月度投资": [REPORT_HEADERS, [plan.project.code, 2026, 3, 12]]})

    assert MonthlyReport.objects.get(plan=plan, month=3).version == 2


def test_a_finding_edited_or_answered_on_a_stale_form_is_refused(client, county):
    supervisor = User.objects.create_user("s", role=User.Role.SUPERVISOR, first_name="督查员")
    finding = finding_create(
        user=supervisor, unit=county["plan"].project.unit, description="问题",
        found_on=date(2026, 3, 2), today=date(2026, 3, 2), deadline=date(2026, 3, 31),
    )  # fmt: skip
    client.force_login(supervisor)
    edit = {
        "version": 1,
        "description": "问题（补充）",
        "category": "land",
        "deadline": "2026-04-30",
    }
    client.post(reverse("finding_edit", args=[finding.pk]), edit)
    client.force_login(county["reporter"])

    response = client.post(
        reverse("finding_answer", args=[finding.pk]), {"version": 1, "note": "已整改"}, follow=True
    )

    page = response.content.decode()
    assert "该问题已被督查员于" in page and "问题类别：其他 → 用地" in page
    finding.refresh_from_db()
    assert (finding.status, finding.version) == (Finding.Status.OPEN, 2)
