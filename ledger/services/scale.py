"""A city-sized data set for benchmarks (DESIGN.md §6: "a separate generator builds a large
data set"): ``manage.py generate_scale``, ``make bench`` (benchmarks/bench.py),
benchmarks/city_scale.py and the two-size query-count test (tests/test_query_counts.py) all
build it here, so there is one builder.

About 2.3 plan rows a project: each project runs one to three years inside the ``years`` years
that end in 2026, with approved monthly reports through October 2026 (seasonal: slow in
Jan–Feb, peaks mid-year), seven milestones, a fund application for every fifth project, a
finding for every fourth, a 三个一批 entry for every tenth and a 招商 activity for every
twentieth. A unit for every 10 projects, at most 200 (a county of 300 projects has 30).
The same sizes give the same rows on every machine and database (fixed random seeds).

Unlike the demo county (ledger/services/demo.py, built through the import as a clerk's upload)
it skips the services and the models: rows go straight to the tables (``_Table``: COPY on
PostgreSQL, one ``executemany`` per 5,000 rows on SQLite), without history rows, audit entries
or the checks a clerk's input gets, so that 20,000 projects × 5 years take about a minute (a
city's import takes minutes and is measured on its own, ``make bench``'s 台账导入). It is for an
empty database only: ``generate_scale`` refuses one that has units or projects, so a real
county's figures are never mixed with invented ones.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple, cast

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from batches.models import Batch, BatchEntry
from batches.models import Kind as BatchKind
from bonds.models import FundApplication, FundStatus, FundType
from investment.models import MonthlyReport
from investment.selectors.figure_cache import written
from projects.models import (
    AnnualPlan,
    FactorCategory,
    Level,
    Milestone,
    Nature,
    Project,
    Stage,
    Unit,
)
from promotion.models import Activity, Lead
from promotion.models import Kind as ActivityKind
from supervision.models import Finding

LAST_YEAR, LAST_MONTH = 2026, 10  # the data run through October 2026, the period benchmarked
UNITS = 200
BATCH = 5_000
SEASON = [2, 3, 7, 8, 9, 10, 11, 11, 10, 10, 9, 10]  # % of the year's plan, slow in Jan–Feb
INDUSTRIES = ["交通", "水利", "能源", "工业", "农业", "社会事业", "城建", "生态环保"]
MILESTONES = ["立项", "用地预审与选址", "环评", "施工许可", "主体开工", "主体封顶", "竣工验收"]
LEADERS = ["张副市长", "李副市长", "王市长", "赵副书记"]
APPROVED, LEDGER = MonthlyReport.Status.APPROVED.value, MonthlyReport.Source.LEDGER.value
CENT = Decimal("0.01")


@dataclass
class ScaleCounts:
    """What was built, for the command's report."""

    units: int = 0
    projects: int = 0
    plans: int = 0
    reports: int = 0
    milestones: int = 0
    funds: int = 0
    findings: int = 0
    batch_entries: int = 0
    activities: int = 0

    def lines(self) -> list[str]:
        return [
            f"责任单位 {self.units:,} 个，项目 {self.projects:,} 个，年度计划 {self.plans:,} 行",
            f"月报 {self.reports:,} 份，节点 {self.milestones:,} 个，资金申报 {self.funds:,} 笔",
            f"督查问题 {self.findings:,} 个，三个一批项目 {self.batch_entries:,} 个，"
            f"招商活动 {self.activities:,} 次",
        ]


def database_is_empty() -> bool:
    """No unit and no project yet: the only database ``build_scale`` writes into."""
    return not (Unit.objects.exists() or Project.objects.exists())


class _Table:
    """One model's rows written straight to its table, ``BATCH`` at a time: the given fields
    (``id`` first, numbered here after the table's highest), every other column its field's
    default (``auto_now``/``auto_now_add`` ones: now), prepared for the database once for all rows."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.model = model
        self.next_id = (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
        by_name = {field.attname: field for field in model._meta.concrete_fields}
        given = [by_name[name] for name in ("id", *fields)]
        rest = [field for field in model._meta.concrete_fields if field not in given]
        now = timezone.now()
        self.fixed = tuple(
            field.get_db_prep_save(now if _stamped(field) else field.get_default(), connection)
            for field in rest
        )
        self.dates = [  # SQLite takes dates as ISO text (Django's own adapter does the same)
            index
            for index, field in enumerate(given)
            if connection.vendor == "sqlite" and type(field) is models.DateField
        ]
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(cast(str, field.column)) for field in given + rest)
        self.width = len(given) + len(rest)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, *values: Any) -> int:
        """Queue one row (the given fields' values, in order); its id."""
        pk = self.next_id
        self.next_id += 1
        self.rows.append((pk, *values))
        if len(self.rows) >= BATCH:
            self.flush()
        return pk

    def flush(self) -> None:
        rows = [row + self.fixed for row in self.rows]
        for row_index, row in enumerate(rows):
            if self.dates:
                cells = list(row)
                for index in self.dates:
                    cells[index] = cells[index] and cells[index].isoformat()
                rows[row_index] = tuple(cells)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * self.width)
                sql = f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})"
                cursor.executemany(sql, rows)
        self.written += len(self.rows)
        self.rows.clear()

    def close(self) -> int:
        """Write what is queued; how many rows were written in all."""
        self.flush()
        return self.written


def _stamped(field: "models.Field[Any, Any]") -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


class _Project(NamedTuple):
    pk: int
    unit: int
    name: str
    planned_start: date


class _Plan(NamedTuple):
    pk: int
    year: int
    planned: Decimal
    actual_start: date | None


TABLES: list[type[models.Model]] = [Unit, Project, AnnualPlan, MonthlyReport, Milestone]
TABLES += [FundApplication, Finding, Batch, BatchEntry, Activity, Activity.projects.through]


def build_scale(*, projects: int, years: int) -> ScaleCounts:
    """Insert ``projects`` projects over the ``years`` years ending in 2026, in one transaction
    (a failure leaves nothing); then, on PostgreSQL outside any transaction (the command, make
    bench), VACUUM the tables: its visibility map lets the counted reports' index (investment
    0015) answer a row's sum alone, as on a server whose autovacuum has passed."""
    counts = _build_scale(projects=projects, years=years)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        names = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in TABLES)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {names}")
    return counts


@transaction.atomic
def _build_scale(*, projects: int, years: int) -> ScaleCounts:
    written()  # COPY passes no statement the figure cache sees: it moves on as this commits
    rng = random.Random(2026)
    first_year = LAST_YEAR - years + 1
    counts = ScaleCounts(projects=projects)
    unit_table = _Table(Unit, ["name", "kind"])
    units = [
        unit_table.add(f"{'县区'[i % 2]}单位{i:03d}", Unit.Kind.DEPARTMENT.value)
        for i in range(min(UNITS, max(1, projects // 10)))
    ]
    counts.units = unit_table.close()
    project_table = _Table(
        Project,
        ["code", "name", "unit_id", "industry", "total_investment", "planned_start"]
        + ["planned_end", "leader", "stage"],
    )
    built, spans = [], []
    for serial in range(1, projects + 1):
        start_year = rng.randint(first_year, LAST_YEAR)
        length = rng.randint(1, 3)
        total = Decimal(rng.randint(2_000, 200_000))
        code = f"{start_year}-510623-{rng.randint(10, 99)}-01-{serial:06d}"
        name, unit = f"城市重点项目{serial}", units[serial % len(units)]
        industry = rng.choice(INDUSTRIES)
        start = date(start_year, rng.randint(1, 6), rng.randint(1, 28))
        end, leader = date(start_year + length, 12, 31), rng.choice(LEADERS)
        pk = project_table.add(
            code, name, unit, industry, total, start, end, leader, Stage.CONSTRUCTION.value
        )
        built.append(_Project(pk, unit, name, start))
        spans.append((start_year, min(start_year + length, LAST_YEAR), total / (length + 1)))
    project_table.close()
    plans = _plans(rng, built, spans)
    counts.plans = len(plans)
    counts.reports = _reports(rng, plans)
    counts.milestones = _milestones(rng, built)
    counts.funds, counts.findings = _funds_and_findings(rng, built, first_year)
    # A stream of their own, so the rows above stay those benchmarks/city_scale.py always built.
    extra = random.Random(26)
    counts.batch_entries = _batches(extra, built, first_year)
    counts.activities = _activities(extra, built, units)
    with connection.cursor() as cursor:  # the next row saved the usual way takes the next id
        for statement in connection.ops.sequence_reset_sql(no_style(), TABLES):
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            # The planner's statistics of the tables just filled. Without them PostgreSQL plans a
            # city's 46,000 plan rows as if there were a hundred (nested loops over 90,000
            # reports): the dashboard took 6.9 s instead of 2.9 s. A server's autovacuum would
            # analyze them within minutes; one run with autovacuum off never would.
            names = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in TABLES)
            cursor.execute(f"ANALYZE {names}")
    return counts


def _plans(
    rng: random.Random, built: list[_Project], spans: list[tuple[int, int, Decimal]]
) -> list[_Plan]:
    table = _Table(
        AnnualPlan, ["project_id", "year", "level", "nature", "planned_investment", "actual_start"]
    )
    levels = list(Level)
    plans = []
    for project, (start_year, end_year, yearly) in zip(built, spans, strict=True):
        for year in range(start_year, end_year + 1):
            started = rng.random() < 0.92
            level = rng.choices(levels, weights=[1, 3, 8])[0].value
            nature = Nature.NEW.value if year == start_year else Nature.CONTINUING.value
            planned = yearly.quantize(Decimal(1))
            start = project.planned_start if year == start_year else date(year, 2, 15)
            actual = start if started else None
            pk = table.add(project.pk, year, level, nature, planned, actual)
            plans.append(_Plan(pk, year, planned, actual))
    table.close()
    return plans


def _reports(rng: random.Random, plans: list[_Plan]) -> int:
    table = _Table(MonthlyReport, ["plan_id", "month", "amount", "progress", "status", "source"])
    for plan in plans:
        if plan.actual_start is None:
            continue
        last = LAST_MONTH if plan.year == LAST_YEAR else 12
        pace = Decimal(rng.uniform(0.6, 1.15))
        first = plan.actual_start.month if plan.actual_start.year == plan.year else 1
        for month in range(first, last + 1):
            amount = (plan.planned * (Decimal(SEASON[month - 1]) / 100 * pace)).quantize(CENT)
            table.add(plan.pk, month, amount, "主体施工", APPROVED, LEDGER)
    return table.close()


def _milestones(rng: random.Random, built: list[_Project]) -> int:
    table = _Table(Milestone, ["project_id", "name", "kind", "planned_date", "actual_date"])
    approval, construction = Milestone.Kind.APPROVAL.value, Milestone.Kind.CONSTRUCTION.value
    cutoff = date(LAST_YEAR, LAST_MONTH, 31)
    for project in built:
        day = project.planned_start - timedelta(days=120)
        for index, name in enumerate(MILESTONES):
            day += timedelta(days=rng.randint(20, 120))
            done = day < cutoff and rng.random() < 0.85
            actual = day + timedelta(days=rng.randint(-10, 30)) if done else None
            table.add(project.pk, name, approval if index < 4 else construction, day, actual)
    return table.close()


def _funds_and_findings(
    rng: random.Random, built: list[_Project], first_year: int
) -> tuple[int, int]:
    funds = _Table(
        FundApplication,
        ["project_id", "fund_type", "year", "batch", "requested", "approved", "allocated"]
        + ["spent", "status"],
    )
    findings = _Table(
        Finding,
        ["unit_id", "project_id", "description", "category", "found_on", "deadline"]
        + ["assigned_on", "status", "closed_on"],
    )
    fund_types, categories = list(FundType), list(FactorCategory)
    for index, project in enumerate(built):
        if index % 5 == 0:
            requested = Decimal(rng.randint(500, 20_000))
            fund_type = rng.choice(fund_types).value
            funds.add(
                project.pk, fund_type, project.planned_start.year, "第1批", requested,
                requested * Decimal("0.8"), requested * Decimal("0.6"),
                requested * Decimal("0.3"), FundStatus.SPENT.value,
            )  # fmt: skip
        if index % 4 == 0:
            found = date(rng.randint(first_year, LAST_YEAR), rng.randint(1, 10), rng.randint(1, 28))
            closed = rng.random() < 0.7
            category = rng.choice(categories).value
            deadline = found + timedelta(days=30)
            status = Finding.Status.CLOSED if closed else Finding.Status.IN_PROGRESS
            closed_on = deadline - timedelta(days=rng.randint(-20, 10)) if closed else None
            findings.add(
                project.unit, project.pk, f"{project.name}要素保障问题", category, found,
                deadline, found, status.value, closed_on,
            )  # fmt: skip
    return funds.close(), findings.close()


def _batches(rng: random.Random, built: list[_Project], first_year: int) -> int:
    """A 三个一批 期次 per quarter of each year, every tenth project listed in one."""
    batch_table = _Table(Batch, ["name", "year", "quarter"])
    batches = [
        batch_table.add(f"{year}年第{quarter}期", year, quarter)
        for year in range(first_year, LAST_YEAR + 1)
        for quarter in (1, 2, 3, 4)
    ]
    batch_table.close()
    entries = _Table(BatchEntry, ["batch_id", "project_id", "kind", "target_date"])
    kinds = list(BatchKind)
    for project in built[::10]:
        batch = batches[(project.planned_start.year - first_year) * 4 + rng.randint(0, 3)]
        kind = rng.choice(kinds).value
        target = project.planned_start + timedelta(days=rng.randint(0, 90))
        entries.add(batch, project.pk, kind, target)
    return entries.close()


def _activities(rng: random.Random, built: list[_Project], units: list[int]) -> int:
    """A 招商 visit or reception for every twentieth project, which it signed."""
    activities = _Table(
        Activity,
        ["held_on", "kind", "led_by", "leader", "unit_id", "counterpart", "people", "batches"],
    )
    links = []
    leads = list(Lead)
    for project in built[::20]:
        reception = rng.random() < 0.5
        held_on = project.planned_start - timedelta(days=rng.randint(30, 200))
        kind = (ActivityKind.RECEPTION if reception else ActivityKind.VISIT).value
        led_by, leader = rng.choice(leads).value, rng.choice(LEADERS)
        unit = units[rng.randrange(len(units))]
        people = rng.randint(2, 30) if reception else None
        batches = rng.randint(1, 3) if reception else None
        pk = activities.add(
            held_on, kind, led_by, leader, unit, f"客商{project.pk}", people, batches
        )
        links.append((pk, project.pk))
    written = activities.close()
    signed = _Table(Activity.projects.through, ["activity_id", "project_id"])
    for link in links:
        signed.add(*link)
    signed.close()
    return written
