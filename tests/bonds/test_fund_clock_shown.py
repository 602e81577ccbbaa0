"""Fund clocks where leaders read them: the dashboard's sentence (专项债券资金支出进度X%，N个项目
亮灯), the briefing's funds part, the project page; the dashboard's queries do not grow with
the applications."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bonds.models import FundType
from bonds.services import fund_save, spending_record
from tests import builders
from tests.investment.test_briefing import briefing
from tests.workbooks import code

TODAY = date(2026, 7, 10)  # June is due


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def bonds(office, count: int = 2) -> list:
    """``count`` projects each with a 专项债券 of 100万元 下达 on 1 January 2026: the first spent
    70 by 30 June (green at 180 days), every other 20 by then and 50 more on 1 July (red at the
    end of June: 20 % < 60 %); and one 中长期贷款 of the first project, never spent."""
    funds = []
    for serial in range(1, count + 1):
        project = builders.project(
            {"项目代码": code(serial, 2026), "项目名称": f"项目{serial}", "年度": 2026},
            serial=serial,
        )
        fund = fund_save(
            user=office, project=project, fund_type=FundType.SPECIAL_BOND, year=2026,
            requested=Decimal(100), allocated=Decimal(100), allocated_on=date(2026, 1, 1),
        )  # fmt: skip
        payments = (
            [(date(2026, 6, 30), 70)]
            if serial == 1
            else [(date(2026, 6, 30), 20), (date(2026, 7, 1), 50)]
        )
        for day, amount in payments:
            spending_record(user=office, application=fund, spent_on=day, amount=Decimal(amount))
        funds.append(fund)
    fund_save(
        user=office, project=funds[0].project, fund_type=FundType.LOAN, year=2026,
        requested=Decimal(100), allocated=Decimal(100), allocated_on=date(2026, 1, 1),
    )  # fmt: skip
    return funds


def test_the_dashboard_says_the_special_bonds_spent_share_and_the_projects_lit(client, cast):
    bonds(cast.officer)  # by 30 June: 70 + 20 of 200 spent = 45 %; 项目2 red
    client.force_login(cast.officer)

    page = client.get(reverse("dashboard"), {"year": 2026, "month": 6}).content.decode()

    assert (
        "支出预警截至2026年6月末：专项债券资金支出进度45.0%，1个项目亮灯（红灯1个、黄灯0个）。"
        in page
    )


def test_the_briefing_s_funds_part_has_the_same_sentence(tmp_path, cast):
    bonds(cast.officer)

    text = briefing(tmp_path, "--year", "2026", "--month", "6")

    assert (
        "截至6月底，专项债券资金支出进度45.0%，1个项目亮灯（红灯1个、黄灯0个）。各类资金申报情况如下"
        in text
    )


def test_the_project_page_shows_each_application_s_light_at_the_list_s_day(client, cast):
    first, second = bonds(cast.officer)
    client.force_login(cast.officer)

    page = client.get(reverse("project_detail", args=[second.project_id])).content.decode()
    funds = page[page.index("<h2>资金申报") :]
    # at the end of June, the month due (day 180), as the list and the dashboard: 20 of 100
    # spent by then (the 50 of 1 July not yet), red
    assert 'title="下达后180天"><span aria-hidden="true">●</span>红灯' in funds
    assert '<td class="num">20.0%</td>' in funds
    assert "支出进度、支出预警截至2026年6月末" in funds
    first_page = client.get(reverse("project_detail", args=[first.project_id])).content.decode()
    assert "●</span>黄灯" in first_page  # its 中长期贷款: day 180, nothing spent (yellow from 180)


def test_the_dashboard_s_queries_do_not_grow_with_the_applications(client, cast):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("dashboard"), {"year": 2026, "month": 6})
        return len(queries)

    client.force_login(cast.officer)
    bonds(cast.officer, count=2)
    few = count()
    bonds_more = [
        fund_save(
            user=cast.officer, project=builders.project({"项目代码": f"ZJ-1{serial:02d}", "项目名称": f"项目1{serial}",
                                                          "总投资(万元)": 900}, listed=False),
            fund_type=FundType.SPECIAL_BOND, year=2026, requested=Decimal(10), allocated=Decimal(10),
            allocated_on=date(2026, 3, 1),
        )
        for serial in range(8)
    ]  # fmt: skip
    assert len(bonds_more) == 8 and count() == few
