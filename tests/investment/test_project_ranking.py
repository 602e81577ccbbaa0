"""项目完成率排名's first rows (`project_ranking(limit=)`: ranked by the database, the page's rows
re-ranked by `ranking_key`) are the whole ranking's first rows (`ranking_key` over every row), on
random data full of ties: equal rates from different sums (1.1 of 3 and 11 of 30 万元, which
the databases' rounding may order either way), rows at 0 %, rows with no plan money, drafts
that do not count."""

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from investment.models import MonthlyReport
from investment.rules.periods import Period
from investment.selectors.rankings import clearly_below, project_ranking
from projects.models import Project
from tests import builders
from tests.workbooks import code

YEAR = 2024
# (年度计划投资, completed): rates equal in pairs and triples, reached from different sums
SHARES = [
    (3, Decimal("1.1")), (30, Decimal(11)), (300, Decimal(110)),
    (7, Decimal("0.7")), (70, Decimal(7)), (1234.5, Decimal("123.45")),
    (1000, Decimal(0)), (120, Decimal(0)), (0, Decimal(0)), (0, Decimal(25)),
    (1000, Decimal("333.3333")), (3000, Decimal("999.9999")), (100, Decimal(100)),
]  # fmt: skip


def a_county_of_ties(rng: random.Random, size: int = 60) -> None:
    """``size`` projects, each with a plan and a completed sum drawn from ``SHARES``, the sum
    split at random over the months (so that a database summing floats rounds it its way)."""
    projects, reports = [], []
    for serial in range(1, size + 1):
        plan, completed = rng.choice(SHARES)
        projects.append(builders.project_row(serial, {
            "项目名称": f"项目{serial}", "责任单位": f"单位{serial % 4}",
            "项目级别": rng.choice(["省重点", "市重点", "县重点"]), "年度计划投资(万元)": plan,
        }))  # fmt: skip
        months = sorted(rng.sample(range(1, 6), rng.randint(1, 4)))
        left = completed
        for month in months[:-1]:
            part = (left * Decimal(rng.choice([1, 2, 3])) / 7).quantize(Decimal("0.0001"))
            reports.append(builders.report_row(serial, YEAR, month, part))
            left -= part
        reports.append(builders.report_row(serial, YEAR, months[-1], left))
        if rng.random() < 0.2:  # a draft: it does not count
            reports.append(builders.report_row(serial, YEAR, 6, 50))
    builders.ledger({"项目台账": projects, "月度投资": reports})
    MonthlyReport.objects.filter(month=6).update(status=MonthlyReport.Status.DRAFT)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_pages_first_rows_are_the_whole_rankings_first_rows(seed):
    a_county_of_ties(random.Random(seed))
    period = Period.of(YEAR, 6)
    unit = Project.objects.get(code=code(2)).unit_id

    for filters in ({}, {"level": "county"}, {"unit_id": unit}):
        whole = [(row.code, row.completed) for row in project_ranking(period, **filters)]
        for limit in range(0, 32):
            shown = project_ranking(period, limit=limit, **filters)
            assert [(row.code, row.completed) for row in shown] == whole[:limit], (filters, limit)


def test_a_clear_cut_reads_the_pages_rows_in_one_query():
    projects = [builders.project_row(n, {"项目名称": f"项目{n}", "年度计划投资(万元)": 100})
                for n in range(1, 13)]  # fmt: skip
    reports = [builders.report_row(n, YEAR, 1, n) for n in range(1, 13)]  # 1 %, 2 %, … 12 %
    builders.ledger({"项目台账": projects, "月度投资": reports})
    period = Period.of(YEAR, 6)

    with CaptureQueriesContext(connection) as queries:
        shown = project_ranking(period, limit=3)

    assert [row.code for row in shown] == [code(12), code(11), code(10)]
    assert len(queries) == 1


def test_a_rate_is_clearly_below_another_only_beyond_both_roundings():
    assert clearly_below(30.0, 30.1)
    assert not clearly_below(30.0, 30.0)
    assert not clearly_below(30.0, 30.0 + 1e-12)  # equal, but for the databases' rounding
    assert not clearly_below(0.0, 1e-12)
    assert clearly_below(None, 0.0)  # no plan money: after every rate
    assert not clearly_below(None, None)
    assert not clearly_below(0.0, None)
