"""The lag judgement in the database (`lag_levels`, `lag_level_counts`: 总体情况's 红色预警N个 /
黄色预警M个 and 我的待办's) gives, row by row and indicator by indicator, the levels the Python
form (`lag_warnings`) gives, on random data: edges met exactly, rules saved with fractional
thresholds and one switched on, every month of the year, before and after the due day."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Q

from investment import rules
from investment.models import MonthlyReport, WarningRule
from investment.rules.periods import Period
from investment.selectors.progress import (
    LAG_FIELDS,
    lag_level_counts,
    lag_level_counts_each,
    lag_levels,
    lag_warnings,
    level_counts,
)
from projects.models import AnnualPlan
from tests import builders
from tests.workbooks import code

Indicator = WarningRule.Indicator
YEAR = 2024


def a_random_county(rng: random.Random, size: int = 48) -> None:
    """``size`` projects whose dates fall on and beside month ends, plans with round shares
    reported (so that 投资滞后 meets its edges exactly), zero plans, milestones late and done."""

    def a_day() -> date | None:
        month = rng.randint(1, 12)
        end = rules.period_end(YEAR, month)
        return rng.choice([None, end, end - timedelta(days=1), end + timedelta(days=1),
                           date(YEAR - 1, rng.randint(1, 12), 15), end.replace(day=1)])  # fmt: skip

    projects, reports, milestones = [], [], []
    for serial in range(1, size + 1):
        started = a_day()
        plan = rng.choice([0, 100, 120, 1000, 1234])
        projects.append(builders.project_row(serial, {
            "项目名称": f"项目{serial}", "责任单位": f"单位{serial % 3}", "年度计划投资(万元)": plan,
            "计划开工日期": a_day(), "实际开(复)工日期": started,
            "纳统日期": a_day() if started else None,
        }))  # fmt: skip
        first = 1 if started is None or started.year < YEAR else started.month
        for month in range(first, 13):
            if rng.random() < 0.75:
                share = rng.choice(
                    [Decimal(0), Decimal(5), Decimal("7.5"), Decimal(10), Decimal(100) / 12]
                )
                reports.append(builders.report_row(
                    serial, YEAR, month, (plan * share / 100).quantize(Decimal("0.01")) or 1
                ))  # fmt: skip
        for step in range(rng.randint(0, 3)):
            due = rules.period_end(YEAR, rng.randint(1, 12)) - timedelta(days=rng.choice([0, 30]))
            done = rng.choice([None, due, due + timedelta(days=rng.choice([1, 31, 45]))])
            milestones.append({"项目代码": code(serial), "节点名称": f"节点{step}",
                               "计划完成日期": due, "实际完成日期": done})  # fmt: skip
    builders.ledger({"项目台账": projects, "月度投资": reports, "项目节点": milestones})
    # some reports not counted: a draft, a returned one
    drafts = rng.sample(list(MonthlyReport.objects.values_list("pk", flat=True)), 20)
    MonthlyReport.objects.filter(pk__in=drafts[:10]).update(status=MonthlyReport.Status.DRAFT)
    MonthlyReport.objects.filter(pk__in=drafts[10:]).update(status=MonthlyReport.Status.RETURNED)


def python_levels(period: Period) -> dict[int, dict[str, str]]:
    return {
        w.progress.plan_id: {r.reason: r.level for r in w.reasons} for w in lag_warnings(period)
    }


def database_levels(period: Period) -> dict[int, dict[str, str]]:
    labels = {field: str(Indicator(indicator).label) for indicator, field in LAG_FIELDS.items()}
    rows = lag_levels(period).values("pk", *LAG_FIELDS.values())
    found = {row["pk"]: {labels[f]: row[f] for f in LAG_FIELDS.values() if row[f]} for row in rows}
    return {pk: levels for pk, levels in found.items() if levels}


def periods() -> list[Period]:
    """Every month of the year, judged after its due day, a few before it, and a few before
    their end."""
    after = [Period.of(YEAR, month, today=date(YEAR + 1, 1, 31)) for month in range(1, 13)]
    before = [Period.of(YEAR, month, today=rules.period_end(YEAR, month)) for month in (3, 8)]
    # not ended yet: judged on the day asked (`Period.as_of`), on the last month ended
    running = [
        Period.of(YEAR, 12, today=date(YEAR, 12, 7)),
        Period.of(YEAR, 9, "quarter", today=date(YEAR, 8, 20)),
        Period.of(YEAR, 6, today=date(YEAR, 1, 10)),
    ]
    return after + before + running


@pytest.mark.parametrize("seed", [1, 2])
def test_the_database_gives_each_row_the_levels_the_python_form_gives(seed):
    a_random_county(random.Random(seed))

    met = set()
    for period in periods():
        python = python_levels(period)
        assert database_levels(period) == python, period
        assert lag_level_counts(period) == level_counts(lag_warnings(period))
        met |= {(reason, level) for levels in python.values() for reason, level in levels.items()}
    assert len(met) == 8  # every default-on indicator at yellow and at red


def test_they_agree_under_saved_rules_with_fractional_thresholds():
    a_random_county(random.Random(3))
    for indicator, (yellow, red) in {
        Indicator.NOT_STARTED: ("1.5", "2"),
        Indicator.INVESTMENT: ("2.5", "17.5"),
        Indicator.NOT_IN_STATISTICS: ("0", "2.5"),
        Indicator.MILESTONE: ("29.5", "30"),
        Indicator.NOT_REPORTED: ("0", "3"),
    }.items():
        WarningRule.objects.create(
            year=YEAR, indicator=indicator, yellow=Decimal(yellow), red=Decimal(red)
        )

    for period in periods():
        assert database_levels(period) == python_levels(period), period


def test_a_rule_switched_off_gives_no_level_in_either_form():
    a_random_county(random.Random(4), size=12)
    WarningRule.objects.create(
        year=YEAR, indicator=Indicator.MILESTONE, enabled=False, yellow=0, red=30
    )
    period = Period.of(YEAR, 12, today=date(YEAR + 1, 1, 31))

    assert not lag_levels(period).exclude(lag_milestone=None).exists()
    assert database_levels(period) == python_levels(period)


def test_the_counts_read_only_the_plans_asked_for():
    a_random_county(random.Random(5), size=12)
    period = Period.of(YEAR, 9, today=date(YEAR + 1, 1, 31))
    one_unit = AnnualPlan.objects.filter(project__unit__name="单位1")

    assert lag_level_counts(period, plans=one_unit) == level_counts(
        lag_warnings(period, plans=one_unit)
    )


def test_the_periods_of_a_year_counted_in_one_query_are_each_counted_as_alone(
    django_assert_num_queries,
):
    """The dashboard's month shown and the month that is due (its to-dos) in one query."""
    a_random_county(random.Random(4))
    asked = periods()
    alone = [level_counts(lag_warnings(period)) for period in asked]
    with django_assert_num_queries(1):
        together = lag_level_counts_each(asked)
    assert together == alone
    # and a month of another year (each row counted in its own year only)
    other_year = Period.of(YEAR + 1, 3, today=date(YEAR + 1, 5, 1))
    builders.ledger({"项目台账": [builders.project_row(99, {"年度": YEAR + 1})]})
    expected = [level_counts(lag_warnings(other_year)), alone[2], alone[7]]
    assert expected[0] != [(level, label, 0) for level, label, _ in expected[0]]
    with django_assert_num_queries(1):
        assert lag_level_counts_each([other_year, asked[2], asked[7]]) == expected


def test_the_index_of_counted_reports_holds_the_statuses_that_count():
    """The levels' subqueries read a row's counted reports from `report_counted_plan_month`;
    PostgreSQL takes a partial index only for a query whose condition is its own."""
    (index,) = [i for i in MonthlyReport._meta.indexes if i.name == "report_counted_plan_month"]

    assert index.condition == Q(status__in=MonthlyReport.COUNTED_STATUSES)
    assert index.fields == ["plan", "month", "amount"]
