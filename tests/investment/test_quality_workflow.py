"""A flag's life: the reporter explains it, the office examines it (已核实) or returns the
report, and 全部通过 never approves a report whose flags the office has not examined."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from investment.models import MonthlyReport, QualityFlag, QualityRule
from investment.services import reports as services
from investment.services.quality_flags import flag_accept, flag_explain
from projects.models import AnnualPlan
from tests.quality_county import PHOENIX, ROAD, four_usual_months

Code = QualityRule.Code
Status = QualityFlag.Status


@pytest.fixture
def county(cast):
    """Two 县住建局 projects with four months of 450 万元 each before May."""
    four_usual_months()
    return cast


def sent(cast, code, amount) -> MonthlyReport:
    report = services.report_save(
        plan=AnnualPlan.objects.get(project__code=code),
        month=5,
        user=cast.reporter,
        amount=Decimal(amount),
    )
    return services.report_submit(report=report, user=cast.reporter)


def flag_of(report) -> QualityFlag:
    return QualityFlag.objects.get(report=report, rule=Code.MONTH_OUTLIER)


def test_all_approve_leaves_a_report_with_an_open_flag_and_names_it(county):
    typo, fine = sent(county, PHOENIX, "4500"), sent(county, ROAD, "450")
    result = services.reports_approve(
        year=2024, month=5, report_ids=[typo.pk, fine.pk], user=county.officer
    )
    assert (result.approved, result.left) == (1, ["凤凰镇安置社区配套"])
    assert "未通过：凤凰镇安置社区配套" in result.text()
    typo.refresh_from_db(), fine.refresh_from_db()
    assert (typo.status, fine.status) == (
        MonthlyReport.Status.SUBMITTED,
        MonthlyReport.Status.APPROVED,
    )


def test_an_explained_flag_is_not_yet_examined(county):
    typo = sent(county, PHOENIX, "4500")
    flag = flag_explain(flag=flag_of(typo), user=county.reporter, text="本月支付设备款，属实")
    assert (flag.status, flag.explanation, flag.explained_by) == (
        Status.EXPLAINED, "本月支付设备款，属实", county.reporter)  # fmt: skip
    result = services.reports_approve(year=2024, month=5, report_ids=[typo.pk], user=county.officer)
    assert (result.approved, result.left) == (0, ["凤凰镇安置社区配套"])
    with pytest.raises(ValidationError, match="数据质量提示尚未核实"):
        services.report_approve(report=typo, user=county.officer)


def test_an_accepted_flag_lets_the_report_be_approved(county):
    typo = sent(county, PHOENIX, "4500")
    flag_explain(flag=flag_of(typo), user=county.reporter, text="本月支付设备款，属实")
    flag = flag_accept(flag=flag_of(typo), user=county.officer, note="已电话核实合同")
    assert (flag.status, flag.note, flag.accepted_by) == (
        Status.ACCEPTED,
        "已电话核实合同",
        county.officer,
    )
    result = services.reports_approve(year=2024, month=5, report_ids=[typo.pk], user=county.officer)
    assert (result.approved, result.left) == (1, [])


def test_accepting_needs_a_note_and_the_office(county):
    typo = sent(county, PHOENIX, "4500")
    with pytest.raises(ValidationError, match="核实意见"):
        flag_accept(flag=flag_of(typo), user=county.officer, note="  ")
    with pytest.raises(PermissionDenied):
        flag_accept(flag=flag_of(typo), user=county.reporter, note="属实")
    assert flag_of(typo).status == Status.OPEN


def test_another_units_reporter_cannot_explain(county):
    typo = sent(county, PHOENIX, "4500")
    with pytest.raises(PermissionDenied):
        flag_explain(flag=flag_of(typo), user=county.other_reporter, text="属实")


def test_a_returned_report_corrected_is_judged_again(county):
    typo = sent(county, PHOENIX, "4500")
    services.report_return(report=typo, user=county.officer, reason="金额疑似多打一个0")
    corrected = sent(county, PHOENIX, "450")
    assert not QualityFlag.objects.filter(report=corrected).exists()
    result = services.reports_approve(
        year=2024, month=5, report_ids=[corrected.pk], user=county.officer
    )
    assert (result.approved, result.left) == (1, [])


def test_a_flag_still_holding_keeps_its_explanation_unless_the_amount_changed(county):
    typo = sent(county, PHOENIX, "4500")
    flag_explain(flag=flag_of(typo), user=county.reporter, text="本月支付设备款，属实")
    services.report_return(report=typo, user=county.officer, reason="请补充形象进度")
    report = services.report_save(
        plan=typo.plan, month=5, user=county.reporter, amount=Decimal("4500"), progress="设备进场"
    )
    assert flag_of(report).status == Status.EXPLAINED  # same amount: the 说明 still answers it

    report = services.report_save(
        plan=typo.plan, month=5, user=county.reporter, amount=Decimal("4000"), progress="设备进场"
    )
    flag = flag_of(report)
    assert (flag.status, flag.explanation) == (Status.OPEN, "本月支付设备款，属实")
    assert "4,000.00万元" in flag.message
