"""One `Period` per request or command (issue 24): built once from what was asked, it reads the
year's settings once and every selector, the briefing and the notices take it."""

import collections
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import PeriodKind
from investment.models import ReportingPeriod, YearSettings
from investment.rules import periods
from investment.rules.periods import Period
from tests.investment.test_period_due import a_county_in_december

DAYS = [date(2026, 12, 2), date(2026, 12, 6), date(2027, 1, 3), date(2027, 1, 6), date(2027, 3, 1)]


@pytest.mark.parametrize("today", DAYS)
@pytest.mark.parametrize("kind", PeriodKind.values)
def test_the_period_that_is_due_is_the_rules(today, kind):
    YearSettings.objects.create(year=2026, due_day=4)

    period = Period.due_on(today, kind)

    assert (period.year, period.month) == periods.of_kind_due(kind, periods.due_period(today))
    assert period.kind == kind and period.today == today


def test_a_locked_month_holds_the_period_that_is_due():
    ReportingPeriod.objects.create(year=2026, month=11, locked_at="2026-12-04T10:00+08:00")

    assert (Period.due_on(date(2026, 12, 4)).month, periods.due_period(date(2026, 12, 4))) == (
        11,
        (2026, 11),
    )


def test_it_reads_each_year_once_and_its_other_periods_share_the_reads(
    django_assert_num_queries,
):
    # the year's settings and the latest locked month (the period that is due)
    with django_assert_num_queries(2):
        due = Period.due_on(date(2026, 12, 3))
    with django_assert_num_queries(0):
        assert (due.year, due.month, due.due_day, due.is_due) == (2026, 10, 5, True)
        october = due.at(2026, 10, PeriodKind.QUARTER)
        assert due.due(PeriodKind.QUARTER) == due.at(2026, 9, PeriodKind.QUARTER)
    with django_assert_num_queries(1):  # the warning rules, when first asked
        assert due.warning_rules == october.warning_rules
    with django_assert_num_queries(1):  # another year is read once
        assert due.at(2025, 12).settings.year == due.at(2025, 6).settings.year == 2025


def test_what_it_derives():
    quarter = Period.of(2026, 9, PeriodKind.QUARTER, today=date(2026, 10, 5))

    assert (quarter.quarter, quarter.start, quarter.end) == (3, date(2026, 7, 1), date(2026, 9, 30))
    assert (quarter.label, quarter.time_progress) == ("2026年三季度", 75)
    assert (quarter.due_date, quarter.is_due, quarter.due_through) == (date(2026, 10, 5), False, 8)
    year = Period.of(2025, 12, PeriodKind.YEAR, today=date(2026, 1, 6))
    assert (year.start, year.label, year.is_due, year.due_through) == (
        date(2025, 1, 1),
        "2025年度",
        True,
        12,
    )
    month = Period.of(2026, 11, today=date(2026, 11, 19))
    assert (month.window_opens, month.window_open, month.window_note) == (
        date(2026, 11, 20),
        False,
        "11月报表可于11月20日起报送",
    )


def settings_reads(client, url: str) -> dict[str, int]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    reads: collections.Counter[str] = collections.Counter()
    for query in captured.captured_queries:
        for table in ("investment_yearsettings", "investment_warningrule"):
            reads[table] += f'FROM "{table}"' in query["sql"]
    return dict(reads)


@pytest.mark.parametrize(
    "url",
    [
        reverse("dashboard"),
        reverse("rankings"),
        reverse("rankings") + "?kind=quarter",
        reverse("lag_warnings"),
        reverse("board"),
        reverse("briefing"),
        reverse("briefing_pdf") + "?kind=month&year=2026&month=10&acknowledged=1",
        reverse("overruns"),
    ],
)
def test_a_figure_page_reads_the_years_settings_and_rules_once(client, cast, url):
    a_county_in_december()
    with time_machine.travel("2026-12-03 10:00+08:00"):
        client.force_login(cast.officer)
        reads = settings_reads(client, url)

    assert reads["investment_yearsettings"] == 1, reads
    assert reads["investment_warningrule"] <= 1, reads


def test_the_settings_tabs_open_at_the_year_that_is_due_in_january_too(client, cast):
    with time_machine.travel("2027-01-03 10:00+08:00"):  # November 2026 is due
        client.force_login(cast.officer)  # signed in then: a session lasts hours, not days
        years = {
            name: client.get(reverse(name)).context["year"]
            for name in ("year_settings", "warning_rules", "quality_rules")
        }

    assert years == {"year_settings": 2026, "warning_rules": 2026, "quality_rules": 2026}
