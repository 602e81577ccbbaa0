"""A city-sized data set and what the main pages cost on it (not part of the test suite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_scale \\
        .venv/bin/python benchmarks/city_scale.py [--projects 20000] [--years 5]

Builds, in a fresh test database, the city data set of `ledger.services.scale` (the builder of
``manage.py generate_scale``): 200 units and PROJECTS projects spread over YEARS years ending
in 2026. Then it times each main page through Django's test client as the office and prints,
per page, the median of three runs, the number of queries and the size of the response.
``make bench`` (benchmarks/bench.py) measures more, on both databases, and keeps the figures.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import get_runner, override_settings, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from ledger.services.scale import LAST_MONTH, LAST_YEAR, build_scale  # noqa: E402
from projects.models import User  # noqa: E402

PAGES = [
    ("总体情况", "dashboard", {}),
    ("项目库", "project_list", {}),
    ("挂图作战", "board", {}),
    ("挂图作战 Excel", "board", {"format": "xlsx"}),
    ("节点作战图", "timeline", {}),
    ("节点作战图（滞后）", "timeline", {"scope": "lagging"}),
    ("考核排名（月度）", "rankings", {}),
    ("考核排名（季度）", "rankings", {"kind": "quarter"}),
    ("滞后预警", "lag_warnings", {}),
    ("滞后预警 Excel", "lag_warnings", {"format": "xlsx"}),
    ("报表审核", "review_month", {}),
    ("资金申报", "fund_list", {}),
    ("督查问题", "finding_list", {}),
    ("简报 PDF", "briefing_pdf", {"kind": "month"}),
]


# DEBUG keeps connection.queries for the count. A city's exports and briefing are made by a
# background job (EXPORT_BACKGROUND_PROJECTS): timed here as the request a county's makes, the
# same document function the job runs.
@override_settings(DEBUG=True, EXPORT_BACKGROUND_PROJECTS=sys.maxsize)
def time_pages(client: Client) -> list[tuple[str, float, int, int]]:
    period = {"year": LAST_YEAR, "month": LAST_MONTH}
    results = []
    for label, name, params in PAGES:
        url = (
            reverse(name, args=[LAST_YEAR, LAST_MONTH]) if name == "review_month" else reverse(name)
        )
        query: dict[str, Any] = {**({} if name == "review_month" else period), **params}
        timings = []
        for _ in range(3):
            reset_queries()
            started = time.perf_counter()
            response = client.get(url, query)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (label, response.status_code)
        size = len(response.content)
        results.append((label, statistics.median(timings), len(connection.queries), size))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()  # the test client's host, in-memory mail
    runner = get_runner(django.conf.settings)(verbosity=0)
    old = runner.setup_databases()
    try:
        started = time.perf_counter()
        counts = build_scale(projects=args.projects, years=args.years)
        built = time.perf_counter() - started
        print(f"{connection.vendor}: built in {built:.0f} s: " + "；".join(counts.lines()))
        client = Client()
        client.force_login(User.objects.create_user("office", role=User.Role.OFFICER))
        print(f"{'page':<16}{'median s':>10}{'queries':>9}{'KB':>9}")
        for label, seconds, queries, size in time_pages(client):
            print(f"{label:<16}{seconds:>10.2f}{queries:>9}{size / 1024:>9.0f}")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
