"""Which reporting month is due (DESIGN.md §3 "Due day" and "The period that is due").

Month m's report is due on the year's due day of month m+1 (December's in January of the
next year) and counts as on time through the end of that day. Two different months follow:

- the **month being reported** (``reporting_month``): the month that ended last. Reporters
  fill it in and the office reviews it until its due day, and after it as late reports;
- the **period that is due** (``due_period``): the latest month whose due day has passed.
  Every page, export, PDF and notice opens at it when no period is asked for, and only the
  months through it expect reports (I5's expected reports, 未报送, the board's red cells).

``today`` is always a parameter, so the rule tests on a frozen calendar.
"""

from collections.abc import Mapping
from datetime import date

from django.http import Http404
from django.utils import timezone

from investment.models import YearSettings
from projects.models import PeriodKind
from projects.params import YEAR_MAX, YEAR_MIN


def due_date(year: int, month: int, due_day: int) -> date:
    """The day month ``month``'s report is due: the due day of the next month."""
    return date(year + 1, 1, due_day) if month == 12 else date(year, month + 1, due_day)


def is_due(year: int, month: int, *, today: date, due_day: int | None = None) -> bool:
    """Whether month ``month``'s due day has passed (it ends at midnight after the day)."""
    if due_day is None:
        due_day = YearSettings.for_year(year).due_day
    return today > due_date(year, month, due_day)


def _previous(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def reporting_month(today: date) -> tuple[int, int]:
    """The month being reported now: the latest month that has ended."""
    return _previous(today.year, today.month)


def due_period(today: date | None = None) -> tuple[int, int]:
    """The latest month whose due day has passed: the period pages open at (one query).

    On 2 December with due day 5 that is October; from 6 December, November. December's
    report is due in January under December's year settings.
    """
    today = today or timezone.localdate()
    year, month = reporting_month(today)
    if is_due(year, month, today=today):
        return year, month
    # The month before was due in the month that has just ended (due days are 1–28).
    return _previous(year, month)


def due_through(year: int, month: int, *, today: date, due_day: int) -> int:
    """The last month of 1..``month`` of ``year`` whose due day has passed; 0 if none has.

    Reports are expected (I5, 未报送) only for months up to this one.
    """
    for candidate in range(month, 0, -1):
        if today > due_date(year, candidate, due_day):
            return candidate
    return 0


def due_quarter(today: date | None = None) -> tuple[int, int]:
    """The latest quarter whose last month is due: (year, quarter)."""
    year, month = due_period(today)
    if month < 3:
        return year - 1, 4
    return year, month // 3


def due_year(today: date | None = None) -> int:
    """The latest year whose December is due."""
    year, month = due_period(today)
    return year if month == 12 else year - 1


def due_of_kind(kind: str, today: date | None = None) -> tuple[int, int]:
    """The period of ``kind`` that is due, as (year, the month its figures run through): the
    month that is due, the latest quarter whose last month is due, or the latest year whose
    December is due. Every page taking ``?kind=`` opens at it when no period is asked for."""
    if kind == PeriodKind.QUARTER:
        year, quarter = due_quarter(today)
        return year, 3 * quarter
    if kind == PeriodKind.YEAR:
        return due_year(today), 12
    return due_period(today)


def kind_asked(query: Mapping[str, str]) -> str:
    """``?kind=`` as a PeriodKind (a month when absent or unknown). The rankings page said
    ``annual`` before it took PeriodKind's ``year``; old bookmarks still mean the year."""
    kind = query.get("kind")
    if kind == "annual":
        return PeriodKind.YEAR
    return kind if kind in PeriodKind.values else PeriodKind.MONTH


def month_or_404(year: int, month: int) -> None:
    """A month in a page's address (月度填报, 报表审核) that cannot be one is not found."""
    if not (YEAR_MIN <= year <= YEAR_MAX and 1 <= month <= 12):
        raise Http404("没有这个月份")
