"""The fund totals beside a dated 支出进度 line are of the same day: the third-quarter briefing's
table and the dashboard's count 下达 dated by the period end and 支出 entries dated by then,
so the table's 专项债券 row says the sentence's share; the funds list's totals stay as recorded."""

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bonds.models import FundApplication, FundType
from bonds.selectors import fund_totals
from bonds.services import fund_save, spending_record
from investment.documents.briefing import briefing_data
from investment.rules.periods import Period
from tests import builders
from tests.investment.test_briefing import briefing
from tests.workbooks import code

pytestmark = pytest.mark.django_db
TODAY = date(2026, 10, 12)  # the third quarter has ended: its briefing is judged at 30 September
Q3_END = date(2026, 9, 30)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def third_quarter_funds(office) -> None:
    """Three 专项债券 of 100万元 each: two 下达 on 1 January, the first spent 70 on 30 September,
    the second 20 on 30 September and 50 more on 9 October, after the quarter; the third 下达
    with no 下达日期, 30 spent on 1 September (its 下达 starts no clock, so it counts at no day)."""
    projects = [
        builders.project(
            {"项目代码": code(serial, 2026), "项目名称": f"项目{serial}", "年度": 2026},
            serial=serial,
        )
        for serial in (1, 2, 3)
    ]
    new_year = date(2026, 1, 1)
    plans = [(new_year, [(Q3_END, 70)]), (new_year, [(Q3_END, 20), (date(2026, 10, 9), 50)]),
             (None, [(date(2026, 9, 1), 30)])]  # fmt: skip
    for project, (allocated_on, payments) in zip(projects, plans, strict=True):
        fund = fund_save(
            user=office, project=project, fund_type=FundType.SPECIAL_BOND, year=2026,
            requested=Decimal(100), approved=Decimal(100), allocated=Decimal(100),
            allocated_on=allocated_on,
        )  # fmt: skip
        for spent_on, amount in payments:
            spending_record(
                user=office, application=fund, spent_on=spent_on, amount=Decimal(amount)
            )


def special_bond_row(html: str) -> list[str]:
    """The 专项债券 row's cells of the first fund totals table in ``html``: 项数, 申报, 批复, 下达,
    支出, 支出进度."""
    row = re.search(r"<tr[^>]*><td>专项债券</td>(.*?)</tr>", html, re.S)
    assert row, "no 专项债券 row"
    return re.findall(r'<td class="num">(.*?)</td>', row[1])


def quarter() -> Period:
    return Period.of(2026, 9, "quarter", today=TODAY)


def test_the_q3_briefing_s_table_leaves_out_spending_after_the_quarter(cast):
    third_quarter_funds(cast.officer)

    b = briefing_data(quarter())
    html = render_to_string("briefing/briefing.html", {"b": b, "generated": TODAY})
    funds = html[html.index("（四）全力争取资金") :]

    # 下达 by 30 September: the two dated ones (200); 支出 entries by then of those: 70 + 20
    assert special_bond_row(funds) == ["3", "300.00", "300.00", "200.00", "90.00", "45.0%"]
    assert "下达、支出截至2026年9月末" in funds
    # the sentence above the table says the same share and the same 下达
    assert "截至9月底，专项债券资金支出进度45.0%" in funds
    assert "争取到位（下达）资金200万元" in re.sub(r"\s+", "", funds)


def test_the_q3_briefing_pdf_s_sentence_and_table_say_the_same_share(tmp_path, cast):
    third_quarter_funds(cast.officer)

    text = briefing(tmp_path, "--year", "2026", "--quarter", "3")
    funds = text[text.index("（四）全力争取资金") :]

    sentence = re.search(r"专项债券资金支出进度([\d.]+%)", funds)
    assert sentence and sentence[1] == "45.0%"
    table = funds[funds.index("下达、支出截至2026年9月末") :]
    row = re.search(r"专项债券3300\.00300\.00200\.0090\.00([\d.]+%)", table)
    assert row and row[1] == sentence[1]


def test_the_dashboard_s_table_is_of_the_day_of_its_warning_line(client, cast):
    third_quarter_funds(cast.officer)
    client.force_login(cast.officer)

    page = client.get(reverse("dashboard"), {"year": 2026, "month": 9}).content.decode()
    funds = page[page.index('id="fund-clocks"') :]

    line = re.search(r"支出预警截至2026年9月末：专项债券资金支出进度([\d.]+%)", funds)
    assert line and line[1] == "45.0%"
    assert "下达、支出截至2026年9月末" in funds
    assert special_bond_row(funds) == ["3", "300.00", "300.00", "200.00", "90.00", line[1]]


def test_the_funds_list_s_totals_stay_as_recorded(client, cast):
    third_quarter_funds(cast.officer)
    client.force_login(cast.officer)

    page = client.get(reverse("fund_list"), {"year": 2026}).content.decode()

    # every 下达 and every entry, whatever its day: 300 下达, 70 + 70 + 30 spent
    assert special_bond_row(page) == ["3", "300.00", "300.00", "300.00", "170.00", "56.6%"]
    assert "下达、支出截至" not in page


def test_dated_totals_take_two_queries_however_many_applications(cast):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            fund_totals(FundApplication.objects.filter(year=2026), end=Q3_END)
            fund_totals(FundApplication.objects.filter(year=2026), by="unit", end=Q3_END)
        return len(captured)

    third_quarter_funds(cast.officer)
    few = queries()
    project = builders.project(
        {"项目代码": code(9, 2026), "项目名称": "项目9", "年度": 2026}, serial=9
    )
    for fund_type in (FundType.LOAN, FundType.CENTRAL_BUDGET):
        fund = fund_save(
            user=cast.officer, project=project, fund_type=fund_type, year=2026,
            requested=Decimal(10), allocated=Decimal(10), allocated_on=date(2026, 2, 1),
        )  # fmt: skip
        spending_record(user=cast.officer, application=fund, spent_on=Q3_END, amount=Decimal(5))

    assert few == queries() == 4
    by_unit = fund_totals(FundApplication.objects.filter(year=2026), by="unit", end=Q3_END)
    assert by_unit[-1]["allocated"] == Decimal(220) and by_unit[-1]["spent"] == Decimal(100)
