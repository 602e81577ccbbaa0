"""A page's query count does not grow with the projects (DESIGN.md §5, STYLE.md habit 2):
every figure page, its Excel and the briefing ask the database the same number of times for
a county of 12 projects as for one of 48, both built by the benchmarks' builder
(`ledger.services.scale`), with units, plan rows, reports, milestones, funds, findings,
三个一批 and 招商 growing alike. ``make bench`` times the same pages at a city's size
(docs/benchmarks.md); this is what keeps their query column flat between two runs of it.
The smaller size has every kind of record a page reads (at 8 projects no 专项债券 falls in
2026, and a list with nothing to read skips its query: that is not growth).

Each page is asked twice at each size and the second is counted, so what a process reads once
and keeps is not counted. The PDF is laid out by a stand-in for WeasyPrint, which asks the
database nothing: its template is rendered in full, so every lazy query still runs.
"""

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledger.services.scale import LAST_MONTH, LAST_YEAR, build_scale

PERIOD = {"year": LAST_YEAR, "month": LAST_MONTH}
XLSX = {"format": "xlsx"}
# (what the page is, URL name, its arguments, its query string)
PAGES = [
    ("总体情况", "dashboard", [], PERIOD),
    ("考核排名（月度）", "rankings", [], PERIOD),
    ("考核排名（季度）", "rankings", [], {**PERIOD, "kind": "quarter"}),
    ("考核排名 Excel", "rankings", [], {**PERIOD, **XLSX}),
    ("滞后预警", "lag_warnings", [], PERIOD),
    ("滞后预警 Excel", "lag_warnings", [], {**PERIOD, **XLSX}),
    ("挂图作战", "board", [], PERIOD),
    ("挂图作战 Excel", "board", [], {**PERIOD, **XLSX}),
    ("报表审核", "review_month", [LAST_YEAR, LAST_MONTH], {}),
    ("资金申报", "fund_list", [], {}),
    ("资金申报 Excel", "fund_list", [], XLSX),
    ("督查问题", "finding_list", [], {}),
    ("督查问题 Excel", "finding_list", [], XLSX),
    ("三个一批", "batch_list", [], PERIOD),
    ("三个一批 Excel", "briefing_batches_xlsx", [], PERIOD),
    ("招商统计", "promotion_figures", [], PERIOD),
    ("节点作战图", "timeline", [], PERIOD),
    ("简报", "briefing", [], PERIOD),
    ("简报 PDF", "briefing_pdf", [], {**PERIOD, "kind": "month"}),
]


class NoLayout:
    """WeasyPrint's HTML, minus the seconds of layout this test does not need."""

    def __init__(self, **kwargs):
        pass

    def write_pdf(self) -> bytes:
        return b"%PDF-1.7"


def query_counts(client, *, projects: int) -> dict[str, int]:
    """Each page's queries on a data set of ``projects`` projects, built in a savepoint that
    is rolled back afterwards."""
    counts = {}
    with transaction.atomic():
        build_scale(projects=projects, years=2)
        for label, name, args, params in PAGES:
            url = reverse(name, args=args)
            client.get(url, params)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, params)
            assert response.status_code == 200, (label, response.status_code)
            counts[label] = len(queries)
        transaction.set_rollback(True)
    return counts


def test_no_figure_page_asks_more_queries_for_more_projects(client, cast, monkeypatch):
    monkeypatch.setattr("core.pdf.HTML", NoLayout)
    client.force_login(cast.officer)

    small, large = query_counts(client, projects=12), query_counts(client, projects=48)

    grown = {label: f"{small[label]} → {large[label]}" for label in small
             if large[label] != small[label]}  # fmt: skip
    assert not grown, f"queries at 12 → 48 projects: {grown}"
