"""Unit rankings: each indicator against figures computed by hand (DESIGN.md §3)."""

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from investment.models import MonthlyReport, YearSettings
from investment.rules.indicators import HOW_MANY, INDICATORS, INVESTMENT, REPORTING, WEIGHTS
from investment.rules.periods import Period
from investment.selectors.rankings import unit_ranking
from tests.workbooks import PROJECT_HEADERS, REPORT_HEADERS, a_portfolio, code, load

JIA, YI, BING, WU = "县交通局", "营盘镇", "城关镇", "县水利局"


def a_county() -> None:
    """Four units in 2024, at the end of June (序时进度 50%).

    县交通局 (甲): P1 plan 1000 started in 2023 (6 reports expected, all from the ledger);
    P2 plan 0 started 10 March (4 expected: March, April from the ledger, May submitted on
    its due day, June submitted a day late); P3 plan 1000 not started (none expected).
    Completed 600 + 200 = 800 of 2000: 40%. Milestones: one on time, one late, one
    after the period, one last year, and one of P2 owned by 营盘镇. Findings: closed on
    time, closed late, still open past its deadline, and one due after the period.
    营盘镇 (乙): plan 500 started in January, 300 done (60%).
    城关镇 (丙) and 县水利局 (戊): plan 500 started 1 February, 250 done (50%) each.
    """
    rows = [
        [code(1), "P1", JIA, "市重点", "续建", 5000, 2024, 1000, "2023-05-01"],
        [code(2), "P2", JIA, "县重点", "新建", 800, 2024, 0, "2024-03-10"],
        [code(3), "P3", JIA, "县重点", "新建", 3000, 2024, 1000, None],
        [code(4), "Q1", YI, "县重点", "新建", 900, 2024, 500, "2024-01-15"],
        [code(5), "R1", BING, "县重点", "新建", 900, 2024, 500, "2024-02-01"],
        [code(6), "S1", WU, "县重点", "新建", 900, 2024, 500, "2024-02-01"],
    ]
    reports = [[code(1), 2024, m, 100] for m in range(1, 7)]
    reports += [[code(2), 2024, m, 50] for m in (3, 4, 5, 6)]
    reports += [[code(4), 2024, m, 50] for m in range(1, 7)]
    reports += [[code(c), 2024, m, 50] for c in (5, 6) for m in range(2, 7)]
    milestone_headers: list[Any] = [
        "项目代码",
        "节点名称",
        "计划完成日期",
        "实际完成日期",
        "责任单位",
    ]
    milestones: list[list[Any]] = [
        [code(1), "用地批复", "2024-03-01", "2024-02-20", None],
        [code(1), "施工许可", "2024-05-01", "2024-05-10", None],
        [code(1), "主体封顶", "2024-09-01", None, None],
        [code(1), "立项", "2023-12-01", None, None],
        [code(2), "环评", "2024-04-01", "2024-04-01", YI],
    ]
    finding_headers: list[Any] = [
        "责任单位",
        "问题描述",
        "发现日期",
        "整改时限",
        "整改状态",
        "销号日期",
    ]
    findings: list[list[Any]] = [
        [JIA, "征迁滞后", "2024-03-01", "2024-04-01", "已销号", "2024-03-25"],
        [JIA, "资金未到位", "2024-04-01", "2024-05-01", "已销号", "2024-05-03"],
        [JIA, "施工许可未办", "2024-05-15", "2024-06-15", "整改中", None],
        [JIA, "用电未接入", "2024-06-20", "2024-07-10", "未整改", None],
    ]
    load(
        {
            "项目台账": [PROJECT_HEADERS, *rows],
            "月度投资": [REPORT_HEADERS, *reports],
            "项目节点": [milestone_headers, *milestones],
            "督查问题": [finding_headers, *findings],
        }
    )
    p2 = MonthlyReport.objects.filter(plan__project__code=code(2))
    p2.filter(month=5).update(source="form", submitted_at=local(2024, 6, 5, 23, 59))
    p2.filter(month=6).update(source="form", submitted_at=local(2024, 7, 6, 9, 0))


def local(*parts) -> datetime:
    return timezone.make_aware(datetime(*parts))


def scores_by_unit(year: int = 2024, month: int = 6) -> dict:
    return {score.unit: score for score in unit_ranking(Period.of(year, month)).units}


def test_each_indicator_of_a_unit_matches_the_hand_count():
    a_county()

    jia = scores_by_unit()[JIA]

    assert (jia.projects, jia.started, jia.annual_plan, jia.completed) == (3, 2, 2000, 800)
    assert jia.completion_rate == 40
    assert (jia.milestones_due, jia.milestones_on_time) == (2, 1)
    assert (jia.findings_due, jia.findings_on_time) == (3, 1)
    assert (jia.reports_expected, jia.reports_on_time) == (10, 9)
    assert INVESTMENT.value(jia) == Decimal("0.8")
    assert REPORTING.value(jia) == Decimal("0.9")
    # 50 × 0.8 + 20 × 2/3 + 15 × 1/2 + 10 × 1/3 + 5 × 0.9 = 68.666…
    assert jia.score == Decimal("68.67")


def test_a_milestone_with_its_own_unit_counts_for_that_unit():
    a_county()

    yi = scores_by_unit()[YI]

    assert (yi.milestones_due, yi.milestones_on_time) == (1, 1)


def test_nothing_due_counts_as_fully_done_and_ahead_of_schedule_caps_at_one():
    a_county()

    yi = scores_by_unit()[YI]

    assert yi.completion_rate == 60
    assert yi.indicators == (1,) * len(INDICATORS)
    assert yi.score == 100


def test_ties_go_to_the_higher_completion_rate_then_the_unit_name():
    a_county()

    ranking = unit_ranking(Period.of(2024, 6))

    assert [(s.rank, s.unit, s.score) for s in ranking.units] == [
        (1, YI, Decimal("100.00")),
        (2, WU, Decimal("100.00")),
        (3, BING, Decimal("100.00")),
        (4, JIA, Decimal("68.67")),
    ]
    assert WU < BING  # 县 (U+53BF) sorts before 城 (U+57CE): equal in all but the name


def test_a_report_submitted_after_its_due_day_is_late_and_the_due_day_is_editable():
    a_county()
    YearSettings.objects.create(year=2024, due_day=6)

    jia = scores_by_unit()[JIA]

    assert jia.reports_on_time == 10  # June's report, sent 6 July, is now on time


def test_edited_weights_change_the_score():
    a_county()
    only_investment = dict.fromkeys(WEIGHTS, 0) | {"weight_investment": 100}
    YearSettings.objects.create(year=2024, **only_investment)

    assert scores_by_unit()[JIA].score == Decimal("80.00")


def test_weights_must_add_up_to_100():
    from django.core.exceptions import ValidationError

    settings = YearSettings(year=2024, weight_investment=60)

    with pytest.raises(ValidationError, match=f"{HOW_MANY}项权重之和应为100"):  # 五项
        settings.full_clean()


def test_a_unit_with_no_plan_rows_is_not_ranked():
    a_county()

    assert "县自然资源局" not in scores_by_unit()
    assert len(scores_by_unit()) == 4


def test_the_red_and_black_lists_never_share_a_unit():
    a_county()

    ranking = unit_ranking(Period.of(2024, 6))

    assert [s.unit for s in ranking.red_list] == [YI, WU]
    assert [s.unit for s in ranking.black_list] == [BING, JIA]


def test_quarterly_is_month_3q_and_annual_is_month_12(capsys):
    a_county()

    def ranked(*args) -> list:
        call_command("rankings", "--year", "2024", *args, "--json")
        return json.loads(capsys.readouterr().out)

    assert ranked("--quarter", "2") == ranked("--month", "6")
    assert ranked("--annual") == ranked("--month", "12")
    assert ranked("--quarter", "1") == ranked("--month", "3")


def test_the_json_is_the_pinned_list_best_first(capsys):
    a_county()

    call_command("rankings", "--year", "2024", "--month", "6", "--json")
    rows = json.loads(capsys.readouterr().out)

    assert rows[-1] == {
        "rank": 4,
        "unit": JIA,
        "score": 68.67,
        "completion_rate": 40.0,
        "start_rate": 66.67,
        "milestone_rate": 50.0,
        "findings_rate": 33.33,
        "reporting_rate": 90.0,
        "projects": 3,
    }
    assert [row["rank"] for row in rows] == [1, 2, 3, 4]


def test_the_text_table_names_the_red_and_black_lists(capsys):
    a_county()

    call_command("rankings", "--year", "2024", "--quarter", "2")
    out = capsys.readouterr().out

    assert "2024年第2季度责任单位考核排名" in out
    assert f"红榜：{YI}、{WU}" in out
    assert f"黑榜：{BING}、{JIA}" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "13"], "月份应为1–12的整数"),
        (["--quarter", "5"], "季度应为1–4"),
        (["--month", "3", "--quarter", "1"], "选择一项"),
        ([], "选择一项"),
    ],
)
def test_it_refuses_an_unclear_period(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("rankings", "--year", "2024", *args)


def test_its_query_count_does_not_grow_with_the_portfolio():
    load(a_portfolio(10, 2024))
    load(a_portfolio(200, 2025))

    def count(year: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            unit_ranking(Period.of(year, 6))
        return len(queries)

    # Settings, plan rows, reports, milestones, findings: one query each.
    assert count(2024) == count(2025) == 5
