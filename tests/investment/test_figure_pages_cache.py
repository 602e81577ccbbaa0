"""考核排名's figures (the unit ranking, the project ranking and the completeness line) and
挂图作战's page of rows are kept in the cache under the data version
(`investment.selectors.figure_cache`), as 总体情况's are: whatever a unit is scored on or a board
shows, written and committed, changes the page at once, to what the data now give; each viewer's
scope, filter and page are kept apart."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from investment.models import MonthlyReport
from investment.services.year_settings import year_settings_save
from projects.models import Milestone, Unit
from tests.builders import year_settings
from tests.investment.cached_figures import changed_at_once, plan_rows_read, signed_in
from tests.workbooks import REPORT_HEADERS, a_small_county, code, load

# the writes commit, as a request's do: the version moves on after the commit
pytestmark = pytest.mark.django_db(transaction=True)
ASKED = {"year": 2024, "month": 3}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(date(2024, 4, 8), tick=False):  # March due on 5 April
        yield


def shown(client: Client) -> tuple:
    response = client.get(reverse("rankings"), ASKED)
    assert response.status_code == 200
    context = response.context
    return (
        [(s.unit, s.score, s.rates) for s in context["ranking"].units],
        [(p.code, p.completed) for p in context["projects"].data],
        context["completeness"],
    )


def test_each_thing_a_unit_is_scored_on_changes_the_page_at_once(cast):
    a_small_county([[code(1), 2024, 1, 100], [code(3), 2024, 3, 30]])
    load(
        {
            "项目节点": [
                ["项目代码", "节点名称", "计划完成日期"],
                [code(2), "施工许可", "2024-02-20"],
            ]
        }
    )
    office = signed_in(cast.officer)
    assert plan_rows_read(office, "rankings", ASKED) > 0
    seen = []

    def imported():
        """城关保障房's February report imported through the ledger."""
        load({"月度投资": [REPORT_HEADERS, [code(2), 2024, 2, 150]]})

    def milestone_done():
        """施工许可 done on its day (a queryset's update: no model saved, no signal sent)."""
        Milestone.objects.update(actual_date=date(2024, 2, 20))

    def returned():
        """营盘公路改建's March report returned: it counts no more."""
        MonthlyReport.objects.filter(month=3).update(status=MonthlyReport.Status.RETURNED)

    def weights_changed():
        """年度设置: all the weight on investment."""
        weights = {"weight_investment": 100, "weight_start": 0, "weight_milestones": 0,
                   "weight_findings": 0, "weight_reporting": 0}  # fmt: skip
        year_settings_save(year=2024, user=cast.officer, **year_settings(**weights))

    for doing in (imported, milestone_done, returned, weights_changed):
        seen.append(changed_at_once(shown, office, "rankings", ASKED, doing)[0][0][:2])
    # 50 + 20 + 0 + 10 + 5 × 2/6; the milestone done on time; 营盘镇's report; 100 × 1
    assert seen == [("县住建局", Decimal("81.67")), ("县住建局", Decimal("96.67")),
                    ("县住建局", Decimal("96.67")), ("县住建局", Decimal("100.00"))]  # fmt: skip
    # a reporter's project ranking is their unit's: kept apart from the office's
    reporter = signed_in(cast.reporter)
    assert {row[0] for row in shown(reporter)[1]} == {code(1), code(2)}
    assert {row[0] for row in shown(office)[1]} == {code(1), code(2), code(3)}


def board_shown(client: Client, **filters: Any) -> tuple:
    response = client.get(reverse("board"), {**ASKED, **filters})
    assert response.status_code == 200
    rows = [(row.progress.code, str(cells) + mark) for row, cells, mark in response.context["rows"]]
    return rows, response.context["completeness"]


def test_the_board_changes_at_once_and_keeps_each_viewer_and_filter_apart(cast):
    a_small_county([[code(1), 2024, 1, 100]])
    office, reporter = signed_in(cast.officer), signed_in(cast.reporter)
    before = board_shown(office)
    with CaptureQueriesContext(connection) as queries:
        assert board_shown(office) == before
    assert not any("investment_monthlyreport" in q["sql"] for q in queries.captured_queries)

    load({"月度投资": [REPORT_HEADERS, [code(2), 2024, 2, 150]]})

    now = board_shown(office)
    caches["figures"].clear()
    assert now == board_shown(office) != before
    town = Unit.objects.get(name="营盘镇").pk
    assert [row_code for row_code, _ in board_shown(office, unit=town)[0]] == [code(3)]
    assert [row_code for row_code, _ in board_shown(reporter)[0]] == [code(1), code(2)]
    assert [row_code for row_code, _ in board_shown(office)[0]] == [code(1), code(2), code(3)]
