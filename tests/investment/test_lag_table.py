"""滞后预警's table draws its page of rows in Python (`LagTable.rows_html`, a warning's mark by
`warning_mark`), not cell by cell through django-tables2 and the mark's partial; whatever the
rows, the sort and the page, the markup is byte for byte what the one table template and the
partial draw."""

import random
from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from investment.models import WarningLevel
from investment.rules.periods import Period
from investment.selectors.progress import LagReason, LagRows, LagWarning, PlanProgress, Reason
from investment.tables import LagData, LagTable, warning_mark
from projects.models import AnnualPlan
from tests.investment.test_lag_levels import YEAR, a_random_county


def drawn(table: LagTable) -> tuple[str, str]:
    """The table drawn by the one table template's loop, and by its own template."""
    request = RequestFactory().get("/warnings/", {"page": 2})
    return (
        render_to_string("partials/table.html", {"table": table}, request=request),
        render_to_string(LagTable._meta.template_name, {"table": table}, request=request),
    )


@pytest.mark.parametrize("sort", [None, "-warning", "unit", "-completion_rate"])
def test_a_page_of_the_list_is_drawn_as_the_table_template_draws_it(sort):
    a_random_county(random.Random(11), size=40)
    period = Period.of(YEAR, 9, today=date(YEAR + 1, 1, 31))
    table = LagTable(LagData(LagRows(period, plans=AnnualPlan.objects.all())), order_by=sort)
    table.paginate(per_page=7, page=2)

    by_loop, by_rows = drawn(table)

    assert by_rows == by_loop
    assert by_rows.count('<td class="name"') == 7 and by_rows.count('class="warn-mark') == 7


def a_warning(name: str, *, planned: Decimal, reasons: list[Reason]) -> LagWarning:
    progress = PlanProgress(
        plan_id=1, project_id=1, code="2024-410702-47-01-000001", name=name, unit="住建局<东>",
        level="县重点", industry="", leader="", planned_investment=planned, completed=Decimal(5),
        time_progress=Decimal(75), actual_start=None, planned_start=None, actual_end=None,
    )  # fmt: skip
    return LagWarning(progress, reasons)


def test_names_and_reasons_are_escaped_and_a_row_without_a_rate_shows_a_dash():
    late = Reason(LagReason.MILESTONE, '2个节点逾期："施工许可"<办理>&验收', WarningLevel.RED)
    behind = Reason(LagReason.INVESTMENT, "完成5.0%，低于序时进度70.0个百分点", WarningLevel.YELLOW)
    rows = [
        a_warning('A&B <"一期"> 工程', planned=Decimal(100), reasons=[behind, late]),
        a_warning("没有计划投资的项目", planned=Decimal(0), reasons=[late]),
    ]
    table = LagTable(rows)

    by_loop, by_rows = drawn(table)

    assert by_rows == by_loop
    assert "A&amp;B &lt;&quot;一期&quot;&gt; 工程" in by_rows and "<办理>" not in by_rows
    assert '<td class="num" data-label="完成率">—</td>' in by_rows


def test_an_empty_list_says_so_as_every_table_does():
    by_loop, by_rows = drawn(LagTable([]))

    assert by_rows == by_loop
    assert "没有滞后项目。" in by_rows


@pytest.mark.parametrize("level", [WarningLevel.RED, WarningLevel.YELLOW])
@pytest.mark.parametrize("title", ["", '红色预警：节点逾期（红色）"施工许可"<办理>&验收'])
def test_the_mark_written_in_python_is_the_partials(level, title):
    label = str(WarningLevel(level).label)
    partial = render_to_string(
        "investment/_warning_mark.html", {"level": level, "label": label, "title": title}
    )

    assert warning_mark(level, label, title=title) == partial
