"""The register's terms (projects/rules.py) — counted, 开(复)工 and 纳统 by a period end, the
unit a milestone counts for — give
the same answers in the database and in Python; and 应报 (investment/rules/reporting.py) lists
the months its query and its count agree on."""

from datetime import date

import pytest

from investment.models import MonthlyReport
from investment.rules import reporting
from projects.models import AnnualPlan, Milestone, Unit
from projects.rules import (
    counted_q,
    in_statistics_q,
    is_counted,
    is_in_statistics,
    is_started,
    milestone_unit,
    started_q,
)
from tests import builders

END = date(2026, 3, 31)  # a period end
DAYS = [None, date(2025, 12, 31), date(2026, 3, 1), END, date(2026, 4, 1)]


@pytest.fixture
def plan() -> AnnualPlan:
    project = builders.project({"总投资(万元)": 100, "年度": 2026, "年度计划投资(万元)": 50})
    return AnnualPlan.objects.get(project=project, year=2026)


@pytest.mark.parametrize("day", DAYS)
def test_started_and_in_statistics_by_the_period_end_are_one_rule(plan, day):
    AnnualPlan.objects.filter(pk=plan.pk).update(actual_start=day, statistics_date=day)
    rows = AnnualPlan.objects.filter(pk=plan.pk)

    assert rows.filter(started_q(END)).exists() is is_started(day, END)
    assert rows.filter(in_statistics_q(END)).exists() is is_in_statistics(day, END)
    assert is_started(day, END) is (day is not None and day <= END)


def test_a_replaced_row_does_not_count(plan):
    other = builders.project({"年度": 2026}, serial=2)
    assert AnnualPlan.objects.filter(counted_q(2026)).count() == 2
    assert AnnualPlan.objects.filter(counted_q(2025)).count() == 0

    AnnualPlan.objects.filter(pk=plan.pk).update(replaced_by=other)

    assert list(AnnualPlan.objects.counted(2026)) == [AnnualPlan.objects.get(project=other)]
    assert list(AnnualPlan.objects.filter(counted_q(2026))) == list(
        AnnualPlan.objects.counted(2026)
    )
    for year in (2025, 2026):  # the query and the check of one row agree
        by_check = [
            p for p in AnnualPlan.objects.all() if is_counted(p.year, p.replaced_by_id, year)
        ]
        assert by_check == list(AnnualPlan.objects.filter(counted_q(year)))


@pytest.mark.parametrize("start", DAYS)
@pytest.mark.parametrize("through", [0, 1, 3, 12])
def test_the_months_a_row_owes_are_the_ones_its_query_and_its_count_give(plan, start, through):
    AnnualPlan.objects.filter(pk=plan.pk).update(actual_start=start)
    for month in range(1, 13):
        MonthlyReport.objects.create(plan=plan, month=month, amount=1)
    months = reporting.expected_months(start, 2026, through)

    queried = MonthlyReport.objects.filter(
        reporting.report_expected(year=2026, through=through), plan=plan
    )
    counted = AnnualPlan.objects.filter(pk=plan.pk).annotate(
        owed=reporting.expected_count(year=2026, through=through)
    )

    assert sorted(queried.values_list("month", flat=True)) == months
    assert counted.get().owed == len(months)


def test_a_milestone_counts_for_its_own_unit_else_its_projects(plan):
    township = Unit.objects.create(name="营盘镇", kind=Unit.Kind.TOWNSHIP)
    own = Milestone.objects.create(
        project=plan.project, name="环评", planned_date=END, unit=township
    )
    theirs = Milestone.objects.create(project=plan.project, name="立项", planned_date=END)

    owners = dict(Milestone.objects.annotate(owner=milestone_unit()).values_list("pk", "owner"))

    assert owners == {own.pk: township.pk, theirs.pk: plan.project.unit_id}
