"""The monthly reporting workflow through its services: who may do what, and when."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from investment.models import MonthlyReport
from investment.rules.periods import Period
from investment.selectors.portfolio import portfolio_summary, units_not_reported
from investment.services import reports as services
from projects.models import AnnualPlan, Unit, User
from tests.builders import ledger
from tests.workbooks import code

Status = MonthlyReport.Status


@pytest.fixture
def county(cast):
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "甲项目", "责任单位": "县交通局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2024, "年度计划投资(万元)": 500, "实际开(复)工日期": "2024-01-05"},
                {"项目代码": code(2), "项目名称": "乙项目", "责任单位": "营盘镇", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2024, "年度计划投资(万元)": 500, "实际开(复)工日期": "2024-01-05"},
            ]
        }
    )  # fmt: skip
    return {
        "reporter": cast.reporter_of(Unit.objects.get(name="县交通局")),
        "officer": cast.officer,
        "leader": cast.leader,
        "own": AnnualPlan.objects.get(project__code=code(1)),
        "other": AnnualPlan.objects.get(project__code=code(2)),
    }


def lock_march(officer) -> None:
    """Lock March 2024, confirming the units still missing as the lock page lists them."""
    missing = [unit.unit_id for unit in units_not_reported(year=2024, month=3)]
    services.period_lock(year=2024, month=3, user=officer, confirmed_units=missing)


def a_draft(county, amount="12.5") -> MonthlyReport:
    return services.report_save(
        plan=county["own"],
        month=3,
        user=county["reporter"],
        amount=Decimal(amount),
        progress="主体施工",
    )


def test_draft_submit_return_resubmit_approve_lock(county):
    reporter, officer = county["reporter"], county["officer"]

    report = a_draft(county)
    assert report.status == Status.DRAFT
    assert portfolio_summary(Period.of(2024, 3)).completed == 0  # a draft does not count

    report = services.report_submit(report=report, user=reporter)
    assert (report.status, report.submitted_by) == (Status.SUBMITTED, reporter)
    assert report.submitted_at is not None
    assert portfolio_summary(Period.of(2024, 3)).completed == Decimal("12.5")

    report = services.report_return(report=report, user=officer, reason="金额与统计台账不符")
    assert (report.status, report.return_reason, report.reviewed_by) == (
        Status.RETURNED,
        "金额与统计台账不符",
        officer,
    )
    assert portfolio_summary(Period.of(2024, 3)).completed == 0

    services.report_save(plan=county["own"], month=3, user=reporter, amount=Decimal("10"))
    report = services.report_submit(report=report, user=reporter)
    report = services.report_approve(report=report, user=officer)
    assert (report.status, report.amount, report.return_reason) == (Status.APPROVED, 10, "")

    lock_march(officer)
    with pytest.raises(ValidationError, match="2024年3月已锁定"):
        services.report_save(plan=county["own"], month=3, user=reporter, amount=Decimal(1))


def test_a_locked_month_refuses_every_change(county):
    report = services.report_submit(report=a_draft(county), user=county["reporter"])
    lock_march(county["officer"])

    for change in (
        lambda: services.report_approve(report=report, user=county["officer"]),
        lambda: services.report_return(report=report, user=county["officer"], reason="x"),
        lambda: services.reports_approve(
            year=2024, month=3, report_ids=[report.pk], user=county["officer"]
        ),
        lambda: services.report_submit(report=report, user=county["reporter"]),
        lambda: services.report_save(
            plan=county["other"], month=3, user=county["officer"], amount=Decimal(1)
        ),
    ):
        with pytest.raises(ValidationError, match="已锁定"):
            change()
    assert MonthlyReport.objects.get().status == Status.SUBMITTED


def test_the_admin_cannot_change_a_locked_months_report(county, client):
    report = a_draft(county)
    lock_march(county["officer"])
    admin = User.objects.create_superuser("root", password="x", role=User.Role.ADMIN)
    client.force_login(admin)

    url = reverse("admin:investment_monthlyreport_change", args=[report.pk])
    client.post(
        url,
        {"plan": report.plan_id, "month": 3, "amount": "999", "status": "draft", "source": "form"},
    )

    assert MonthlyReport.objects.get().amount == Decimal("12.5")


def test_unlocking_lets_the_office_correct_the_month_again(county):
    lock_march(county["officer"])
    services.period_unlock(year=2024, month=3, user=county["officer"], reason="补报")

    assert a_draft(county).amount == Decimal("12.5")


def test_a_reporter_cannot_touch_another_units_project(county):
    with pytest.raises(PermissionDenied, match="只能填报本单位的项目"):
        services.report_save(
            plan=county["other"], month=3, user=county["reporter"], amount=Decimal(1)
        )


def test_only_the_office_reviews_and_a_leader_writes_nothing(county):
    report = services.report_submit(report=a_draft(county), user=county["reporter"])

    with pytest.raises(PermissionDenied):
        services.report_approve(report=report, user=county["reporter"])
    for someone in (county["reporter"], county["leader"]):
        with pytest.raises(PermissionDenied):
            services.reports_approve(year=2024, month=3, report_ids=[report.pk], user=someone)
    with pytest.raises(PermissionDenied):
        services.report_save(plan=county["own"], month=4, user=county["leader"], amount=Decimal(1))
    with pytest.raises(PermissionDenied):
        services.period_lock(year=2024, month=3, user=county["leader"])


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-1", "不能为负数"),
        ("1.23456", "最多保留4位小数"),
        ("NaN", "应为数字"),
        ("1e20", "数额过大"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_saved(county, amount, message):
    with pytest.raises(ValidationError, match=message):
        a_draft(county, amount=amount)

    assert MonthlyReport.objects.count() == 0


def test_a_huge_remark_is_refused(county):
    with pytest.raises(ValidationError, match="不超过2000字"):
        services.report_save(
            plan=county["own"],
            month=3,
            user=county["reporter"],
            amount=Decimal(1),
            problems="问" * 2001,
        )


def test_a_return_needs_a_reason_and_only_submitted_reports_are_reviewed(county):
    report = a_draft(county)

    with pytest.raises(ValidationError, match="只能审核已报送的报表"):
        services.report_approve(report=report, user=county["officer"])
    report = services.report_submit(report=report, user=county["reporter"])
    with pytest.raises(ValidationError, match="须填写退回原因"):
        services.report_return(report=report, user=county["officer"], reason="  ")


def test_an_approved_report_cannot_be_edited_until_returned(county):
    report = services.report_submit(report=a_draft(county), user=county["reporter"])
    services.report_approve(report=report, user=county["officer"])

    with pytest.raises(ValidationError, match="已审核，不能修改"):
        a_draft(county, amount="99")


def test_a_draft_saved_as_shown_writes_no_version_and_no_history(county):
    report = a_draft(county)

    again = services.report_save(
        plan=county["own"], month=3, user=county["reporter"], amount=Decimal("12.5"),
        progress="主体施工", expected_version=report.version,
    )  # fmt: skip

    assert again.version == report.version == 1
    assert report.history.count() == 1


def test_a_first_draft_of_nothing_is_still_a_report(county):
    report = services.report_save(
        plan=county["own"], month=3, user=county["reporter"], amount=Decimal(0),
        expected_version=0,
    )  # fmt: skip

    assert MonthlyReport.objects.get().pk == report.pk and report.amount == 0
    assert report.history.get().history_user == county["reporter"]
