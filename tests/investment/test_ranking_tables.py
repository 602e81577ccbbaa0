"""考核排名's two tables draw their rows in Python (`UnitRankingTable.rows_html`,
`ProjectRankingTable.rows_html`), not cell by cell through django-tables2; whatever the units,
their lists, their rates and who may open their deductions, the markup is byte for byte what the
one table template draws."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django_tables2 import Table

from investment.models import YearSettings
from investment.rules.indicators import weights_of
from investment.selectors.progress import PlanProgress
from investment.selectors.rankings import Ranking, UnitScore
from investment.tables import ProjectRankingTable, UnitRankingTable

NAMES = ['A&B <"局">', "住建局", "乙镇", "丙镇", "丁镇", "戊镇", "己镇", "庚镇"]


def drawn(table: Callable[[], Table]) -> tuple[str, str]:
    """The table drawn by the one table template's loop, and by its own template (each a new
    table, as a page draws it once)."""
    request = RequestFactory().get("/rankings/")
    return (
        render_to_string("partials/table.html", {"table": table()}, request=request),
        render_to_string(table()._meta.template_name, {"table": table()}, request=request),
    )


def a_ranking() -> Ranking:
    settings = YearSettings(year=2024)
    units = []
    for n, name in enumerate(NAMES):
        units.append(UnitScore(
            unit_id=n, unit=name, time_progress=Decimal(75), weights=weights_of(settings),
            projects=n, started=n // 2, annual_plan=Decimal(100 * (n % 3)),  # no plan: no rate
            completed=Decimal("33.3333") * n, milestones_due=n % 2, milestones_on_time=0,
            reports_expected=3 * n, reports_on_time=n, rank=n + 1,
        ))  # fmt: skip
    return Ranking(year=2024, month=9, settings=settings, units=units)


@pytest.mark.parametrize("explainable", [None, {"乙镇"}, set()])
def test_the_unit_ranking_is_drawn_as_the_table_template_draws_it(explainable):
    ranking = a_ranking()

    by_loop, by_rows = drawn(
        lambda: UnitRankingTable(ranking, kind="quarter", explainable=explainable)
    )

    assert by_rows == by_loop
    assert by_rows.count('class="red-row"') == by_rows.count('class="black-row"') == 3
    assert "A&amp;B &lt;&quot;局&quot;&gt;" in by_rows and "—" in by_rows


def a_row(n: int, name: str, planned: Decimal) -> PlanProgress:
    return PlanProgress(
        plan_id=n, project_id=n, code=f"2024-410702-47-01-00000{n}", name=name, unit="住建局<东>",
        level="县重点", industry="", leader="", planned_investment=planned,
        completed=Decimal("12.3456"), time_progress=Decimal(75), actual_start=date(2024, 3, 1),
        planned_start=None, actual_end=None,
    )  # fmt: skip


def test_the_project_ranking_is_drawn_as_the_table_template_draws_it():
    rows = [a_row(1, 'A&B <"一期">', Decimal(100)), a_row(2, "没有计划投资的项目", Decimal(0))]

    by_loop, by_rows = drawn(lambda: ProjectRankingTable(rows))

    assert by_rows == by_loop
    assert "A&amp;B &lt;&quot;一期&quot;&gt;" in by_rows and "12.3456" in by_rows
    assert '<td class="num">2</td>' in by_rows  # the second row's rank


@pytest.mark.parametrize("table", [UnitRankingTable, ProjectRankingTable])
def test_an_empty_ranking_says_so(table):
    def empty() -> Table:
        if table is ProjectRankingTable:
            return ProjectRankingTable([])
        return UnitRankingTable(
            Ranking(2024, 9, YearSettings(year=2024)), kind="month", explainable=None
        )

    by_loop, by_rows = drawn(empty)

    assert by_rows == by_loop
    assert "该年度没有列入计划的项目。" in by_rows
