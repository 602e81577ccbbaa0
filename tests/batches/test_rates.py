"""签约率, 开工率 and 投产率 (DESIGN.md §3) at a period end: a listing counts when its project's date
of its kind is on or before the period end; a kind with none listed has no rate (—)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from batches import rules
from batches.access import visible_entries
from batches.models import BatchEntry, Kind
from batches.selectors import batch_rates, listing_units, listings, with_achieved
from core.formatting import percent
from projects.models import Project, Unit
from projects.services.units import unit_save
from tests.batches.helpers import a_batch, listed, projects
from tests.builders import ledger, project_row
from tests.workbooks import code

END = date(2026, 6, 30)  # the second quarter's end
DAY_AFTER = date(2026, 7, 1)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel("2026-07-20 10:00+08:00", tick=False):
        yield


def rates_at(cast, batch, end):
    return batch_rates([batch], BatchEntry.objects.all(), end=end)[0]


@pytest.mark.parametrize(
    ("kind", "header"),
    [(Kind.SIGN, "签约日期"), (Kind.START, "实际开(复)工日期"), (Kind.PRODUCE, "投产日期")],
)
def test_a_date_on_the_period_end_counts_and_a_day_after_does_not(cast, kind, header):
    batch = a_batch(cast.officer)
    on_end, after, none = projects([{header: END}, {header: DAY_AFTER}, {}])
    listed(cast.officer, batch, kind, [on_end, after, none])

    at_end = rates_at(cast, batch, END).of(kind)
    a_day_later = rates_at(cast, batch, DAY_AFTER).of(kind)

    assert (at_end.done, at_end.listed) == (1, 3)
    assert percent(at_end.rate) == "33.3%"
    assert (a_day_later.done, a_day_later.listed) == (2, 3)
    assert percent(a_day_later.rate) == "66.7%"


def test_a_kind_with_none_listed_shows_a_dash(cast):
    batch = a_batch(cast.officer)
    listed(cast.officer, batch, Kind.START, projects([{"实际开(复)工日期": END}]))

    rates = rates_at(cast, batch, END)

    assert rates.of(Kind.START).rate == Decimal(100)
    assert rates.of(Kind.SIGN).rate is None and percent(rates.of(Kind.SIGN).rate) == "—"
    assert rates.of(Kind.PRODUCE).listed == 0 and percent(rates.of(Kind.PRODUCE).rate) == "—"


def test_a_batch_with_nothing_listed_has_no_rate_at_all(cast):
    rates = rates_at(cast, a_batch(cast.officer), END)

    assert [k.rate for k in rates.kinds] == [None, None, None]
    assert rates.units == []


def test_start_is_the_earliest_start_of_the_projects_plan_rows(cast):
    """A continuing project resumed (复工) in 2026 started when it first started."""
    batch = a_batch(cast.officer)
    (project,) = projects([{"实际开(复)工日期": date(2026, 7, 10)}])
    projects([{"项目名称": "项目1", "年度": 2025, "建设性质": "新建",
               "实际开(复)工日期": date(2025, 5, 1)}])  # fmt: skip  # the same project's 2025 row
    listed(cast.officer, batch, Kind.START, [project])

    assert rates_at(cast, batch, END).of(Kind.START).done == 1


def test_start_is_the_earliest_start_of_the_plan_rows_on_or_before_the_period_end(cast):
    """Pinned (issue 25): a project with two plan rows, started on the 2025 row before the
    period end and resumed on the 2026 row after it, has started, on the 2025 date; before the
    earlier date it has not. A blank row neither starts it nor hides another row's start."""
    batch = a_batch(cast.officer)
    (two_rows,) = projects([{"实际开(复)工日期": date(2026, 7, 10), "建设性质": "续建"}])
    projects([{"项目名称": "项目1", "年度": 2025, "建设性质": "新建",
               "实际开(复)工日期": date(2025, 11, 3)}])  # fmt: skip  # its 2025 row
    (blank_2026,) = projects([{"建设性质": "续建"}], start=2)
    projects([{"项目名称": "项目2", "年度": 2025, "建设性质": "新建",
               "实际开(复)工日期": date(2025, 5, 6)}], start=2)  # fmt: skip
    listed(cast.officer, batch, Kind.START, [two_rows, blank_2026])

    at_end = {x.entry.project: x for x in listings(BatchEntry.objects.all(), end=END)}
    assert (at_end[two_rows].done, at_end[two_rows].achieved_on) == (True, date(2025, 11, 3))
    assert (at_end[blank_2026].done, at_end[blank_2026].achieved_on) == (True, date(2025, 5, 6))
    assert rates_at(cast, batch, END).of(Kind.START).done == 2
    # before the 2025 start: only 项目2, started in May 2025
    assert rates_at(cast, batch, date(2025, 10, 31)).of(Kind.START).done == 1
    before = {
        x.entry.project: x for x in listings(BatchEntry.objects.all(), end=date(2025, 10, 31))
    }
    assert (before[two_rows].done, before[two_rows].achieved_on) == (False, None)


def test_the_rates_by_unit_add_up_to_the_countys(cast):
    batch = a_batch(cast.officer)
    some = projects([{"签约日期": END}, {"签约日期": END}, {}, {}])  # 县住建局 1, 3; 营盘镇 2, 4
    listed(cast.officer, batch, Kind.SIGN, some)

    rates = rates_at(cast, batch, END)
    by_unit = {u.unit: u.kinds[0] for u in rates.units}

    assert (by_unit["县住建局"].done, by_unit["县住建局"].listed) == (1, 2)
    assert (by_unit["营盘镇"].done, by_unit["营盘镇"].listed) == (1, 2)
    assert (rates.of(Kind.SIGN).done, rates.of(Kind.SIGN).listed) == (2, 4)
    assert percent(rates.of(Kind.SIGN).rate) == "50.0%"


def test_every_unit_that_could_list_a_project_has_a_line_and_the_total_is_the_countys(cast):
    """A unit with projects but none listed in the batch is a line of —; a unit with no
    project is not listed; the 合计 (counted in the database) equals the units' sum."""
    batch = a_batch(cast.officer)
    admin = cast.admin
    unit_save(user=admin, name="县档案馆", kind="department", sort_order=0)  # no project
    unit_save(user=admin, name="县发改局", kind="department", sort_order=0)
    unit_save(user=admin, unit=cast.township, name="营盘镇", kind="township", sort_order=10)
    unit_save(user=admin, unit=cast.housing, name="县住建局", kind="department", sort_order=20)
    housing = projects([{"签约日期": END}, {}, {"实际开(复)工日期": END}])[0::2]  # 1, 3
    ledger({"项目台账": [project_row(9, {"年度": 2026, "责任单位": "县发改局"}, year=2026)]})
    planning = Project.objects.get(code=code(9, year=2026))
    listed(cast.officer, batch, Kind.SIGN, [housing[0], planning])
    listed(cast.officer, batch, Kind.START, [housing[1]])

    rates = batch_rates([batch], BatchEntry.objects.all(), end=END,
                        units=listing_units(Unit.objects.all()))[0]  # fmt: skip

    lines = [(u.unit, [(k.done, k.listed) for k in u.kinds]) for u in rates.units]
    assert lines == [
        ("县发改局", [(0, 1), (0, 0), (0, 0)]),
        ("营盘镇", [(0, 0), (0, 0), (0, 0)]),  # its project 项目2 is listed in no kind
        ("县住建局", [(1, 1), (1, 1), (0, 0)]),
    ]
    assert [percent(k.rate) for k in rates.units[1].kinds] == ["—", "—", "—"]
    assert [(k.done, k.listed) for k in rates.kinds] == [(1, 2), (1, 1), (0, 0)]
    assert [percent(k.rate) for k in rates.kinds] == ["50.0%", "100.0%", "—"]


def test_a_reporter_counts_their_own_units_listings_only(cast):
    batch = a_batch(cast.officer)
    listed(cast.officer, batch, Kind.SIGN, projects([{"签约日期": END}, {}]))

    own = batch_rates([batch], visible_entries(cast.reporter), end=END)[0]

    assert [u.unit for u in own.units] == ["县住建局"]
    assert (own.of(Kind.SIGN).done, own.of(Kind.SIGN).listed) == (1, 1)


def test_the_query_and_the_python_check_agree(cast):
    batch = a_batch(cast.officer)
    some = projects([{"签约日期": END}, {"签约日期": DAY_AFTER}, {}])
    listed(cast.officer, batch, Kind.SIGN, some)

    for end in (END, DAY_AFTER):
        rows = with_achieved(BatchEntry.objects.all())
        by_query = set(rows.filter(rules.done_q(end)).values_list("pk", flat=True))
        by_check = {e.pk for e in rows if rules.is_done(e.achieved_on, end)}
        assert by_query == by_check


def test_a_listing_says_whether_it_was_done_on_time_or_is_overdue(cast):
    batch = a_batch(cast.officer)
    early, late, missed, waiting = projects(
        [{"签约日期": date(2026, 5, 1)}, {"签约日期": date(2026, 6, 20)}, {}, {}]
    )
    listed(cast.officer, batch, Kind.SIGN, [early, late, missed], target=date(2026, 6, 1))
    listed(cast.officer, batch, Kind.SIGN, [waiting], target=date(2026, 9, 30))

    shown = {x.entry.project: x for x in listings(BatchEntry.objects.all(), end=END)}

    assert (shown[early].done, shown[early].on_time, shown[early].state) == (True, True, "已签约")
    assert (shown[late].done, shown[late].on_time) == (True, False)
    assert (shown[missed].done, shown[missed].overdue, shown[missed].state) == (
        False,
        True,
        "未签约",
    )
    assert (shown[waiting].done, shown[waiting].overdue) == (False, False)


def test_the_rates_cost_two_queries_whatever_the_number_of_batches_and_projects(cast):
    """One for the county's (the 合计), one by unit; a third lists the units asked for."""

    def queries(batches, units=None):
        with CaptureQueriesContext(connection) as captured:
            batch_rates(batches, BatchEntry.objects.all(), end=END, units=units)
        return len(captured)

    first = a_batch(cast.officer)
    listed(cast.officer, first, Kind.SIGN, projects([{"签约日期": END}]))
    small = queries([first])
    second = a_batch(cast.officer, name="2026年第三期", quarter=3)
    for index, kind in enumerate(Kind):
        listed(cast.officer, second, kind, projects([{}] * 5, start=10 + 10 * index))
    large = queries([first, second])

    assert small == large == 2
    assert queries([first], Unit.objects.all()) == queries([first, second], Unit.objects.all()) == 3
