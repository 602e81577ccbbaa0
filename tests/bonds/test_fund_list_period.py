"""资金申报's lights are read at the period the office's other pages show (the month that is due,
as the dashboard and the briefing read them), and the page says at which day; 资金支出预警规则
opens at that period's year, as 年度设置 and 预警规则 do."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from bonds.models import FundApplication, FundType
from bonds.services import fund_save, spending_record
from tests import builders


@pytest.fixture
def office(cast):
    return cast.officer


@contextmanager
def on(day: date, client, user):
    """``day``, the office signed in on it (a session of another day has expired)."""
    with time_machine.travel(day, tick=False):
        client.force_login(user)
        yield


def allocated(office, allocated_on: date) -> FundApplication:
    project = builders.project(
        {"项目代码": "ZJ-001", "项目名称": "老旧小区改造", "总投资(万元)": 5000}, listed=False
    )
    return fund_save(
        user=office, project=project, fund_type=FundType.SPECIAL_BOND, year=allocated_on.year,
        requested=Decimal(100), allocated=Decimal(100), allocated_on=allocated_on,
    )  # fmt: skip


def light_on_list(client, **query) -> str:
    page = client.get(reverse("fund_list"), query).content.decode()
    row = page[page.index("老旧小区改造") :]
    return row[row.index("●</span>") + len("●</span>") :].split("<", 1)[0]


def test_the_list_reads_the_lights_at_the_end_of_the_month_that_is_due(client, office):
    allocated(office, date(2026, 1, 1))  # nothing spent: yellow from day 90 (1 April)
    with on(date(2026, 4, 1), client, office):  # February is due (March on 5 April)
        page = client.get(reverse("fund_list")).content.decode()
        dashboard = client.get(reverse("dashboard")).content.decode()

        assert "支出预警截至2026年2月末" in page
        assert light_on_list(client) == "正常"  # 58 days at 28 February, as the dashboard says
        assert "0个项目亮灯" in dashboard
    with on(date(2026, 5, 6), client, office):  # April is due
        assert "支出预警截至2026年4月末" in client.get(reverse("fund_list")).content.decode()
        assert light_on_list(client) == "黄灯"  # 119 days at 30 April
        assert "1个项目亮灯" in client.get(reverse("dashboard")).content.decode()


def test_the_list_reads_the_period_asked_for_as_the_dashboard_does(client, office):
    allocated(office, date(2026, 1, 1))
    with on(date(2026, 8, 1), client, office):  # June is due: 180 days, red
        assert light_on_list(client) == "红灯"
        page = client.get(reverse("fund_list"), {"year": 2026, "month": 4}).content.decode()
        assert "支出预警截至2026年4月末" in page
        assert light_on_list(client, year=2026, month=4) == "黄灯"
    with on(date(2026, 6, 20), client, office):  # June asked for while it runs: today, day 170
        page = client.get(reverse("fund_list"), {"year": 2026, "month": 6}).content.decode()
        assert "支出预警截至2026年6月20日" in page
        assert light_on_list(client, year=2026, month=6) == "黄灯"  # red from day 180


def test_a_spending_after_the_period_end_counts_on_the_list_only_from_its_period(client, office):
    fund = allocated(office, date(2026, 1, 1))
    with on(date(2026, 5, 20), client, office):  # April is due: 119 days, yellow
        spending_record(user=office, application=fund, spent_on=date(2026, 5, 10),
                        amount=Decimal(40), expected_version=fund.version)  # fmt: skip

        assert light_on_list(client) == "黄灯"  # paid in May: not yet by 30 April
        page = client.get(reverse("fund_detail", args=[fund.pk])).content.decode()
        # the application's page judges at the list's day, and says so; the total is today's
        assert "截至2026年4月末：" in page and "下达后119天，已支出0.0%" in page
        assert "<dt>累计支出进度</dt><dd>40.0%</dd>" in page
    with on(date(2026, 6, 6), client, office):  # May is due
        assert light_on_list(client) == "正常"


def test_the_clock_rules_open_at_the_year_that_is_due_in_january_too(client, office):
    with on(date(2027, 1, 3), client, office):  # December 2026 is due on 5 January
        page = client.get(reverse("fund_clock_rules")).content.decode()
        settings_page = client.get(reverse("year_settings")).content.decode()

    assert '资金支出预警规则 <small class="muted">2026年' in page
    assert "2026年" in settings_page.split("<h1>", 1)[1].split("</h1>", 1)[0]
