"""Before the planned start (DESIGN.md §3 "Lagging projects"): a plan row whose 计划开工日期 is
after the period end is not due to start. It is neither 未按期开工 nor 投资滞后, the board shows
it grey as 未到开工期, and it still counts in every completion rate.

At November 2026 (period end 30 November; 序时进度 91.7%) a county of four 2026 rows, none
started, none reported, each with a plan of 100 万元:
城关污水处理厂 planned to start on 30 November (the period end: due), 城关保障房 on 1 December
(the day after: not yet), 营盘公路改建 on 20 December (the issue's project), and 城南停车场 with
no 计划开工日期 given.
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from investment.documents.notices import notice_content
from investment.rules.periods import Period
from investment.selectors.portfolio import portfolio_summary
from investment.selectors.progress import (
    BEFORE_START_LABEL,
    Colour,
    LagReason,
    board,
    lag_warnings,
)
from investment.services.warning_rules import counts_now
from projects.models import AnnualPlan, Project
from projects.rules import due_to_start_q, is_due_to_start
from tests.workbooks import PROJECT_HEADERS, code, load

END = date(2026, 11, 30)
PLANNED = {
    "城关污水处理厂": date(2026, 11, 30),
    "城关保障房": date(2026, 12, 1),
    "营盘公路改建": date(2026, 12, 20),
    "城南停车场": None,
}
MOMENT = "2026-12-07 10:00+08:00"  # November is due


@pytest.fixture
def county(db):
    units = ["县住建局", "县住建局", "营盘镇", "县住建局"]
    projects = [
        [code(n, 2026), name, unit, "县重点", "新建", 1000, 2026, 100, None]
        for n, (name, unit) in enumerate(zip(PLANNED, units, strict=True), start=1)
    ]
    load({"项目台账": [PROJECT_HEADERS, *projects]})
    for name, planned in PLANNED.items():
        Project.objects.filter(name=name).update(planned_start=planned)


def reasons_at_november() -> dict[str, list[str]]:
    with time_machine.travel(MOMENT):
        warnings = lag_warnings(Period.of(2026, 11))
    return {w.progress.name: [r.reason for r in w.reasons] for w in warnings}


def test_the_rule_in_the_database_and_for_one_row_agree(county):
    due = set(
        AnnualPlan.objects.filter(due_to_start_q(END)).values_list("project__name", flat=True)
    )
    assert due == {name for name, planned in PLANNED.items() if is_due_to_start(planned, END)}
    assert due == {"城关污水处理厂", "城南停车场"}


@pytest.mark.parametrize(
    ("planned", "due"),
    [(date(2026, 11, 29), True), (END, True), (date(2026, 12, 1), False), (None, True)],
)
def test_a_row_is_due_to_start_on_its_planned_day_and_not_the_day_before(planned, due):
    assert is_due_to_start(planned, END) is due


def test_a_row_planned_on_the_period_end_is_due_and_judged_on_its_money(county):
    # Due to start, so 投资滞后 (0.0% against 91.7%); 未按期开工 waits for a planned start
    # *before* the period end (DESIGN.md §3), which the next month's end is.
    assert reasons_at_november()["城关污水处理厂"] == [LagReason.INVESTMENT]
    with time_machine.travel("2027-01-07 10:00+08:00"):
        (warning,) = [
            w for w in lag_warnings(Period.of(2026, 12)) if w.progress.name == "城关污水处理厂"
        ]
    assert [r.reason for r in warning.reasons] == [LagReason.NOT_STARTED, LagReason.INVESTMENT]


def test_a_row_planned_after_the_period_end_is_neither_not_started_nor_lagging(county):
    reasons = reasons_at_november()
    assert "城关保障房" not in reasons  # planned the day after the period end
    assert "营盘公路改建" not in reasons  # planned on 20 December: not red at 0.0%


def test_a_row_without_a_planned_start_is_judged_on_its_money(county):
    assert reasons_at_november()["城南停车场"] == [LagReason.INVESTMENT]


def test_it_still_counts_in_the_completion_rate(county):
    summary = portfolio_summary(Period.of(2026, 11))
    assert summary.projects == 4
    assert summary.annual_plan == Decimal(400)  # every row's plan in the denominator


def test_the_warning_counts_the_briefing_and_the_notice_leave_it_out(county):
    with time_machine.travel(MOMENT):
        month, counts = counts_now(2026, due=Period.due_on())
        content = notice_content(Period.of(2026, 11, today=date(2026, 12, 7)))
    assert month == 11 and sum(count.total for count in counts) == 2
    assert content["lagging_total"] == 2
    assert {row["name"] for row in content["lagging"]} == {"城关污水处理厂", "城南停车场"}


def test_the_board_shows_the_months_before_the_planned_start_grey_as_not_yet_due(county):
    with time_machine.travel(MOMENT):
        rows = {row.progress.name: row for row in board(Period.of(2026, 11))}

    later = rows["营盘公路改建"].cells
    assert {cell.colour for cell in later} == {Colour.GREY}
    assert all(cell.label == BEFORE_START_LABEL for cell in later)
    on_the_end = rows["城关污水处理厂"].cells
    assert on_the_end[-1].colour == Colour.GREY and not on_the_end[-1].before_start  # 未开工
    assert on_the_end[-2].before_start  # October ended before 30 November
    assert not any(cell.before_start for cell in rows["城南停车场"].cells)


def test_the_board_page_says_not_yet_due(client, county, cast):
    with time_machine.travel(MOMENT):
        client.force_login(cast.leader)
        page = client.get(reverse("board"), {"year": 2026, "month": 11}).content.decode()
    assert "计划2026-12-20开工，11月底未到开工期" in page
    assert '<small class="before-start">未到开工期</small>' in page
