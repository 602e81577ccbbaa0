"""招商引资's figures (seed 004 section (五)) for a month, a quarter, a year or dates, at the
edges of each period: an activity on a period's last day counts in it, one on the next day in
the next; a project signed from two activities counts once. Summed in the database: the
figures page costs the same queries for 3 records as for 30."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from investment.documents.briefing import briefing_data
from investment.rules.periods import Period
from projects.models import Project, Unit
from promotion.models import Activity
from promotion.rules import Span, period_span, span_label
from promotion.selectors import figures_by_unit, promotion_figures
from tests.promotion.helpers import reception, visit
from tests.workbooks import a_small_county, code

pytestmark = pytest.mark.django_db


@pytest.fixture
def edges(cast):
    """Activities on both sides of 2026's quarter and year ends; 城关污水处理厂 (总投资 1,000
    万元) signed from the 31 March visit and the 1 April reception."""
    a_small_county()
    plant = Project.objects.get(code=code(1))
    office, housing, township = cast.officer, cast.housing, cast.township
    visit(office, housing, date(2025, 12, 31), led_by="leader", leader="王县长")
    visit(office, housing, date(2026, 3, 31), led_by="leader", leader="王县长", projects=[plant])
    reception(office, housing, date(2026, 4, 1), batches=2, people=11, projects=[plant])
    visit(office, housing, date(2026, 6, 30), led_by="department")
    visit(office, township, date(2026, 7, 1), led_by="township")
    reception(office, township, date(2026, 12, 31), batches=1, people=4)
    return plant


def figures(start: date, end: date):
    return promotion_figures(Activity.objects.all(), start, end)


def counts(start: date, end: date) -> dict[str, int]:
    f = figures(start, end)
    return {
        "visits": f.visits, "leader": f.visits_leader, "department": f.visits_department,
        "township": f.visits_township, "batches": f.reception_batches,
        "people": f.reception_people, "signed": f.signed_projects,
    }  # fmt: skip


def test_a_month_runs_from_its_first_day_to_its_last(edges):
    assert counts(*period_span(Span.MONTH, 2026, month=3)) == {
        "visits": 1, "leader": 1, "department": 0, "township": 0, "batches": 0, "people": 0,
        "signed": 1,
    }  # fmt: skip
    assert counts(*period_span(Span.MONTH, 2026, month=4)) == {
        "visits": 0, "leader": 0, "department": 0, "township": 0, "batches": 2, "people": 11,
        "signed": 1,
    }  # fmt: skip


def test_a_quarter_ends_on_its_last_day_and_the_next_begins_the_day_after(edges):
    q1, q2, q3 = (period_span(Span.QUARTER, 2026, quarter=q) for q in (1, 2, 3))

    assert q1 == (date(2026, 1, 1), date(2026, 3, 31))
    assert counts(*q1)["visits"] == 1  # 31 March in, 31 December 2025 out
    assert counts(*q2) == {
        "visits": 1, "leader": 0, "department": 1, "township": 0, "batches": 2, "people": 11,
        "signed": 1,
    }  # fmt: skip
    assert counts(*q3)["township"] == 1  # 1 July


def test_the_year_counts_each_visit_by_who_led_it_and_a_signed_project_once(edges):
    year = figures(*period_span(Span.YEAR, 2026))

    assert (year.visits, year.visits_leader, year.visits_department, year.visits_township) == (
        3, 1, 1, 1,
    )  # fmt: skip
    assert (year.reception_batches, year.reception_people) == (3, 15)
    assert (year.signed_projects, year.signed_investment) == (1, edges.total_investment)
    assert year.signed_investment == Decimal(1000)


def test_a_date_range_includes_both_of_its_days(edges):
    assert counts(date(2026, 3, 31), date(2026, 4, 1))["visits"] == 1
    assert counts(date(2026, 3, 31), date(2026, 4, 1))["batches"] == 2
    assert counts(date(2026, 4, 2), date(2026, 6, 29)) == dict.fromkeys(
        ["visits", "leader", "department", "township", "batches", "people", "signed"], 0
    )
    assert not figures(date(2026, 4, 2), date(2026, 6, 29)).recorded


def by_unit(start: date, end: date) -> list[tuple[str, list[int], int]]:
    return [(u.unit, u.figures, u.signed_projects) for u in figures_by_unit(
        Activity.objects.all(), start, end, units=Unit.objects.all())]  # fmt: skip


def test_each_unit_has_its_own_line_in_the_units_order_with_0_where_it_held_none(edges, cast):
    idle = Unit.objects.create(name="县商务局", sort_order=1)  # listed first: its 排序
    cast.housing.sort_order, cast.township.sort_order = 20, 10
    Unit.objects.bulk_update([cast.housing, cast.township], ["sort_order"])

    assert by_unit(date(2026, 1, 1), date(2026, 12, 31)) == [
        (idle.name, [0, 0, 0, 0, 0, 0], 0),
        ("营盘镇", [1, 0, 0, 1, 1, 4], 0),
        ("县住建局", [2, 1, 1, 0, 2, 11], 1),
    ]


def test_the_units_lines_add_up_to_the_county_figures(edges):
    year = figures(date(2026, 1, 1), date(2026, 12, 31))

    lines = by_unit(date(2026, 1, 1), date(2026, 12, 31))

    assert [
        sum(column) for column in zip(*(line[1] for line in lines), strict=True)
    ] == year.values()


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (date(2026, 5, 1), date(2026, 5, 31), "2026年5月"),
        (date(2026, 4, 1), date(2026, 6, 30), "2026年二季度"),
        (date(2026, 1, 1), date(2026, 12, 31), "2026年"),
        (date(2026, 2, 1), date(2026, 2, 28), "2026年2月"),
        (date(2026, 3, 1), date(2026, 5, 20), "2026年3月1日至2026年5月20日"),
        (date(2025, 12, 1), date(2026, 1, 31), "2025年12月1日至2026年1月31日"),
    ],
)
def test_a_period_is_named_as_the_office_writes_it(start, end, label):
    assert span_label(start, end) == label


def test_the_page_opens_at_the_month_that_is_due_as_the_briefing_says_it(
    client, cast, edges, time_machine
):
    """20 July 2026 (due day 5): June is due, as on every figures page; its figures are the
    June briefing's section (五): June's own (其中本月) and the year through June (年以来), not
    the 1 July visit nor the 31 December reception of the calendar year."""
    time_machine.move_to("2026-07-20 09:00+08:00")
    client.force_login(cast.officer)

    page = client.get(reverse("promotion_figures")).content.decode()
    section = briefing_data(Period.due_on(date(2026, 7, 20))).promotion

    assert '招商引资统计 <small class="muted">2026年6月' in page
    june, year = section.this_period, section.year_to_date
    assert (june.visits, june.visits_department, june.reception_batches) == (1, 1, 0)
    assert "县级领导带队0次 · 部门牵头1次 · 镇办牵头0次" in page  # June's
    assert (year.visits, year.visits_leader, year.reception_batches, year.signed_projects) == (
        2, 1, 2, 1
    )  # fmt: skip
    assert (
        "2026年以来（截至6月30日）</strong>：外出招商2次，其中县级领导带队1次、部门牵头1次、"
        "镇办牵头0次；接待客商2批次11人；签约项目1个，总投资1,000万元。" in page
    )
    # and its form says so: 月度, 2026, 6月
    assert '<option value="month" selected>月度</option>' in page
    assert 'name="year" value="2026"' in page and '<option value="6" selected>6月</option>' in page


def test_a_year_asked_is_the_calendar_year_with_no_year_to_date_line(client, cast, edges):
    client.force_login(cast.officer)

    page = client.get(reverse("promotion_figures"), {"kind": "year", "year": 2026}).content.decode()

    assert "县级领导带队1次 · 部门牵头1次 · 镇办牵头1次" in page and "3<small>批次</small>" in page
    assert 'id="year-to-date"' not in page


def test_the_page_takes_a_quarter_or_dates_and_says_a_bad_range(client, cast, edges):
    client.force_login(cast.officer)
    url = reverse("promotion_figures")

    q1 = client.get(url, {"kind": "quarter", "year": 2026, "quarter": 1}).content.decode()
    backwards = client.get(url, {"kind": "range", "start": "2026-05-01", "end": "2026-04-01"})

    assert "2026年一季度" in q1 and "县级领导带队1次 · 部门牵头0次" in q1
    assert backwards.status_code == 200
    assert "开始日期不能晚于结束日期" in backwards.content.decode()


def test_a_reporter_sees_their_own_units_figures(client, cast, edges):
    client.force_login(cast.reporter)

    page = client.get(reverse("promotion_figures"), {"year": 2026}).content.decode()

    assert "县级领导带队1次 · 部门牵头1次 · 镇办牵头0次" in page  # not 营盘镇's township visit
    assert "营盘镇" not in page


def by_unit_rows(page: str) -> list[list[str]]:
    """The 按单位 table's rows as text cells."""
    table = page.split('id="by-unit"')[1].split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>|<tr class=\"county-row\">(.*?)</tr>", table, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", a or b, re.S) for a, b in rows]
    return [[re.sub(r"<[^>]+>|\s", "", cell) for cell in row] for row in cells]


def test_the_page_lists_every_unit_and_a_total_equal_to_the_county_figures(client, cast, edges):
    """A unit with no activity in the period is a line of 0s; 合计 is the county's figures
    (a project signed from two units' activities counts once in it)."""
    Unit.objects.create(name="县商务局", sort_order=99)
    visit(cast.officer, cast.township, date(2026, 5, 6), projects=[edges])
    client.force_login(cast.officer)

    page = client.get(reverse("promotion_figures"), {"kind": "year", "year": 2026}).content.decode()

    assert by_unit_rows(page) == [
        ["县住建局", "2", "1", "1", "0", "2", "11", "1"],
        ["营盘镇", "2", "0", "1", "1", "1", "4", "1"],
        ["县商务局", "0", "0", "0", "0", "0", "0", "0"],
        ["合计", "4", "1", "2", "1", "3", "15", "1"],
    ]
    assert "4<small>次</small>" in page and "1<small>个</small>" in page  # the county's, above


def test_a_reporter_s_table_has_their_unit_and_its_total_only(client, cast, edges):
    client.force_login(cast.reporter)

    page = client.get(reverse("promotion_figures"), {"kind": "year", "year": 2026}).content.decode()

    assert by_unit_rows(page) == [
        ["县住建局", "2", "1", "1", "0", "2", "11", "1"],
        ["合计", "2", "1", "1", "0", "2", "11", "1"],
    ]


def test_the_signed_investment_reads_as_the_briefing_writes_it(client, cast, edges):
    """In 亿元 with one decimal from 1 亿元, else whole 万元 (core.formatting.prose), as in the
    briefing's section (五): never 0.10亿元 on the page and 1,000万元 in the briefing."""
    client.force_login(cast.officer)
    small = client.get(reverse("promotion_figures"), {"kind": "year", "year": 2026})
    Project.objects.filter(pk=edges.pk).update(total_investment=Decimal(21000))
    large = client.get(reverse("promotion_figures"), {"kind": "year", "year": 2026})

    assert "总投资1,000万元" in small.content.decode()
    assert "总投资2.1亿元" in large.content.decode() and "21.00亿元" not in large.content.decode()


def test_the_figures_page_costs_the_same_queries_for_3_records_as_for_30(client, cast):
    a_small_county()
    plant = Project.objects.get(code=code(1))
    client.force_login(cast.officer)
    url = reverse("promotion_figures")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"year": 2026}).status_code == 200
        return len(captured)

    for day in range(1, 4):
        visit(cast.officer, cast.housing, date(2026, 1, day), projects=[plant])
    few = queries()
    for day in range(1, 28):
        reception(cast.officer, cast.township, date(2026, 2, day), batches=1, people=3,
                  projects=[plant])  # fmt: skip
    many = queries()

    assert Activity.objects.count() == 30
    assert many == few
