"""The office's review services: lock with the missing units confirmed, unlock with a reason,
return a whole unit's month with one reason."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from investment.models import MonthlyReport, ReportingPeriod
from investment.selectors.portfolio import units_not_reported
from investment.services import reports as services
from projects.models import AnnualPlan, Unit
from tests.cast import Cast
from tests.prebuilt import prebuilt
from tests.workbooks import a_small_county

Status = MonthlyReport.Status


@prebuilt
def march_sent_county() -> None:
    """县住建局 sent both its March reports; 营盘镇 has sent nothing. Built once per process."""
    cast = Cast()
    a_small_county()
    housing = Unit.objects.get(name="县住建局")
    reporter, _, _ = cast.reporter_of(housing), cast.officer, cast.leader
    for plan in AnnualPlan.objects.filter(project__unit=housing).order_by("project__code"):
        report = services.report_save(
            plan=plan, month=3, user=reporter, amount=Decimal(10), progress="主体施工"
        )
        services.report_submit(report=report, user=reporter)


@pytest.fixture
def county(march_sent_county, cast):
    """The county's units and people: 县住建局's reporter, the office and the leader."""
    housing, township = Unit.objects.get(name="县住建局"), Unit.objects.get(name="营盘镇")
    return {
        "housing": housing,
        "township": township,
        "reporter": cast.reporter_of(housing),
        "officer": cast.officer,
        "leader": cast.leader,
    }


def housing_reports() -> list[MonthlyReport]:
    return list(
        MonthlyReport.objects.filter(plan__project__unit__name="县住建局").order_by(
            "plan__project__code"
        )
    )


def lock_march(officer, confirmed=()) -> ReportingPeriod:
    return services.period_lock(year=2024, month=3, user=officer, confirmed_units=confirmed)


# --- 锁定 ------------------------------------------------------------------------------------


def test_it_refuses_to_lock_until_the_missing_units_are_confirmed_and_names_them(county):
    with pytest.raises(services.LockNotConfirmed) as refusal:
        lock_march(county["officer"])

    assert "还有1个单位未报齐：营盘镇（1份）" in refusal.value.messages[0]
    assert [unit.unit for unit in refusal.value.missing] == ["营盘镇"]
    assert not services.is_locked(year=2024, month=3)


def test_the_units_still_missing_are_listed_with_what_they_owe(county):
    missing = units_not_reported(year=2024, month=3)

    assert [(unit.unit, unit.expected, unit.outstanding) for unit in missing] == [("营盘镇", 1, 1)]


def test_it_locks_once_exactly_the_missing_units_are_confirmed(county):
    period = lock_march(county["officer"], confirmed=[county["township"].pk])

    assert period.is_locked and period.locked_by == county["officer"]


def test_it_refuses_a_confirmation_that_left_out_a_unit_missing_since(county):
    services.report_return(
        report=housing_reports()[0], user=county["officer"], reason="金额有误"
    )  # 县住建局 owes a report again after the office saw the confirmation

    with pytest.raises(services.LockNotConfirmed, match="县住建局（1份）"):
        lock_march(county["officer"], confirmed=[county["township"].pk])
    assert not services.is_locked(year=2024, month=3)


def test_a_month_every_unit_has_reported_locks_without_naming_anyone(county):
    plan = AnnualPlan.objects.get(project__unit=county["township"])
    report = services.report_save(plan=plan, month=3, user=county["officer"], amount=Decimal(1))
    services.report_submit(report=report, user=county["officer"])

    assert lock_march(county["officer"]).is_locked


def test_only_the_office_locks(county):
    with pytest.raises(PermissionDenied):
        lock_march(county["leader"], confirmed=[county["township"].pk])


# --- 解锁 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_unlocking_requires_a_reason(county, reason):
    lock_march(county["officer"], confirmed=[county["township"].pk])

    with pytest.raises(ValidationError, match="须填写解锁原因"):
        services.period_unlock(year=2024, month=3, user=county["officer"], reason=reason)
    assert services.is_locked(year=2024, month=3)


def test_unlocking_keeps_the_reason_who_and_when_and_writes_history(county):
    lock_march(county["officer"], confirmed=[county["township"].pk])

    period = services.period_unlock(
        year=2024, month=3, user=county["officer"], reason="  营盘镇补报3月数据 "
    )

    period.refresh_from_db()
    assert not period.is_locked
    assert (period.unlock_reason, period.unlocked_by) == ("营盘镇补报3月数据", county["officer"])
    assert period.unlocked_at is not None
    assert period.history.first().history_change_reason == "解锁：营盘镇补报3月数据"


def test_an_unlocked_month_can_be_corrected_and_locked_again(county):
    lock_march(county["officer"], confirmed=[county["township"].pk])
    services.period_unlock(year=2024, month=3, user=county["officer"], reason="补报")
    plan = AnnualPlan.objects.get(project__unit=county["township"])

    services.report_save(plan=plan, month=3, user=county["officer"], amount=Decimal(2))

    assert lock_march(county["officer"], confirmed=[county["township"].pk]).is_locked
    assert ReportingPeriod.objects.get().unlock_reason == "补报"  # the last unlock is kept


def test_it_refuses_to_unlock_a_month_that_is_not_locked(county):
    with pytest.raises(ValidationError, match="未锁定"):
        services.period_unlock(year=2024, month=3, user=county["officer"], reason="补报")


def test_only_the_office_unlocks(county):
    lock_march(county["officer"], confirmed=[county["township"].pk])

    with pytest.raises(PermissionDenied):
        services.period_unlock(year=2024, month=3, user=county["leader"], reason="补报")


# --- 退回本单位 --------------------------------------------------------------------------------


def return_housing(county, ids, reason="本月数据与统计局不符", user=None) -> int:
    return services.reports_return_unit(
        year=2024,
        month=3,
        unit=county["housing"],
        report_ids=ids,
        user=user or county["officer"],
        reason=reason,
    )


def test_returning_a_unit_returns_every_submitted_report_with_one_reason(county):
    count = return_housing(county, [r.pk for r in housing_reports()])

    assert count == 2
    assert [(r.status, r.return_reason, r.reviewed_by) for r in housing_reports()] == [
        (Status.RETURNED, "本月数据与统计局不符", county["officer"])
    ] * 2


def test_it_returns_nothing_when_a_report_changed_meanwhile_and_names_it(county):
    first, second = housing_reports()
    services.report_approve(report=first, user=county["officer"])  # in another tab

    with pytest.raises(ValidationError, match="城关污水处理厂"):
        return_housing(county, [first.pk, second.pk])

    assert [r.status for r in housing_reports()] == [Status.APPROVED, Status.SUBMITTED]


def test_it_returns_nothing_when_the_unit_sent_another_report_since(county):
    first, second = housing_reports()

    with pytest.raises(ValidationError, match="城关保障房"):
        return_housing(county, [first.pk])  # the page showed only the first

    assert [r.status for r in housing_reports()] == [Status.SUBMITTED, Status.SUBMITTED]


def test_it_refuses_a_report_of_another_unit(county):
    plan = AnnualPlan.objects.get(project__unit=county["township"])
    other = services.report_save(plan=plan, month=3, user=county["officer"], amount=Decimal(1))
    services.report_submit(report=other, user=county["officer"])

    with pytest.raises(ValidationError, match="1份已不存在"):
        return_housing(county, [r.pk for r in housing_reports()] + [other.pk])
    assert MonthlyReport.objects.filter(status=Status.RETURNED).count() == 0


def test_returning_a_unit_requires_a_reason_the_office_and_an_open_month(county):
    ids = [r.pk for r in housing_reports()]
    with pytest.raises(ValidationError, match="须填写退回原因"):
        return_housing(county, ids, reason=" ")
    with pytest.raises(PermissionDenied):
        return_housing(county, ids, user=county["leader"])
    lock_march(county["officer"], confirmed=[county["township"].pk])
    with pytest.raises(ValidationError, match="已锁定"):
        return_housing(county, ids)
    assert {r.status for r in housing_reports()} == {Status.SUBMITTED}


def test_a_unit_with_nothing_submitted_has_nothing_to_return(county):
    with pytest.raises(ValidationError, match="没有已报送待审核的报表"):
        services.reports_return_unit(
            year=2024,
            month=3,
            unit=county["township"],
            report_ids=[],
            user=county["officer"],
            reason="补报",
        )
