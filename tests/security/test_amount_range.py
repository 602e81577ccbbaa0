"""DESIGN.md §3's amount range: at most 10 digits before the point and 4 after, never
negative, checked by one rule for forms, the import, the admin and the services.

The extremes are stored and read back exactly on SQLite and PostgreSQL alike, and a
database holding them still serves every page and backs up. Before, 99999999999999.9999
passed the form, was stored on SQLite as 1e14, and broke five pages and every backup.
"""

import io
import zipfile
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from backup.services import archive
from bonds.models import FundApplication
from bonds.services import fund_save
from core.amounts import MONEY_MAX, amount_field, check_amount, refuse_amounts_out_of_range
from investment.models import MonthlyReport
from investment.rules.periods import Period
from investment.selectors.portfolio import portfolio_summary
from investment.services import reports as services
from ledger.rules.cells import CellError, read_amount
from projects.models import AnnualPlan, Project, Unit
from tests.builders import ledger
from tests.workbooks import PROJECT_HEADERS, code, load

LARGEST = Decimal("9999999999.9999")
SMALLEST = Decimal("0.0001")
OUT_OF_RANGE = [
    ("99999999999999.9999", "数额过大"),  # the typed value that broke the pages
    ("10000000000", "数额过大"),  # 11 digits before the point
    ("1234567890.12345", "最多保留4位小数"),  # 15 significant digits, silently rounded before
    ("12345678901234567", "数额过大"),  # 17 significant digits
    ("-0.0001", "不能为负数"),
]


def test_the_largest_amount_is_the_one_design_names():
    assert MONEY_MAX == LARGEST


@pytest.mark.parametrize(("typed", "reason"), OUT_OF_RANGE)
def test_a_form_refuses_an_amount_out_of_range_with_the_reason(typed, reason):
    field = amount_field("本月完成投资(万元)")
    with pytest.raises(ValidationError) as refused:
        field.clean(typed)
    assert reason in " ".join(refused.value.messages)


@pytest.mark.parametrize(("typed", "reason"), OUT_OF_RANGE)
def test_the_services_and_the_import_refuse_the_same_amounts(typed, reason):
    with pytest.raises(ValidationError, match=reason):
        check_amount(Decimal(typed), label="本月完成投资")
    with pytest.raises(CellError, match=reason):
        read_amount(typed)


def test_the_admins_model_validation_refuses_an_amount_out_of_range():
    unit = Unit.objects.create(name="县住建局")
    project = Project(code="ZJ-1", name="甲", unit=unit, total_investment=Decimal("1e10"))
    with pytest.raises(ValidationError) as refused:
        project.full_clean()
    assert "total_investment" in refused.value.message_dict


@pytest.fixture
def county_at_the_extremes(cast):
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "甲项目", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": LARGEST, "年度": 2026, "年度计划投资(万元)": LARGEST, "实际开(复)工日期": "2026-01-05"},
                {"项目代码": code(2), "项目名称": "乙项目", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": SMALLEST, "年度": 2026, "年度计划投资(万元)": SMALLEST, "实际开(复)工日期": "2026-01-05"},
            ]
        }
    )  # fmt: skip
    reporter = cast.reporter  # 县住建局's
    office = cast.officer
    for plan, amount in [(AnnualPlan.objects.get(project__code=code(1)), LARGEST),
                         (AnnualPlan.objects.get(project__code=code(2)), SMALLEST)]:  # fmt: skip
        report = services.report_save(plan=plan, month=2, user=reporter, amount=amount)
        services.report_submit(report=report, user=reporter)
    fund_save(
        user=office, project=Project.objects.get(code=code(1)), fund_type="special_bond",
        year=2026, requested=LARGEST, approved=LARGEST, allocated=LARGEST, spent=SMALLEST,
    )  # fmt: skip
    return {"reporter": reporter, "office": office}


def test_the_extremes_are_stored_and_read_back_exactly(county_at_the_extremes):
    assert sorted(MonthlyReport.objects.values_list("amount", flat=True)) == [SMALLEST, LARGEST]
    assert Project.objects.get(code=code(1)).total_investment == LARGEST
    assert AnnualPlan.objects.get(project__code=code(2)).planned_investment == SMALLEST
    fund = FundApplication.objects.get()
    assert (fund.requested, fund.spent) == (LARGEST, SMALLEST)
    summary = portfolio_summary(Period.of(2026, 2))
    assert summary.completed == LARGEST + SMALLEST == summary.annual_plan


def test_pages_and_the_backup_still_work_with_the_extremes(
    client, county_at_the_extremes, tmp_path, cast
):
    project = Project.objects.get(code=code(1))
    client.force_login(county_at_the_extremes["reporter"])
    assert client.get(reverse("report_month", args=[2026, 2])).status_code == 200
    assert client.get(reverse("project_detail", args=[project.pk])).status_code == 200
    client.force_login(county_at_the_extremes["office"])
    for page in [
        reverse("review_month", args=[2026, 2]),
        reverse("project_detail", args=[project.pk]),
        reverse("fund_list"),
        reverse("dashboard") + "?year=2026&month=2",
    ]:
        assert client.get(page).status_code == 200, page
    client.force_login(cast.auditor)
    assert client.get(reverse("data_history")).status_code == 200  # history keeps the values
    target = tmp_path / "backup.zip"
    call_command("backup", "-o", str(target), stdout=io.StringIO())
    data = zipfile.ZipFile(target).read(archive.DATA).decode()
    assert "9999999999.9999" in data


def test_the_migration_stops_with_the_rows_named_when_an_old_amount_is_out_of_range():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's narrowed column cannot hold the old value to start from")
    load(
        {
            "项目台账": [
                PROJECT_HEADERS,
                [code(1), "甲项目", "县住建局", "县重点", "新建", 1, 2026, 1],
            ]
        }
    )
    with connection.cursor() as cursor:  # as the old 18-digit column let a typo through
        cursor.execute("UPDATE projects_project SET total_investment = 99999999999999.9999")
    check = refuse_amounts_out_of_range(("projects", "project", "total_investment"))

    with pytest.raises(RuntimeError) as stopped:
        check(django_apps, None)

    project = Project.objects.values_list("pk", flat=True).get()
    assert f"projects_project#{project} total_investment=" in str(stopped.value)
    assert "请先在管理后台改正" in str(stopped.value)
