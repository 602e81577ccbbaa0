"""A large import refreshes PostgreSQL's planner statistics inside its own transaction, before
the data-quality rules read what it wrote: a city's ledger imported into an empty database was
otherwise judged with the plans of empty tables (39 s a chunk of reports instead of 0.4 s,
docs/performance.md)."""

import pytest
from django.db import connection

from ledger.services import importer
from tests.workbooks import a_portfolio, load


def rows_the_planner_counts(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner statistics"
)


def test_an_import_of_more_rows_than_a_chunk_analyzes_the_tables_it_filled(monkeypatch):
    monkeypatch.setattr(importer, "CHUNK", 20)

    load(a_portfolio(30, 2024))

    assert rows_the_planner_counts("investment_monthlyreport") >= 30
    assert rows_the_planner_counts("projects_annualplan") >= 30


def test_a_small_import_leaves_the_statistics_to_autovacuum(monkeypatch):
    before = rows_the_planner_counts("investment_monthlyreport")

    load(a_portfolio(5, 2024))

    assert rows_the_planner_counts("investment_monthlyreport") == before
