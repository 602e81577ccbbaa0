"""Each month the office downloads a template filled for the period: the template's own rows
above the data (title, header rows, merged cells, column widths) exactly as uploaded, and one
row per covered project from the data's first row, each cell what its column's mapping says,
the figures the dashboard shows for the same projects."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from investment.models import MonthlyReport
from investment.rules.periods import Period
from investment.selectors.portfolio import portfolio_summary
from projects.models import AnnualPlan, Level, Unit
from tests.counties import DEMO_DAY
from tests.workbooks import a_portfolio, load
from upstream.documents.filled import filled_template
from upstream.models import UpstreamTemplate
from upstream.rules.fields import cell_value
from upstream.selectors import covered_rows
from upstream.services.demo import statistics_template
from upstream.services.mapping import template_upload

DEMO = ["市重点项目建设进展情况表", "固定资产投资项目进度表"]


def sheet_of(data: bytes):
    return load_workbook(io.BytesIO(data)).worksheets[0]


def original(template: UpstreamTemplate):
    with template.file.open("rb") as stored:
        return sheet_of(stored.read())


def as_written(value: object) -> object:
    """A value as a cell gives it back: a date as a datetime at midnight, an amount as a number."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, Decimal):
        return float(value)
    return None if value == "" else value


@pytest.mark.parametrize("title", DEMO)
def test_a_demo_template_is_filled_cell_by_cell_as_its_mapping_says(demo_county, title):
    template = UpstreamTemplate.objects.get(title=title)
    period = Period.due_on(DEMO_DAY)
    before, filled = original(template), sheet_of(filled_template(template, period))

    # above the data: the template itself
    for row in range(1, template.data_start):
        for column in range(1, before.max_column + 1):
            assert filled.cell(row, column).value == before.cell(row, column).value, (row, column)
    assert {str(r) for r in filled.merged_cells.ranges} == {
        str(r) for r in before.merged_cells.ranges
    }
    widths = {letter: d.width for letter, d in before.column_dimensions.items()}
    assert {letter: filled.column_dimensions[letter].width for letter in widths} == widths
    assert filled.freeze_panes == before.freeze_panes

    # the data: one row per covered project, each cell as mapped
    rows = covered_rows(template, period)
    plans = AnnualPlan.objects.counted(period.year)
    assert (
        len(rows) == (plans.filter(level=template.level) if template.level else plans).count() > 0
    )
    columns = list(template.columns.order_by("number"))
    for serial, row in enumerate(rows, start=1):
        line = template.data_start + serial - 1
        for column in columns:
            want = cell_value(column.source, column.text, row, serial=serial, year=2026, month=10)
            assert filled.cell(line, column.number).value == as_written(want), (line, column.letter)
        assert filled.cell(line, 2).border.left.style == "thin"  # the first data row's style
    assert filled.max_row == template.data_start + len(rows) - 1


def column_total(sheet, template: UpstreamTemplate, source: str) -> Decimal:
    number = template.columns.get(source=source).number
    cells = sheet.iter_rows(
        min_row=template.data_start, min_col=number, max_col=number, values_only=True
    )
    return sum((Decimal(str(value)) for (value,) in cells if value is not None), Decimal(0))


def test_the_filled_figures_are_the_dashboards(demo_county):
    """The statistics table lists the year's whole list, the city's its 市重点 projects: their
    columns add up to the dashboard's figures (the month's column to the month's reports)."""
    period = Period.due_on(DEMO_DAY)
    summary = portfolio_summary(period)
    stats = UpstreamTemplate.objects.get(title="固定资产投资项目进度表")
    city = UpstreamTemplate.objects.get(title="市重点项目建设进展情况表")
    stats_sheet = sheet_of(filled_template(stats, period))
    city_sheet = sheet_of(filled_template(city, period))

    assert column_total(stats_sheet, stats, "plan") == summary.annual_plan
    assert column_total(stats_sheet, stats, "cumulative") == summary.completed
    assert (
        column_total(city_sheet, city, "cumulative") == summary.by_level[Level.MUNICIPAL].completed
    )
    month = MonthlyReport.objects.filter(
        plan__in=AnnualPlan.objects.counted(2026),
        month=10,
        status__in=MonthlyReport.COUNTED_STATUSES,
    ).aggregate(total=Sum("amount"))["total"]
    assert column_total(stats_sheet, stats, "month") == month
    assert stats_sheet.cell(stats.data_start, 12).value == "2026年10月"  # 报告期: {年}年{月}月


def test_text_that_excel_would_read_as_a_formula_stays_text(cast):
    load(a_portfolio(1, 2024))
    template = template_upload(
        title="统计表",
        issuer="",
        filename="统计表.xlsx",
        data=statistics_template(),
        user=cast.officer,
    )
    template.columns.filter(number=1).update(source="text", text='=HYPERLINK("x")')
    sheet = sheet_of(filled_template(template, Period.due_on(date(2024, 3, 10))))

    cell = sheet.cell(template.data_start, 1)
    assert (cell.value, cell.data_type, cell.quotePrefix) == ('=HYPERLINK("x")', "s", True)


def downloading(client, template: UpstreamTemplate) -> tuple[int, int]:
    """(queries, rows) of one download."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("upstream_download", args=[template.pk]) + "?year=2024&month=1"
        )
    assert response.status_code == 200
    sheet = sheet_of(response.content)
    return len(queries), sheet.max_row - template.data_start + 1


def test_a_download_costs_the_same_queries_for_three_projects_or_thirty(client, cast):
    template = template_upload(
        title="统计表",
        issuer="",
        filename="统计表.xlsx",
        data=statistics_template(),
        user=cast.officer,
    )
    client.force_login(cast.officer)
    load(a_portfolio(3, 2024))
    small = downloading(client, template)
    load(a_portfolio(30, 2024))
    large = downloading(client, template)

    assert (small[1], large[1]) == (3, 30)
    assert small[0] == large[0]


def test_the_template_page_costs_the_same_queries_for_three_projects_or_thirty(client, cast):
    template = template_upload(
        title="统计表",
        issuer="",
        filename="统计表.xlsx",
        data=statistics_template(),
        user=cast.officer,
    )
    client.force_login(cast.officer)
    page = reverse("upstream_detail", args=[template.pk]) + "?year=2024&month=1"
    counts = []
    for size in (3, 30):
        load(a_portfolio(size, 2024))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_a_template_for_one_unit_lists_only_that_units_projects(cast):
    load(a_portfolio(14, 2024))  # 单位0 … 单位6, two projects each
    template = template_upload(
        title="统计表",
        issuer="",
        filename="统计表.xlsx",
        data=statistics_template(),
        user=cast.officer,
    )
    template.unit = Unit.objects.get(name="单位3")
    template.level = Level.MUNICIPAL  # 项目10 (项目3 is 省重点)

    rows = covered_rows(template, Period.due_on(date(2024, 3, 10)))

    assert [(row["unit"], row["level"]) for row in rows] == [("单位3", "市重点")]
