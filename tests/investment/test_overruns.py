"""超概算 and 超工期 (DESIGN.md §3 Overruns): the rule at its edges, and its query equal to it."""

from datetime import date
from decimal import Decimal

import pytest

from investment.rules.overruns import (
    cost_overrun,
    cost_overrun_pct,
    overrun_plans,
    overrun_summary,
    time_overrun_months,
    whole_months,
    with_overruns,
)
from investment.rules.periods import Period
from projects.models import AnnualPlan, Project, Stage
from tests.workbooks import code, load

HEADERS = ["项目代码", "项目名称", "责任单位", "项目级别", "建设性质", "总投资(万元)", "年度",
           "年度计划投资(万元)", "计划竣工日期", "原总投资(万元)", "原计划竣工日期", "项目阶段"]  # fmt: skip
JUNE_END = date(2024, 6, 30)


def months(original, planned, stage=Stage.CONSTRUCTION, period_end=JUNE_END) -> int:
    return time_overrun_months(
        original=original, planned=planned, stage=stage, period_end=period_end
    )


class TestTimeOverrun:
    def test_the_same_month_is_no_overrun(self):
        assert months(date(2024, 6, 10), date(2024, 6, 25)) == 0

    def test_a_period_end_past_the_original_date_counts_for_a_project_still_building(self):
        assert months(date(2024, 3, 31), None) == 3  # 30 June: three whole months

    def test_a_later_planned_completion_counts_when_it_is_after_the_period_end(self):
        assert months(date(2024, 3, 31), date(2024, 12, 31)) == 9

    def test_a_month_not_yet_whole_is_not_counted(self):
        assert months(date(2024, 3, 15), date(2024, 9, 14), period_end=date(2024, 4, 30)) == 5

    def test_a_month_end_reaches_a_later_day_of_the_month(self):
        assert whole_months(date(2024, 1, 31), date(2024, 2, 29)) == 1

    def test_it_is_never_negative(self):
        assert months(date(2025, 12, 31), date(2025, 6, 30)) == 0

    def test_a_completed_project_is_not_extended_by_the_period_end(self):
        assert months(date(2023, 12, 31), date(2024, 2, 29), stage=Stage.COMPLETED) == 2
        assert months(date(2023, 12, 31), date(2023, 12, 31), stage=Stage.OPERATING) == 0

    def test_no_original_date_is_no_overrun(self):
        assert months(None, date(2030, 1, 1)) == 0


class TestCostOverrun:
    def test_it_is_the_total_less_the_original_and_its_share_of_the_original(self):
        assert cost_overrun(Decimal("6200"), Decimal("5000")) == Decimal("1200")
        assert cost_overrun_pct(Decimal("6200"), Decimal("5000")) == Decimal("24")

    def test_below_the_original_is_negative_and_no_original_is_unknown(self):
        assert cost_overrun(Decimal("4500"), Decimal("5000")) == Decimal("-500")
        assert cost_overrun(Decimal("4500"), None) is None
        assert cost_overrun_pct(Decimal("10"), Decimal("0")) is None


DATES = [
    date(2023, 12, 31), date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 15),
    date(2024, 6, 1), date(2024, 6, 30), date(2024, 7, 30), date(2024, 12, 31), None,
]  # fmt: skip


def test_the_query_counts_the_months_as_the_rule_does():
    """Every pair of dates, each stage kind: the database's months are the Python rule's."""
    rows, expected, serial = [HEADERS], {}, 0
    for original in DATES[:-1]:
        for planned in DATES:
            for stage in ("在建", "竣工"):
                serial += 1
                rows.append([code(serial), f"项目{serial}", "县住建局", "县重点", "新建", 100,
                             2024, 10, planned, 100, original, stage])  # fmt: skip
                expected[code(serial)] = months(
                    original, planned, stage=Stage.COMPLETED if stage == "竣工" else "x"
                )
    load({"项目台账": rows})

    found = dict(
        with_overruns(Project.objects.all(), period_end=JUNE_END).values_list(
            "code", "time_overrun"
        )
    )

    assert found == expected


@pytest.fixture
def listed():
    load(
        {
            "项目台账": [
                HEADERS,
                [code(1), "超概算", "县住建局", "县重点", "新建", 6200, 2024, 10, "2024-12-31",
                 5000, "2024-12-31", "在建"],
                [code(2), "超工期", "营盘镇", "县重点", "新建", 800, 2024, 10, "2025-06-30",
                 800, "2024-03-31", "在建"],
                [code(3), "正常", "营盘镇", "县重点", "新建", 900, 2024, 10, "2025-06-30",
                 1000, "2025-06-30", "在建"],
            ]
        }
    )  # fmt: skip


def test_the_list_holds_the_projects_over_cost_or_time_most_over_budget_first(listed):
    rows = overrun_plans(Period.of(2024, 6), plans=AnnualPlan.objects.all())

    assert [(r.project.name, r.cost_overrun, r.time_overrun) for r in rows] == [
        ("超概算", Decimal("1200"), 0),
        ("超工期", Decimal("0"), 15),
    ]


def test_the_summary_counts_and_sums_in_one_query(listed, django_assert_num_queries):
    period = Period.of(2024, 6)
    with django_assert_num_queries(1):
        summary = overrun_summary(period, plans=AnnualPlan.objects.all())

    assert summary.text == "超概算项目1个，合计1,200.00万元；超工期项目1个"
