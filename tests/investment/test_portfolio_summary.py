"""portfolio_summary: the seeds' printed figures come out exactly, built through the import."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from investment.models import MonthlyReport
from investment.rules.periods import Period
from investment.selectors.portfolio import (
    BREAKDOWNS,
    figures_by,
    figures_by_each,
    portfolio_summary,
)
from tests.builders import sheet
from tests.workbooks import PROJECT_HEADERS, REPORT_HEADERS, a_portfolio, code, split, xlsx


def summary_json(capsys, year: int, month: int) -> dict:
    call_command("portfolio_summary", "--year", str(year), "--month", str(month), "--json")
    return json.loads(capsys.readouterr().out)


def import_file(tmp_path, sheets: dict) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx(sheets))
    call_command("import_ledger", str(path))


def zhongjiang_q1_ledger() -> dict:
    """Seed 002 (中江县): 6 provincial projects at 43.36%, 66 municipal at 27%, Q1 2024.

    Provincial: plan 373,620 万, completed 16.2 亿 = 162,000 万.
    Municipal: plan 1,233,340 万, completed 33.3 亿 = 333,000 万.
    Around them, data that must not leak in: April reports, last year's plan rows and
    reports, and a draft March report.
    """
    projects, reports = [PROJECT_HEADERS], [REPORT_HEADERS]
    provincial_plans = split(Decimal(373_620), 6)
    provincial_done = split(Decimal(162_000), 6)
    municipal_plans = split(Decimal(1_233_340), 66)
    municipal_done = split(Decimal(333_000), 66)
    rows = [("省重点", p, d) for p, d in zip(provincial_plans, provincial_done, strict=True)]
    rows += [("市重点", p, d) for p, d in zip(municipal_plans, municipal_done, strict=True)]
    for serial, (level, plan, done) in enumerate(rows, start=1):
        project_code = code(serial)
        nature = "新建" if serial % 3 else "续建"
        projects.append(
            [project_code, f"项目{serial}", "县发改局", level, nature, plan * 3, 2024, plan, None]
        )
        for month, amount in zip((1, 2, 3), split(done, 3), strict=True):
            reports.append([project_code, 2024, month, amount])
        reports.append([project_code, 2024, 4, Decimal(999)])  # after the period
        if serial <= 10:  # the same projects on last year's list
            projects.append(
                [
                    project_code,
                    f"项目{serial}",
                    "县发改局",
                    level,
                    "新建",
                    plan * 3,
                    2023,
                    plan,
                    None,
                ]
            )
            reports.append([project_code, 2023, 3, Decimal(5_000)])
    return {"项目台账": projects, "月度投资": reports}


def zhashui_may_ledger() -> dict:
    """Seed 001 (柞水县): 95 projects, 86 started, 43 亿 of a 115.4 亿 plan by end of May."""
    projects, reports = [PROJECT_HEADERS], [REPORT_HEADERS]
    plans = split(Decimal(1_154_000), 95)
    done = split(Decimal(430_000), 86)
    for serial, plan in enumerate(plans, start=1):
        project_code = code(serial, division="610933")
        if serial <= 85:
            started = date(2024, 1 + serial % 5, 10)
        elif serial == 86:
            started = date(2024, 5, 31)  # on the period's last day: started
        elif serial == 87:
            started = date(2024, 6, 1)  # a day after: not started by the period
        else:
            started = None
        projects.append(
            [project_code, f"项目{serial}", "县住建局", "县重点", "新建", plan, 2024, plan, started]
        )
        if serial <= 86:
            for month, amount in zip(range(1, 6), split(done[serial - 1], 5), strict=True):
                reports.append([project_code, 2024, month, amount])
            reports.append([project_code, 2024, 6, Decimal(777)])
    return {"项目台账": projects, "月度投资": reports}


def test_it_reproduces_seed_002_zhongjiang_first_quarter(tmp_path, capsys):
    import_file(tmp_path, zhongjiang_q1_ledger())
    capsys.readouterr()

    figures = summary_json(capsys, 2024, 3)

    assert figures["projects"] == 72
    assert figures["time_progress"] == 25
    assert figures["completion_rate"] == 30.80
    assert figures["ahead_pp"] == 5.80
    assert figures["completed"] == 495_000
    assert figures["annual_plan"] == 1_606_960
    assert figures["by_level"]["省重点"]["projects"] == 6
    assert figures["by_level"]["省重点"]["completion_rate"] == 43.36
    assert figures["by_level"]["省重点"]["completed"] == 162_000
    assert figures["by_level"]["市重点"]["projects"] == 66
    assert figures["by_level"]["市重点"]["completion_rate"] == 27.00
    assert figures["by_level"]["市重点"]["ahead_pp"] == 2.00
    assert figures["by_level"]["县重点"]["projects"] == 0


def test_its_page_figures_read_as_the_seed_002_report_prints_them(tmp_path, capsys):
    import_file(tmp_path, zhongjiang_q1_ledger())
    capsys.readouterr()

    call_command("portfolio_summary", "--year", "2024", "--month", "3")
    text = capsys.readouterr().out

    assert "项目72个" in text
    assert "占年度计划30.8%" in text
    assert "超序时进度5.8个百分点" in text
    assert "完成投资49.50亿元" in text


def test_it_reproduces_seed_001_zhashui_end_of_may(tmp_path, capsys):
    import_file(tmp_path, zhashui_may_ledger())
    capsys.readouterr()

    figures = summary_json(capsys, 2024, 5)

    assert figures["projects"] == 95
    assert figures["started"] == 86
    assert figures["start_rate"] == 90.53
    assert figures["annual_plan"] == 1_154_000
    assert figures["completed"] == 430_000
    assert figures["completion_rate"] == 37.26

    call_command("portfolio_summary", "--year", "2024", "--month", "5")
    text = capsys.readouterr().out
    assert "已开复工86个，开复工率90.5%" in text
    assert "完成投资43.00亿元，占年度计划37.3%" in text
    assert "年度计划投资115.40亿元" in text


def test_it_counts_only_submitted_and_approved_reports(tmp_path):
    import_file(tmp_path, zhashui_may_ledger())
    MonthlyReport.objects.filter(month=1).update(status=MonthlyReport.Status.DRAFT)
    MonthlyReport.objects.filter(month=2).update(status=MonthlyReport.Status.RETURNED)
    MonthlyReport.objects.filter(month=3).update(status=MonthlyReport.Status.SUBMITTED)

    summary = portfolio_summary(Period.of(2024, 5))

    expected = sum(
        MonthlyReport.objects.filter(month__in=[3, 4, 5]).values_list("amount", flat=True)
    )
    assert summary.completed == expected


def test_a_zero_plan_row_adds_to_completed_but_not_to_the_plan(tmp_path):
    headers = PROJECT_HEADERS
    import_file(
        tmp_path,
        {
            "项目台账": [
                headers,
                [code(1), "甲", "县交通局", "县重点", "新建", 100, 2024, 100, None],
                [code(2), "乙", "县交通局", "县重点", "续建", 100, 2024, 0, None],
            ],
            "月度投资": sheet("月度投资", [{"项目代码": code(1), "年度": 2024, "月份": 1, "本月完成投资(万元)": 10}, {"项目代码": code(2), "年度": 2024, "月份": 1, "本月完成投资(万元)": 10}]),
        },
    )  # fmt: skip

    summary = portfolio_summary(Period.of(2024, 1))

    assert summary.annual_plan == 100
    assert summary.completed == 20
    assert summary.completion_rate == 20


def test_the_json_has_every_pinned_key_as_numbers(tmp_path, capsys):
    import_file(tmp_path, zhashui_may_ledger())
    capsys.readouterr()

    figures = summary_json(capsys, 2024, 6)

    pinned = {"year", "month", "time_progress", "projects", "new", "continuing", "started"}
    pinned |= {"start_rate", "total_investment", "annual_plan", "completed"}
    pinned |= {"completion_rate", "ahead_pp", "by_level"}
    assert pinned <= figures.keys()
    assert set(figures["by_level"]) == {"省重点", "市重点", "县重点"}
    for key in ("projects", "annual_plan", "completed", "completion_rate", "ahead_pp"):
        assert isinstance(figures["by_level"]["县重点"][key], int | float)
    assert figures["time_progress"] == 50
    assert figures["started"] == 87


def test_an_empty_year_has_no_rates_rather_than_zero(capsys):
    figures = summary_json(capsys, 2030, 1)

    assert figures["projects"] == 0
    assert figures["completion_rate"] is None
    assert figures["start_rate"] is None


@pytest.mark.parametrize("args", [["--month", "13"], ["--month", "0"]])
def test_it_refuses_a_month_outside_1_to_12(args):
    with pytest.raises(CommandError, match="月份应为1–12的整数"):
        call_command("portfolio_summary", "--year", "2024", *args)


def _count_queries(year: int, month: int) -> int:
    period = Period.of(year, month)
    with CaptureQueriesContext(connection) as queries:
        portfolio_summary(period)
    return len(queries)


def test_its_query_count_does_not_grow_with_the_portfolio(tmp_path):
    import_file(tmp_path, a_portfolio(10, 2024))
    import_file(tmp_path, a_portfolio(200, 2025))

    # One grouped query over the plan rows, one over the reports.
    assert _count_queries(2024, 3) == _count_queries(2025, 3) == 2
    assert portfolio_summary(Period.of(2025, 3)).projects == 200


def test_the_breakdowns_read_together_are_each_breakdown_read_alone(tmp_path):
    """The dashboard reads its level, unit and industry figures from one pair of grouped
    queries instead of three pairs; each must be what ``figures_by`` gives for it alone."""
    import_file(tmp_path, a_portfolio(40, 2025))
    period = Period.of(2025, 3)

    with CaptureQueriesContext(connection) as queries:
        together = figures_by_each(period, by=tuple(BREAKDOWNS))

    assert len(queries) == 2
    assert together == {by: figures_by(period, by=by) for by in BREAKDOWNS}
    assert sum(figures.projects for figures in together["unit"].values()) == 40
    assert portfolio_summary(period, by_level=together["level"]) == portfolio_summary(period)
