"""Reads of a month's reporting (investment/selectors/month.py): the sums beside the month
page's lines and the office's review, added up in the database."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from investment.models import MonthlyReport
from investment.selectors.month import counted_before, entry_status, lock_summary, review_list
from investment.services import reports as services
from projects.models import Unit
from tests.investment.test_month_entry import month_entry_county, people, plan  # noqa: F401  # the fixtures

__all__ = ["people"]  # the fixture

Status = MonthlyReport.Status


def sent(reporter, serial: int, month: int, amount: int) -> MonthlyReport:
    report = services.report_save(
        plan=plan(serial), month=month, user=reporter, amount=Decimal(amount)
    )
    return services.report_submit(report=report, user=reporter)


def test_counted_before_adds_up_the_counted_months_before_the_month(people):
    reporter = people["reporter"]
    sent(reporter, 1, 1, 10)  # February (40) is in the fixture
    services.report_save(plan=plan(1), month=3, user=reporter, amount=Decimal(99))  # this month

    assert counted_before(plans=[plan(1), plan(2)], month=3) == {plan(1).pk: Decimal(50)}


def test_entry_status_counts_the_units_expected_reports(people):
    reporter = people["reporter"]
    sent(reporter, 1, 3, 5)
    returned = sent(reporter, 2, 3, 6)
    services.report_return(report=returned, user=people["officer"], reason="请核对")
    reports = {r.plan_id: r for r in MonthlyReport.objects.filter(month=3)}

    status = entry_status(plans=[plan(1), plan(2)], reports=reports, year=2024, month=3)

    assert (status.expected, status.submitted, status.returned, status.unsent) == (2, 1, 1, 0)
    assert status.first_returned == plan(2).pk
    assert entry_status(plans=[], reports={}, year=2024, month=3) is None


def test_review_list_groups_the_reports_by_unit_with_their_cumulative_totals(people):
    reporter = people["reporter"]
    sent(reporter, 1, 3, 10)
    sent(reporter, 2, 3, 6)

    listed = review_list(year=2024, month=3, status=Status.SUBMITTED, unit=None)

    (group,) = listed.groups
    assert group.unit == "县住建局"
    assert [(row.report.plan.project.name, row.cumulative) for row in group.rows] == [
        ("城关污水处理厂", Decimal(50)),  # February's 40 and March's 10
        ("城关保障房", Decimal(6)),
    ]
    assert group.rows[0].cumulative_rate == Decimal(10)
    assert listed.submitted_count == 2


def test_review_list_keeps_the_focused_units_heading_when_it_has_no_report_left(people):
    township = Unit.objects.get(name="营盘镇")

    listed = review_list(year=2024, month=3, status=Status.SUBMITTED, unit=None, focus=township.pk)

    assert [(group.unit, group.rows) for group in listed.groups] == [("营盘镇", [])]
    assert listed.submitted_count == 0


def test_review_list_takes_three_queries_whatever_the_number_of_reports(people):
    reporter = people["reporter"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            listed = review_list(year=2024, month=3, status="all", unit=None)
            [row.report.photos.all() for group in listed.groups for row in group.rows]
            [row.report.flags.all() for group in listed.groups for row in group.rows]
        return len(captured)

    sent(reporter, 1, 3, 10)
    one = queries()
    sent(reporter, 2, 3, 6)
    assert queries() == one == 3  # the reports with their sums, their photos, their flags


def test_lock_summary_names_the_units_still_owing_and_what_waits(people):
    sent(people["reporter"], 1, 3, 10)

    summary = lock_summary(year=2024, month=3)

    assert [(u.unit, u.outstanding) for u in summary.missing] == [("县住建局", 1), ("营盘镇", 1)]
    assert (summary.outstanding, summary.waiting) == (2, 1)
