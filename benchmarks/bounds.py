"""Hand-written SQL for the figures `make bench` times the app's selectors against: the floor a
selector could reach, reading the same tables (benchmarks/bench.py).

Each function runs its SQL on the default database (SQLite or PostgreSQL: plain SQL, the one
difference, a date's month, written for each) and returns the same figures as the selector,
so the run can check them equal before it compares times:

- `summary`: `investment.selectors.portfolio.portfolio_summary` by level (plan rows, 新建,
  started, 总投资, 年度计划投资, completed), two grouped queries.
- `ranking`: `investment.selectors.rankings.unit_ranking`'s counts per unit (DESIGN.md §3's
  I1–I5 divide them), four grouped queries as the selector's.
- `lag_list`: `investment.selectors.progress.lag_warnings`'s rows at the default thresholds of
  `investment.models.WarningRule` (未纳统 off): the plan rows with a reason, one query.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection

from investment.models import MonthlyReport
from investment.rules import period_end
from investment.rules.periods import Period, report_deadline

COUNTED = tuple(str(status) for status in MonthlyReport.COUNTED_STATUSES)
LEDGER = str(MonthlyReport.Source.LEDGER)


def _month(column: str) -> str:
    """The month of a date column, in the database's own words."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(MONTH FROM {column})::integer"
    return f"CAST(strftime('%%m', {column}) AS INTEGER)"


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


SUMMARY_PLANS = """
SELECT p.level, COUNT(*), SUM(CASE WHEN p.nature = 'new' THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.actual_start <= %s THEN 1 ELSE 0 END),
       SUM(j.total_investment), SUM(p.planned_investment)
FROM projects_annualplan p JOIN projects_project j ON j.id = p.project_id
WHERE p.year = %s AND p.replaced_by_id IS NULL
GROUP BY p.level
"""
SUMMARY_REPORTS = """
SELECT p.level, SUM(r.amount)
FROM investment_monthlyreport r JOIN projects_annualplan p ON p.id = r.plan_id
WHERE p.year = %s AND p.replaced_by_id IS NULL AND r.month <= %s AND r.status IN (%s, %s)
GROUP BY p.level
"""


def summary(period: Period) -> dict[str, tuple[Any, ...]]:
    """{level: (plan rows, 新建, started, 总投资, 年度计划投资, completed)}: the plan rows and
    the reports grouped by level, two queries (one with the reports joined to the plan rows
    in a subquery took 4 s on PostgreSQL at 2,000 projects: a poor plan, not a floor)."""
    plans = _rows(SUMMARY_PLANS, [period.end, period.year])
    completed = dict(_rows(SUMMARY_REPORTS, [period.year, period.month, *COUNTED]))
    return {row[0]: (*row[1:], completed.get(row[0], 0)) for row in plans}


def ranking(period: Period) -> dict[int, dict[str, Any]]:
    """{unit id: the counts `UnitCounts` holds}, from four grouped queries."""
    year, month, end, through = period.year, period.month, period.end, period.due_through
    year_start = date(year, 1, 1)
    through_end = period_end(year, through) if through else year_start
    start_month = _month("p.actual_start")
    counts: dict[int, dict[str, Any]] = {}
    plans = _rows(
        f"""
        SELECT j.unit_id, COUNT(*), SUM(CASE WHEN p.actual_start <= %s THEN 1 ELSE 0 END),
               SUM(p.planned_investment),
               SUM(CASE WHEN p.actual_start < %s THEN %s
                        WHEN p.actual_start <= %s THEN %s + 1 - {start_month} ELSE 0 END)
        FROM projects_annualplan p JOIN projects_project j ON j.id = p.project_id
        WHERE p.year = %s AND p.replaced_by_id IS NULL
        GROUP BY j.unit_id
        """,
        [end, year_start, through, through_end, through, year],
    )
    for unit, projects, started, planned, expected in plans:
        counts[unit] = {
            "projects": projects, "started": started, "annual_plan": planned,
            "reports_expected": expected or 0, "completed": 0, "reports_on_time": 0,
            "milestones_due": 0, "milestones_on_time": 0, "findings_due": 0,
            "findings_on_time": 0,
        }  # fmt: skip
    deadlines = " ".join(f"WHEN {m} THEN r.submitted_at < %s" for m in range(1, month + 1))
    deadline_params = [
        report_deadline(year, m, period.settings.due_day) for m in range(1, month + 1)
    ]
    reports = _rows(
        f"""
        SELECT j.unit_id, SUM(r.amount),
               SUM(CASE WHEN (r.source = %s OR (CASE r.month {deadlines} ELSE FALSE END))
                         AND r.month <= %s AND p.actual_start <= %s
                         AND (p.actual_start < %s OR r.month >= {start_month})
                        THEN 1 ELSE 0 END)
        FROM investment_monthlyreport r
        JOIN projects_annualplan p ON p.id = r.plan_id
        JOIN projects_project j ON j.id = p.project_id
        WHERE p.year = %s AND p.replaced_by_id IS NULL AND r.month <= %s AND r.status IN (%s, %s)
        GROUP BY j.unit_id
        """,
        [LEDGER, *deadline_params, through, through_end, year_start, year, month, *COUNTED],
    )
    for unit, completed, on_time in reports:
        if unit in counts:
            counts[unit].update(completed=completed, reports_on_time=on_time)
    milestones = _rows(
        """
        SELECT COALESCE(m.unit_id, j.unit_id), COUNT(*),
               SUM(CASE WHEN m.actual_date IS NOT NULL AND m.actual_date <= m.planned_date
                        THEN 1 ELSE 0 END)
        FROM projects_milestone m JOIN projects_project j ON j.id = m.project_id
        WHERE m.planned_date >= %s AND m.planned_date <= %s
        GROUP BY COALESCE(m.unit_id, j.unit_id)
        """,
        [year_start, end],
    )
    for unit, due, on_time in milestones:
        if unit in counts:
            counts[unit].update(milestones_due=due, milestones_on_time=on_time)
    findings = _rows(
        """
        SELECT unit_id, COUNT(*),
               SUM(CASE WHEN closed_on IS NOT NULL AND closed_on <= deadline THEN 1 ELSE 0 END)
        FROM supervision_finding WHERE deadline >= %s AND deadline <= %s GROUP BY unit_id
        """,
        [year_start, end],
    )
    for unit, due, on_time in findings:
        if unit in counts:
            counts[unit].update(findings_due=due, findings_on_time=on_time)
    return counts


def lag_list(period: Period) -> list[int]:
    """The ids of the plan rows on the lag list (default thresholds), by id."""
    year, month, end = period.year, period.month, period.end
    year_start = date(year, 1, 1)
    started = "(p.actual_start IS NOT NULL AND p.actual_start <= %s)"
    first_expected = f"CASE WHEN p.actual_start < %s THEN 1 ELSE {_month('p.actual_start')} END"
    rows = _rows(
        f"""
        SELECT p.id FROM projects_annualplan p
        JOIN projects_project j ON j.id = p.project_id
        LEFT JOIN (SELECT r.plan_id, SUM(r.amount) AS completed, MAX(r.month) AS last_month
                   FROM investment_monthlyreport r JOIN projects_annualplan q ON q.id = r.plan_id
                   WHERE q.year = %s AND r.month <= %s AND r.status IN (%s, %s)
                   GROUP BY r.plan_id) r ON r.plan_id = p.id
        LEFT JOIN (SELECT project_id, COUNT(*) AS late FROM projects_milestone
                   WHERE planned_date <= %s AND (actual_date IS NULL OR actual_date > %s)
                   GROUP BY project_id) m ON m.project_id = p.project_id
        WHERE p.year = %s AND p.replaced_by_id IS NULL AND (
            (NOT {started} AND j.planned_start IS NOT NULL AND j.planned_start < %s)
            OR ((j.planned_start IS NULL OR j.planned_start <= %s) AND p.planned_investment > 0
                AND 1200 * COALESCE(r.completed, 0) < (100 * %s - 120) * p.planned_investment)
            OR m.late > 0
            OR (%s AND {started} AND %s - COALESCE(r.last_month, 0) >= 1
                AND %s - ({first_expected}) + 1 >= 1)
        )
        ORDER BY p.id
        """,
        [year, month, *COUNTED, end, end, year, end, end, end, month, period.is_due, end, month,
         month, year_start],
    )  # fmt: skip
    return [row[0] for row in rows]


def same(a: Any, b: Any) -> bool:
    """Two amounts equal to the cent (SQLite sums decimals as floats)."""
    return round(Decimal(str(a or 0)), 2) == round(Decimal(str(b or 0)), 2)
