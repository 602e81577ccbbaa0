"""Lag warnings, board colours, project rankings and summary breakdowns (DESIGN.md §3)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from investment.models import WarningRule
from investment.rules.periods import Period
from investment.selectors.portfolio import figures_by
from investment.selectors.progress import (
    Colour,
    LagReason,
    board,
    board_colour,
    lag_warnings,
)
from investment.selectors.rankings import project_ranking
from projects.models import Project
from tests import builders
from tests.builders import sheet
from tests.workbooks import REPORT_HEADERS, a_portfolio, code, load, split

JULY_10 = timezone.make_aware(datetime(2024, 7, 10, 9, 0))


def project(
    serial,
    *,
    plan=1000,
    unit="县交通局",
    level="县重点",
    industry="交通",
    planned=None,
    started=None,
):
    return builders.project_row(
        serial,
        {"项目名称": f"项目{serial}", "责任单位": unit, "项目级别": level, "总投资(万元)": 5000,
         "年度计划投资(万元)": plan, "行业类别": industry, "计划开工日期": planned,
         "实际开(复)工日期": started},
    )  # fmt: skip


def six_months_of(serial: int, total: int, months=range(1, 7)) -> list[list]:
    parts = split(Decimal(total), len(months))
    return [[code(serial), 2024, m, part] for m, part in zip(months, parts, strict=True)]


def a_lagging_county() -> None:
    """At June 2024 (序时进度 50%):
    1 planned to start 1 March, not started;   2 at 38% (12 points behind);
    3 at exactly 40% (10 behind: not lagging);  4 with two overdue milestones;
    5 with no June report;                      6 not started, behind, a milestone overdue.
    """
    builders.ledger(
        {
            "项目台账": [
                project(1, planned="2024-03-01"),
                project(2, started="2024-01-10"),
                project(3, started="2024-01-10"),
                project(4, started="2024-01-10"),
                project(5, started="2024-01-10"),
                project(6, planned="2024-02-01"),
            ],
            "月度投资": [
                REPORT_HEADERS,
                *six_months_of(2, 380),
                *six_months_of(3, 400),
                *six_months_of(4, 500),
                *six_months_of(5, 500, months=range(1, 6)),
            ],
            "项目节点": [
                ["项目代码", "节点名称", "计划完成日期", "实际完成日期"],
                [code(4), "施工许可", "2024-05-01", None],
                [code(4), "主体开工", "2024-06-10", "2024-07-02"],
                [code(4), "主体封顶", "2024-09-01", None],
                [code(6), "用地批复", "2024-04-01", None],
            ],
        }
    )


def reasons_at(now=JULY_10) -> dict[str, list[str]]:
    return {
        w.progress.code: [r.reason for r in w.reasons]
        for w in lag_warnings(Period.of(2024, 6, today=timezone.localdate(now)))
    }


def test_each_lag_reason_is_raised_on_the_row_it_fits():
    a_lagging_county()

    assert reasons_at() == {
        code(1): [LagReason.NOT_STARTED, LagReason.INVESTMENT],
        code(2): [LagReason.INVESTMENT],
        code(4): [LagReason.MILESTONE],
        code(5): [LagReason.NOT_REPORTED],
        code(6): [LagReason.NOT_STARTED, LagReason.INVESTMENT, LagReason.MILESTONE],
    }


def test_each_reason_carries_its_figures():
    a_lagging_county()

    details = {
        w.progress.code: {r.reason: r.details for r in w.reasons}
        for w in lag_warnings(Period.of(2024, 6, today=timezone.localdate(JULY_10)))
    }

    assert details[code(2)][LagReason.INVESTMENT] == "完成38.0%，低于序时进度12.0个百分点"
    assert (
        details[code(4)][LagReason.MILESTONE]
        == "2个节点逾期：施工许可（05-01）、主体开工（06-10），最久逾期60天"
    )
    assert (
        details[code(1)][LagReason.NOT_STARTED] == "计划2024年3月1日开工，至6月底未开工（已3个月）"
    )


def test_a_missing_report_is_not_a_warning_before_its_due_day_has_passed():
    a_lagging_county()

    on_the_due_day = timezone.make_aware(datetime(2024, 7, 5, 18, 0))

    assert code(5) not in reasons_at(now=on_the_due_day)


def test_the_investment_threshold_is_editable():
    a_lagging_county()
    WarningRule.objects.create(
        year=2024, indicator=WarningRule.Indicator.INVESTMENT, yellow=15, red=30
    )

    assert LagReason.INVESTMENT not in reasons_at().get(code(2), [])


@pytest.mark.parametrize(
    ("rate", "started", "completed", "colour"),
    [
        (Decimal(50), True, False, Colour.GREEN),
        (Decimal(60), True, False, Colour.GREEN),
        (Decimal(40), True, False, Colour.AMBER),
        (Decimal("39.99"), True, False, Colour.RED),
        (None, True, False, Colour.GREY),
        (Decimal(0), False, False, Colour.GREY),
        (Decimal(10), True, True, Colour.BLUE),
    ],
)
def test_board_colours_against_a_schedule_of_50(rate, started, completed, colour):
    assert (
        board_colour(
            completion_rate=rate,
            schedule=Decimal(50),
            started=started,
            completed_project=completed,
            threshold=Decimal(10),
        )
        == colour
    )


def test_a_board_row_follows_the_project_month_by_month():
    builders.ledger(
        {
            "项目台账": [
                project(1, plan=1200, started="2024-02-01"),
                project(2, plan=0, started="2024-01-01"),
            ],
            "月度投资": sheet("月度投资", [{"项目代码": code(1), "年度": 2024, "月份": 2, "本月完成投资(万元)": 200}, {"项目代码": code(1), "年度": 2024, "月份": 3, "本月完成投资(万元)": 100}]),
        }
    )  # fmt: skip

    rows = {row.progress.code: row for row in board(Period.of(2024, 5))}

    cells = rows[code(1)].cells
    assert [c.colour for c in cells] == ["grey", "green", "green", "amber", "red"]
    assert [c.completed for c in cells] == [0, 200, 300, 300, 300]
    assert cells[3].completion_rate == 25
    assert [c.colour for c in rows[code(2)].cells] == ["grey"] * 5


def test_a_completed_project_is_blue_from_its_completion_month():
    builders.ledger({"项目台账": [project(1, plan=1200, started="2024-01-05")]})
    Project.objects.update(actual_end=date(2024, 3, 20))

    (row,) = board(Period.of(2024, 4))

    assert [c.colour for c in row.cells] == ["amber", "red", "blue", "blue"]


def test_projects_rank_by_completion_rate_within_a_level_unit_or_industry():
    builders.ledger(
        {
            "项目台账": [
                project(1, level="省重点", unit="甲局"),
                project(2, level="县重点", unit="甲局", industry="水利"),
                project(3, level="县重点", unit="乙镇"),
                project(4, plan=0, unit="乙镇"),
            ],
            "月度投资": sheet("月度投资", [
                {"项目代码": code(1), "年度": 2024, "月份": 1, "本月完成投资(万元)": 100},
                {"项目代码": code(2), "年度": 2024, "月份": 1, "本月完成投资(万元)": 300},
                {"项目代码": code(3), "年度": 2024, "月份": 1, "本月完成投资(万元)": 200},
            ]),
        }
    )  # fmt: skip

    def ranked(**filters) -> list[str]:
        return [row.code for row in project_ranking(Period.of(2024, 6), **filters)]

    assert ranked() == [code(2), code(3), code(1), code(4)]
    assert ranked(level="county") == [code(2), code(3), code(4)]
    assert ranked(industry="水利") == [code(2)]
    unit_id = Project.objects.get(code=code(3)).unit_id
    assert ranked(unit_id=unit_id) == [code(3), code(4)]
    # The page's first rows, read without building every row: the same rows, in the same order.
    for first in range(6):
        shown = project_ranking(Period.of(2024, 6), limit=first)
        assert [row.code for row in shown] == ranked()[:first]
    assert [row.code for row in project_ranking(Period.of(2024, 6), level="county", limit=2)] == [
        code(2),
        code(3),
    ]


def test_the_summary_breaks_down_by_unit_industry_and_nature():
    builders.ledger(
        {
            "项目台账": [
                project(1, unit="甲局"),
                project(2, unit="乙镇", industry="水利"),
                project(3, unit="乙镇"),
            ],
            "月度投资": sheet("月度投资", [{"项目代码": code(1), "年度": 2024, "月份": 1, "本月完成投资(万元)": 100}, {"项目代码": code(2), "年度": 2024, "月份": 1, "本月完成投资(万元)": 300}]),
        }
    )  # fmt: skip

    by_unit = figures_by(Period.of(2024, 6), by="unit")
    by_industry = figures_by(Period.of(2024, 6), by="industry")

    assert (
        by_unit["乙镇"].projects,
        by_unit["乙镇"].completed,
        by_unit["乙镇"].completion_rate,
    ) == (2, 300, 15)
    assert by_industry["水利"].completion_rate == 30
    assert figures_by(Period.of(2024, 6), by="nature")["new"].projects == 3


def queries(function, period: Period, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        function(period, **kwargs)
    return len(captured)


# The period reads the year's settings once, before; lag_warnings and board read the year's
# warning rules through it (one query) besides their own.
@pytest.mark.parametrize(
    ("function", "expected"),
    [(lag_warnings, 3), (board, 3), (project_ranking, 1), (figures_by, 2)],
)
def test_query_counts_do_not_grow_with_the_portfolio(function, expected):
    load(a_portfolio(10, 2024))
    load(a_portfolio(200, 2025))
    extra = {"by": "unit"} if function is figures_by else {}

    small = queries(function, Period.of(2024, 6), **extra)
    large = queries(function, Period.of(2025, 6), **extra)

    assert small == large == expected
