"""A city-sized data set and what the main pages cost on it (not part of the test suite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_scale \\
        .venv/bin/python benchmarks/city_scale.py [--projects 20000] [--years 5]

Builds, in a fresh test database and with bulk inserts (the Excel import would take far
longer and is measured by benchmarks/import_ledger.py), about 200 units and PROJECTS
projects spread over YEARS years ending in 2026: a plan row per project and year it runs,
approved monthly reports through October 2026, milestones, fund applications and findings.
Then it times each main page through Django's test client as the office and prints, per
page, the median of three runs, the number of queries and the size of the response.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
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

from bonds.models import FundApplication, FundStatus, FundType  # noqa: E402
from investment.models import MonthlyReport  # noqa: E402
from projects.models import (  # noqa: E402
    AnnualPlan,
    FactorCategory,
    Level,
    Milestone,
    Nature,
    Project,
    Stage,
    Unit,
    User,
)
from supervision.models import Finding  # noqa: E402

LAST_YEAR, LAST_MONTH = 2026, 10
BATCH = 5_000
SEASON = [2, 3, 7, 8, 9, 10, 11, 11, 10, 10, 9, 10]  # slow in Jan–Feb, peaks mid-year
INDUSTRIES = ["交通", "水利", "能源", "工业", "农业", "社会事业", "城建", "生态环保"]
MILESTONES = ["立项", "用地预审与选址", "环评", "施工许可", "主体开工", "主体封顶", "竣工验收"]


def build(projects: int, years: int) -> dict[str, int]:
    rng = random.Random(2026)
    first_year = LAST_YEAR - years + 1
    units = Unit.objects.bulk_create(
        Unit(name=f"{'县区'[i % 2]}单位{i:03d}", kind=Unit.Kind.DEPARTMENT) for i in range(200)
    )
    project_rows, spans = [], []
    for serial in range(1, projects + 1):
        start_year = rng.randint(first_year, LAST_YEAR)
        length = rng.randint(1, 3)
        total = Decimal(rng.randint(2_000, 200_000))
        project_rows.append(
            Project(
                code=f"{start_year}-510623-{rng.randint(10, 99)}-01-{serial:06d}",
                name=f"城市重点项目{serial}",
                unit=units[serial % len(units)],
                industry=rng.choice(INDUSTRIES),
                total_investment=total,
                planned_start=date(start_year, rng.randint(1, 6), rng.randint(1, 28)),
                planned_end=date(start_year + length, 12, 31),
                leader=rng.choice(["张副市长", "李副市长", "王市长", "赵副书记"]),
                stage=Stage.CONSTRUCTION,
            )
        )
        spans.append((start_year, min(start_year + length, LAST_YEAR), total / (length + 1)))
    Project.objects.bulk_create(project_rows, batch_size=BATCH)
    plans = []
    for project, (start_year, end_year, yearly) in zip(project_rows, spans, strict=True):
        for year in range(start_year, end_year + 1):
            started = rng.random() < 0.92
            plans.append(
                AnnualPlan(
                    project=project,
                    year=year,
                    level=rng.choices(list(Level), weights=[1, 3, 8])[0],
                    nature=Nature.NEW if year == start_year else Nature.CONTINUING,
                    planned_investment=yearly.quantize(Decimal(1)),
                    actual_start=(
                        project.planned_start if year == start_year else date(year, 2, 15)
                    )
                    if started
                    else None,
                )
            )
    AnnualPlan.objects.bulk_create(plans, batch_size=BATCH)
    reports = []
    for plan in plans:
        if plan.actual_start is None:
            continue
        last = LAST_MONTH if plan.year == LAST_YEAR else 12
        pace = Decimal(rng.uniform(0.6, 1.15))
        for month in range(
            plan.actual_start.month if plan.actual_start.year == plan.year else 1, last + 1
        ):
            share = Decimal(SEASON[month - 1]) / 100 * pace
            reports.append(
                MonthlyReport(
                    plan=plan,
                    month=month,
                    amount=(plan.planned_investment * share).quantize(Decimal("0.01")),
                    progress="主体施工",
                    status=MonthlyReport.Status.APPROVED,
                    source=MonthlyReport.Source.LEDGER,
                )
            )
        if len(reports) >= 50_000:
            MonthlyReport.objects.bulk_create(reports, batch_size=BATCH)
            reports.clear()
    MonthlyReport.objects.bulk_create(reports, batch_size=BATCH)
    milestones = []
    for project in project_rows:
        assert project.planned_start is not None  # every project here has one
        day = project.planned_start - timedelta(days=120)
        for name in MILESTONES:
            day += timedelta(days=rng.randint(20, 120))
            done = day < date(LAST_YEAR, LAST_MONTH, 31) and rng.random() < 0.85
            milestones.append(
                Milestone(
                    project=project,
                    name=name,
                    kind=Milestone.Kind.APPROVAL
                    if MILESTONES.index(name) < 4
                    else Milestone.Kind.CONSTRUCTION,
                    planned_date=day,
                    actual_date=day + timedelta(days=rng.randint(-10, 30)) if done else None,
                )
            )
    Milestone.objects.bulk_create(milestones, batch_size=BATCH)
    funds, findings = [], []
    for index, project in enumerate(project_rows):
        if index % 5 == 0:
            requested = Decimal(rng.randint(500, 20_000))
            funds.append(
                FundApplication(
                    project=project,
                    fund_type=rng.choice(list(FundType)),
                    year=project.planned_start.year,  # type: ignore[union-attr]
                    batch="第1批",
                    requested=requested,
                    approved=requested * Decimal("0.8"),
                    allocated=requested * Decimal("0.6"),
                    spent=requested * Decimal("0.3"),
                    status=FundStatus.SPENT,
                )
            )
        if index % 4 == 0:
            found = date(rng.randint(first_year, LAST_YEAR), rng.randint(1, 10), rng.randint(1, 28))
            closed = rng.random() < 0.7
            deadline = found + timedelta(days=30)
            findings.append(
                Finding(
                    unit=project.unit,
                    project=project,
                    description=f"{project.name}要素保障问题",
                    category=rng.choice(list(FactorCategory)),
                    found_on=found,
                    deadline=deadline,
                    assigned_on=found,
                    status=Finding.Status.CLOSED if closed else Finding.Status.IN_PROGRESS,
                    closed_on=deadline - timedelta(days=rng.randint(-20, 10)) if closed else None,
                )
            )
    FundApplication.objects.bulk_create(funds, batch_size=BATCH)
    Finding.objects.bulk_create(findings, batch_size=BATCH)
    return {
        "units": len(units),
        "projects": len(project_rows),
        "plan rows": len(plans),
        "reports": MonthlyReport.objects.count(),
        "milestones": len(milestones),
        "fund applications": len(funds),
        "findings": len(findings),
    }


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


@override_settings(DEBUG=True)  # DEBUG keeps connection.queries for the count
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
        counts = build(args.projects, args.years)
        built = time.perf_counter() - started
        print(
            f"{connection.vendor}: built in {built:.0f} s: "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        )
        client = Client()
        client.force_login(User.objects.create_user("office", role=User.Role.OFFICER))
        print(f"{'page':<16}{'median s':>10}{'queries':>9}{'KB':>9}")
        for label, seconds, queries, size in time_pages(client):
            print(f"{label:<16}{seconds:>10.2f}{queries:>9}{size / 1024:>9.0f}")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
