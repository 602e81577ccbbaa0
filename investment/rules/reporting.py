"""应报: which months a plan row owes a report (DESIGN.md §3, I5 and 未报送), one rule.

A plan row expects one report a month from the month of its 实际开(复)工日期 (January if it
started before year Y) through the last month counted (``through``: for I5 the last month whose
due day has passed, `Period.due_through`); a row not started by the end of ``through`` expects
none. The figures need it in three forms, written here side by side: a condition on reports
(``report_expected``: I5's on-time reports, 计算明细's months), a count per plan row
(``expected_count``: I5's denominator) and the months of one loaded row (``expected_months``,
``first_expected_month``: 计算明细, the 未报送 warning). `tests/investment/test_explain.py`
holds the list to the ranking's counts for every demo unit.
"""

from datetime import date

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import ExtractMonth

from investment import rules
from projects.rules import is_started, started_q


def first_expected_month(actual_start: date, year: int) -> int:
    """The first month of ``year`` a row started on ``actual_start`` owes a report for."""
    return 1 if actual_start.year < year else actual_start.month


def expected_months(actual_start: date | None, year: int, through: int) -> list[int]:
    """The months of ``year`` through ``through`` a row owes reports for, one by one."""
    if through < 1 or not is_started(actual_start, rules.period_end(year, through)):
        return []
    assert actual_start is not None  # started
    return list(range(first_expected_month(actual_start, year), through + 1))


def report_expected(*, year: int, through: int) -> Q:
    """The reports (of year ``year``'s rows) of months their row owed a report for."""
    if through < 1:
        return Q(pk__in=[])
    started = started_q(rules.period_end(year, through), prefix="plan__")
    return (
        Q(month__lte=through)
        & started
        & (
            Q(plan__actual_start__lt=date(year, 1, 1))
            | Q(month__gte=ExtractMonth("plan__actual_start"))
        )
    )


def expected_count(*, year: int, through: int) -> Case:
    """How many reports a plan row owes for months 1..``through`` (an expression to sum)."""
    year_start = date(year, 1, 1)
    return Case(
        When(actual_start__lt=year_start, then=Value(through)),
        When(
            started_q(rules.period_end(year, through) if through else year_start),
            then=Value(through + 1) - ExtractMonth("actual_start"),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
