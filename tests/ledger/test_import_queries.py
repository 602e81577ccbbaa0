"""The import writes in bulk: its queries grow by batches of rows, never by rows.

(SQLite caps the parameters of one statement, so a bulk insert of many rows is cut into a few
statements; PostgreSQL writes each table in one. Every table is written twice, the rows and
their model history, the history copied by the database a thousand rows a statement
(`core.history_rows`): a write per row would cost over 760 more statements for 380 more rows.)
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.workbooks import a_portfolio, load


def queries_to_import(sheets: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        load(sheets)
    return len(queries)


ROWS_PER_BATCH_AT_LEAST = 10


def assert_batched(small: int, large: int, extra_rows: int) -> None:
    assert large - small <= extra_rows // ROWS_PER_BATCH_AT_LEAST, (small, large)


def test_creating_400_projects_takes_a_few_more_queries_than_20_not_380_more():
    small = queries_to_import(a_portfolio(20, 2024))
    large = queries_to_import(a_portfolio(400, 2025))

    # Each report is also flagged (未开工有投资: a_portfolio's projects have no start date):
    # 380 more flags, written in batches with their history as the other rows are.
    assert_batched(small, large, 380 + 380)


def test_updating_400_reports_takes_a_few_more_queries_than_20_not_380_more():
    small, large = a_portfolio(20, 2024), a_portfolio(400, 2025)
    load(small)
    load(large)
    for sheets in (small, large):
        for row in sheets["月度投资"][1:]:
            row[3] = 2

    assert_batched(queries_to_import(small), queries_to_import(large), 380)
