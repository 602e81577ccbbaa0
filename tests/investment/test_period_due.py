"""The period that is due (DESIGN.md §3), on a frozen calendar.

A county of three 2026 projects started in January: 县住建局's 城关污水处理厂 and 城关保障房,
营盘镇's 营盘公路改建. January–October came in from the ledger (on time); of November's
reports, due on 5 December, 县住建局 sent one on 2 December. So on 2 December (and on the
due day itself) October is the period that is due and November expects nothing yet; from
6 December November is due, with 应报3份、已报1份，2个单位未报.
"""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from investment.models import YearSettings
from investment.rules import periods
from investment.rules.periods import Period
from investment.selectors.portfolio import report_completeness
from investment.selectors.progress import Colour, LagReason, board, lag_warnings
from investment.selectors.rankings import unit_ranking
from investment.services import reports as services
from projects.models import AnnualPlan, Unit
from supervision.models import Notice
from tests.investment.test_briefing import pdf_text
from tests.workbooks import PROJECT_HEADERS, REPORT_HEADERS, a_portfolio, code, load

BEFORE = "2026-12-02 10:00+08:00"  # November is not due yet
DUE_DAY = "2026-12-05 23:00+08:00"  # still on time for November
AFTER = "2026-12-06 09:00+08:00"  # November is due


def a_county_in_december() -> None:
    projects = [
        [code(1, 2026), "城关污水处理厂", "县住建局", "县重点", "新建", 1000, 2026, 500, "2026-01-05"],
        [code(2, 2026), "城关保障房", "县住建局", "县重点", "新建", 800, 2026, 300, "2026-01-05"],
        [code(3, 2026), "营盘公路改建", "营盘镇", "县重点", "新建", 800, 2026, 300, "2026-01-05"],
    ]  # fmt: skip
    reports = [[row[0], 2026, month, 20] for row in projects for month in range(1, 11)]
    load({"项目台账": [PROJECT_HEADERS, *projects], "月度投资": [REPORT_HEADERS, *reports]})


@pytest.fixture
def people(december_county, cast):
    housing = Unit.objects.get(name="县住建局")
    cast = {
        "reporter": cast.reporter_of(housing),
        "officer": cast.officer,
        "supervisor": cast.supervisor,
        "leader": cast.leader,
    }
    plan = AnnualPlan.objects.get(project__name="城关污水处理厂")
    with time_machine.travel(BEFORE):
        report = services.report_save(
            plan=plan, month=11, user=cast["reporter"], amount=Decimal(30)
        )
        services.report_submit(report=report, user=cast["reporter"])
    return cast


def page(client, user, name: str, moment: str, **query) -> str:
    with time_machine.travel(moment):  # signed in then: a session lasts hours, not days
        client.force_login(user)
        response = client.get(reverse(name), query)
    assert response.status_code == 200
    return response.content.decode()


# --- the rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (date(2026, 12, 2), (2026, 10)),  # before November's due day
        (date(2026, 12, 5), (2026, 10)),  # on it: November is on time all day
        (date(2026, 12, 6), (2026, 11)),  # after it
        (date(2027, 1, 3), (2026, 11)),  # December is due on 5 January, under 2026's settings
        (date(2027, 1, 5), (2026, 11)),
        (date(2027, 1, 6), (2026, 12)),
        (date(2027, 2, 5), (2026, 12)),
        (date(2027, 2, 6), (2027, 1)),
    ],
)
def test_the_period_that_is_due_is_the_latest_month_whose_due_day_has_passed(today, due):
    assert periods.due_period(today) == due


def test_the_years_own_due_day_decides_and_december_uses_its_own_years_setting():
    YearSettings.objects.create(year=2026, due_day=10)
    YearSettings.objects.create(year=2027, due_day=2)

    assert periods.due_period(date(2026, 12, 8)) == (2026, 10)
    assert periods.due_period(date(2026, 12, 11)) == (2026, 11)
    assert periods.due_period(date(2027, 1, 8)) == (2026, 11)  # 2026's 10th, not 2027's 2nd
    assert periods.due_period(date(2027, 1, 11)) == (2026, 12)


def due(today: date, kind: str = "month") -> Period:
    return Period.due_on(today, kind)


def quarter_due(today: date) -> tuple[int, int]:
    quarter = due(today, "quarter")
    return quarter.year, quarter.quarter


def test_the_last_quarter_and_year_that_are_due():
    assert quarter_due(date(2026, 12, 2)) == (2026, 3)
    assert quarter_due(date(2026, 10, 5)) == (2026, 2)  # September not due until the 6th
    assert quarter_due(date(2027, 1, 6)) == (2026, 4)
    assert quarter_due(date(2027, 3, 1)) == (2026, 4)
    assert due(date(2026, 12, 2), "year").year == 2025
    assert due(date(2027, 1, 6), "year").year == 2026


def test_a_kind_asked_opens_at_its_period_that_is_due():
    today = date(2026, 12, 2)

    assert [(p.year, p.month, p.kind) for p in (due(today, k) for k in ("month", "quarter", "year"))] == [
        (2026, 10, "month"), (2026, 9, "quarter"), (2025, 12, "year")
    ]  # fmt: skip
    assert [periods.kind_asked({"kind": k}) for k in ("year", "annual", "quarter", "week")] == [
        "year", "year", "quarter", "month"
    ]  # fmt: skip
    assert periods.kind_asked({}) == "month"


# --- I5 and 未报送 --------------------------------------------------------------------


def reporting(today: date, month: int = 11) -> dict[str, tuple[int, int]]:
    ranking = unit_ranking(Period.of(2026, month, today=today))
    return {s.unit: (s.reports_on_time, s.reports_expected) for s in ranking.units}


def test_a_month_not_yet_due_expects_no_report_in_i5(people):
    before = {"县住建局": (20, 20), "营盘镇": (10, 10)}
    assert reporting(date(2026, 12, 2)) == before
    assert reporting(date(2026, 12, 5)) == before
    # From the 6th November counts: 县住建局 sent one of two on time, 营盘镇 none.
    assert reporting(date(2026, 12, 6)) == {"县住建局": (21, 22), "营盘镇": (10, 11)}


def test_the_only_unit_that_reported_early_is_not_docked_before_the_due_day(people):
    ranking = unit_ranking(Period.of(2026, 11, today=date(2026, 12, 2)))
    assert {s.unit: s.rates["reporting_rate"] for s in ranking.units} == {
        "县住建局": Decimal(100),
        "营盘镇": Decimal(100),
    }


def test_december_is_expected_only_after_its_due_day_in_january(people):
    assert reporting(date(2027, 1, 5), month=12) == {"县住建局": (21, 22), "营盘镇": (10, 11)}
    assert reporting(date(2027, 1, 6), month=12) == {"县住建局": (21, 24), "营盘镇": (10, 12)}


def test_not_reported_is_raised_only_after_the_due_day(people):
    def not_reported(moment: str) -> list[str]:
        with time_machine.travel(moment):
            warnings = lag_warnings(Period.of(2026, 11))
        return sorted(
            w.progress.name
            for w in warnings
            if any(r.reason == LagReason.NOT_REPORTED for r in w.reasons)
        )

    assert not_reported(BEFORE) == []
    assert not_reported(DUE_DAY) == []
    assert not_reported(AFTER) == ["城关保障房", "营盘公路改建"]


def test_the_board_shows_a_month_not_yet_due_as_awaiting_its_report_not_red(people):
    def colours(moment: str) -> dict[str, str]:
        with time_machine.travel(moment):
            rows = board(Period.of(2026, 11))
        return {row.progress.name: row.cells[-1].colour for row in rows}

    before = colours(BEFORE)
    assert before["营盘公路改建"] == Colour.PENDING
    assert before["城关保障房"] == Colour.PENDING
    assert before["城关污水处理厂"] != Colour.PENDING  # its report is in: judged as usual
    assert colours(AFTER)["营盘公路改建"] == Colour.RED  # due now: 66.7% against 91.7%


# --- completeness --------------------------------------------------------------------


def test_completeness_counts_expected_and_reported_reports_and_the_units_missing(people):
    due = report_completeness(Period.of(2026, 11, today=date(2026, 12, 6)))
    assert (due.expected, due.reported, due.units_missing, due.complete) == (3, 1, 2, False)
    assert due.text == "11月报表应报3份、已报1份，2个单位未报"

    early = report_completeness(Period.of(2026, 11, today=date(2026, 12, 2)))
    assert not early.complete and not early.due
    assert "12月5日截止，尚未到期" in early.text and "未报" not in early.text.replace("尚未", "")

    october = report_completeness(Period.of(2026, 10, today=date(2026, 12, 2)))
    assert october.complete and october.text == "10月报表应报3份，已全部报送"


# --- the pages open at the period that is due ----------------------------------------


def test_every_page_opens_at_october_on_the_second_of_december(client, people):
    leader = people["leader"]
    assert "2026年1–10月重点项目建设情况" in page(client, leader, "dashboard", BEFORE)
    assert "2026年10月责任单位考核排名" in page(client, leader, "rankings", BEFORE)
    assert "截至10月底" in page(client, leader, "lag_warnings", BEFORE)
    board_page = page(client, leader, "board", BEFORE)
    assert ">10月</th>" in board_page and ">11月</th>" not in board_page
    assert "2026年1–10月" in page(client, leader, "briefing", BEFORE)
    assert "关于2026年1–10月全县重点项目建设情况的通报" in page(
        client, people["supervisor"], "notice_create", BEFORE
    )


def test_on_the_due_day_the_pages_still_open_at_october_and_from_the_next_day_at_november(
    client, people
):
    leader = people["leader"]
    assert "2026年1–10月重点项目建设情况" in page(client, leader, "dashboard", DUE_DAY)
    assert "2026年1–11月重点项目建设情况" in page(client, leader, "dashboard", AFTER)
    assert "2026年11月责任单位考核排名" in page(client, leader, "rankings", AFTER)
    assert "2026年1–11月" in page(client, leader, "briefing", AFTER)


def test_in_january_the_pages_open_at_the_previous_years_november_then_december(client, people):
    leader = people["leader"]
    assert "2026年1–11月重点项目建设情况" in page(
        client, leader, "dashboard", "2027-01-05 12:00+08:00"
    )
    assert "2026年1–12月重点项目建设情况" in page(
        client, leader, "dashboard", "2027-01-06 09:00+08:00"
    )


def test_the_quarterly_pages_open_at_the_last_quarter_that_is_due(client, people):
    leader = people["leader"]
    assert "2026年三季度" in page(client, leader, "briefing", BEFORE, kind="quarter")
    assert "2026年四季度" in page(
        client, leader, "briefing", "2027-02-03 09:00+08:00", kind="quarter"
    )
    assert "2026年第3季度（截至9月）" in page(client, leader, "rankings", BEFORE, kind="quarter")


def test_a_complete_period_is_said_to_be_complete_and_downloads_without_a_question(client, people):
    briefing_page = page(client, people["leader"], "briefing", BEFORE)
    assert "10月报表应报3份，已全部报送" in briefing_page
    assert 'name="acknowledged"' not in briefing_page
    with time_machine.travel(BEFORE):
        response = client.get(reverse("briefing_pdf"), {"kind": "month", "year": 2026, "month": 10})
    assert response["Content-Type"] == "application/pdf"


def test_the_figures_of_an_incomplete_period_say_so_on_every_page(client, people):
    leader = people["leader"]
    for name in ("dashboard", "board", "rankings", "lag_warnings", "briefing"):
        assert "11月报表应报3份、已报1份，2个单位未报" in page(client, leader, name, AFTER), name
    early = page(client, leader, "dashboard", BEFORE, year=2026, month=11)
    assert "12月5日截止，尚未到期" in early


def test_an_incomplete_briefing_is_downloaded_only_after_confirming(client, people):
    period = {"kind": "month", "year": 2026, "month": 11}
    with time_machine.travel(AFTER):
        client.force_login(people["leader"])
        asked = client.get(reverse("briefing_pdf"), period)
        assert asked.status_code == 302 and asked["Location"].endswith("#download")
        confirm = client.get(asked["Location"]).content.decode()
        assert 'name="acknowledged"' in confirm and "我已知悉本期报表未报齐" in confirm
        response = client.get(reverse("briefing_pdf"), period | {"acknowledged": "1"})

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "本期数据不完整：11月报表应报3份、已报1份，2个单位未报" in text
    assert "截至11月底（11月报表应报3份、已报1份，2个单位未报），完成投资" in text


def test_a_notice_for_an_incomplete_period_needs_the_confirmation(client, people):
    form = {
        "period": Notice.Period.MONTH,
        "year": 2026,
        "month": 11,
        "title": "关于2026年1–11月全县重点项目建设情况的通报",
        "opening": "现将有关情况通报如下。",
        "action": "issue",
    }
    with time_machine.travel(AFTER):
        client.force_login(people["supervisor"])
        refused = client.post(reverse("notice_create"), form)
        assert refused.status_code == 200 and not Notice.objects.exists()
        assert "请勾选“我已知悉本期报表未报齐”" in refused.content.decode()

        issued = client.post(reverse("notice_create"), form | {"acknowledged": "1"})
        notice = Notice.objects.get()
        detail = client.get(reverse("notice_detail", args=[notice.pk])).content.decode()
    assert issued.status_code == 302
    assert notice.content["completeness"]["text"] == "11月报表应报3份、已报1份，2个单位未报"
    assert "11月报表应报3份、已报1份，2个单位未报" in detail


def test_a_notice_for_a_complete_period_is_issued_without_a_question(client, people):
    with time_machine.travel(BEFORE):
        client.force_login(people["supervisor"])
        client.post(
            reverse("notice_create"),
            {"period": Notice.Period.MONTH, "year": 2026, "month": 10, "title": "通报",
             "opening": "现将有关情况通报如下。", "action": "issue"},
        )  # fmt: skip
    assert Notice.objects.get().content["completeness"]["complete"] is True


def test_the_briefing_command_warns_that_the_period_is_incomplete(people, tmp_path):
    err = io.StringIO()
    with time_machine.travel(AFTER):
        call_command(
            "briefing", "--year", "2026", "--month", "11", "-o", str(tmp_path / "简报.pdf"),
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert "本期数据不完整（11月报表应报3份、已报1份，2个单位未报）" in err.getvalue()


@pytest.mark.parametrize(
    "command",
    [["portfolio_summary", "--month", "11", "--json"], ["rankings", "--month", "11", "--json"]],
)
def test_the_figure_commands_warn_on_stderr_and_keep_their_json_clean(people, command):
    out, err = io.StringIO(), io.StringIO()
    with time_machine.travel(AFTER):
        call_command(command[0], "--year", "2026", *command[1:], stdout=out, stderr=err)
    assert "本期数据不完整（11月报表应报3份、已报1份，2个单位未报）" in err.getvalue()
    json.loads(out.getvalue())  # stdout is still the pinned JSON alone


def test_completeness_takes_the_same_queries_at_any_size():
    def count(size: int, year: int) -> int:
        ledger = a_portfolio(size, year)
        for row in ledger["项目台账"][1:]:
            row[-1] = f"{year}-01-05"  # 实际开(复)工日期: every row expects reports
        load(ledger)
        with CaptureQueriesContext(connection) as queries:
            report_completeness(Period.of(year, 3, today=date(year, 5, 1)))
        return len(queries)

    # the year's settings, the grouped rows, the data-quality flags counted (数据质量提示N条)
    assert count(10, 2024) == count(120, 2025) == 3


def test_the_board_marks_a_due_month_without_its_report_as_missing(people):
    def missing(moment: str) -> dict[str, bool]:
        with time_machine.travel(moment):
            rows = board(Period.of(2026, 11))
        return {row.progress.name: row.cells[-1].missing for row in rows}

    assert not any(missing(BEFORE).values())  # November is not due yet: 待报, not 未报
    after = missing(AFTER)
    assert after["营盘公路改建"] and after["城关保障房"]
    assert not after["城关污水处理厂"]  # its report is in
