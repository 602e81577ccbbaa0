"""滞后预警 a page at a time (`LagRows`): whatever the sort, the reason and the level asked for,
each page shows the rows, in the order, that the whole list judged in Python shows; only the
page's rows are judged, so a city's page costs what a county's does."""

import random
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from investment.models import WarningLevel
from investment.rules.periods import Period
from investment.selectors.progress import LagReason, LagRows, lag_warnings, level_counts
from investment.tables import LagData, LagTable
from projects.models import AnnualPlan
from tests.investment.test_lag_levels import YEAR, a_random_county

PER_PAGE = 7
SORTS = [None, "name", "-name", "unit", "-unit", "level", "-level", "warning", "-warning",
         "completion_rate", "-completion_rate"]  # fmt: skip


def codes(table: LagTable, page: int) -> list[str]:
    table.paginate(per_page=PER_PAGE, page=page)
    return [row.record.progress.code for row in table.paginated_rows]


def whole_list(period: Period, *, reason=None, level=None) -> list:
    """The list as the page built it before: every row judged, then filtered."""
    found = lag_warnings(period, plans=AnnualPlan.objects.all())
    if reason:
        found = [w for w in found if any(r.reason == reason for r in w.reasons)]
    return [w for w in found if not level or w.level == level]


@pytest.fixture
def period() -> Period:
    return Period.of(YEAR, 9, today=date(YEAR + 1, 1, 31))


@pytest.mark.parametrize("sort", SORTS)
def test_every_page_shows_the_rows_of_the_whole_list_in_its_order(sort, period):
    a_random_county(random.Random(7), size=40)
    paged = LagTable(LagData(LagRows(period, plans=AnnualPlan.objects.all())), order_by=sort)
    whole = LagTable(whole_list(period), order_by=sort)

    assert len(paged.data) == len(whole.data) > 2 * PER_PAGE
    for page in (1, 2, 3):
        assert codes(paged, page) == codes(whole, page)


@pytest.mark.parametrize(
    ("reason", "level"),
    [(LagReason.MILESTONE, None), (None, WarningLevel.YELLOW), (LagReason.INVESTMENT, "red")],
)
def test_a_reason_and_a_level_pick_the_rows_the_whole_list_picks(reason, level, period):
    a_random_county(random.Random(8), size=40)
    rows = LagRows(period, plans=AnnualPlan.objects.all(), reason=reason, level=level)
    whole = whole_list(period, reason=reason, level=level)

    assert [w.progress.code for w in rows[:]] == [w.progress.code for w in whole]
    assert [w.summary for w in rows[:]] == [w.summary for w in whole]
    assert rows.levels == level_counts(whole_list(period))  # before the reason and level


def test_a_page_judges_only_its_own_rows_in_a_fixed_number_of_queries(period):
    a_random_county(random.Random(9), size=40)
    period.warning_rules  # noqa: B018  # read once, as the page's period has
    with CaptureQueriesContext(connection) as captured:
        table = LagTable(LagData(LagRows(period, plans=AnnualPlan.objects.all())), order_by="unit")
        codes(table, 2)

    assert len(captured) == 3  # the levels of every row; the page's rows and their milestones
