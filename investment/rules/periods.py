"""Which reporting month is due, and when a month can be sent (DESIGN.md §3 "Due day", "The
period that is due" and "The 报送 window").

Month m's report is due on the year's due day of month m+1 (December's in January of the
next year) and counts as on time through the end of that day. Two different months follow:

- the **month being reported** (``reporting_month``): the month that ended last. Reporters
  fill it in and the office reviews it until its due day, and after it as late reports;
- the **period that is due** (``due_period``): the latest month whose due day has passed, or
  the latest month the office has locked, whichever is later. Every page, export, PDF and
  notice opens at it when no period is asked for (``due_of_kind``, ``due_month_of_year``), so
  changing the due day never moves the pages back behind a month the office has closed. Only
  the months whose due day has passed expect reports (``due_through``: I5's expected reports,
  未报送, the board's red cells): a locked month does not make a report late before its day.

A third date belongs to a month: its **报送 window** opens on the year's 报送开始日 of the month
itself (``window_opens``, the 20th by default). Drafts may be saved at any time; sending,
approving and locking wait for it (``window_refusal``, which the services raise and the pages
ask before offering).

``today`` is always a parameter, so the rule tests on a frozen calendar.
"""

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.http import Http404
from django.utils import timezone

from core.models import PeriodKind
from core.params import YEAR_MAX, YEAR_MIN
from investment.models import ReportingPeriod, YearSettings


def due_date(year: int, month: int, due_day: int) -> date:
    """The day month ``month``'s report is due: the due day of the next month."""
    return date(year + 1, 1, due_day) if month == 12 else date(year, month + 1, due_day)


def is_due(year: int, month: int, *, today: date, due_day: int | None = None) -> bool:
    """Whether month ``month``'s due day has passed (it ends at midnight after the day)."""
    if due_day is None:
        due_day = YearSettings.for_year(year).due_day
    return today > due_date(year, month, due_day)


def window_opens(year: int, month: int, *, start_day: int | None = None) -> date:
    """The day month ``month``'s reports can be sent from (DESIGN.md §3 "The 报送 window"): the
    year's 报送开始日 of that month (the 20th by default). Drafts may be saved at any time."""
    if start_day is None:
        start_day = YearSettings.for_year(year).submit_start_day
    return date(year, month, start_day)


def window_open(year: int, month: int, *, today: date | None = None) -> bool:
    """Whether month ``month``'s reports can be sent, approved and the month locked now."""
    return (today or timezone.localdate()) >= window_opens(year, month)


def window_note(year: int, month: int) -> str:
    """What the month page says: 11月报表可于11月20日起报送."""
    opens = window_opens(year, month)
    return f"{month}月报表可于{opens.month}月{opens.day}日起报送"


def window_refusal(year: int, month: int, *, doing: str, today: date | None = None) -> str:
    """Why month ``month`` cannot be ``doing`` (报送, 审核通过, 锁定) yet; "" once its window is
    open. The services refuse with it; the pages do not offer what it refuses."""
    opens = window_opens(year, month)
    if (today or timezone.localdate()) >= opens:
        return ""
    when = f"{opens.year}年{opens.month}月{opens.day}日"
    if doing == "报送":
        return f"{year}年{month}月报表自{when}起才能报送，现在可以先保存草稿。"
    return f"{year}年{month}月报表自{when}起才能报送，报送开始前不能{doing}该月报表。"


def _previous(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def reporting_month(today: date) -> tuple[int, int]:
    """The month being reported now: the latest month that has ended."""
    return _previous(today.year, today.month)


def latest_locked() -> tuple[int, int] | None:
    """The latest month the office has locked (one query), None before the first lock."""
    return (
        ReportingPeriod.objects.filter(locked_at__isnull=False)
        .order_by("-year", "-month")
        .values_list("year", "month")
        .first()
    )


def due_period(
    today: date | None = None, *, settings: YearSettings | None = None
) -> tuple[int, int]:
    """The period every page opens at (DESIGN.md §3): the latest month whose due day has
    passed, or the latest month the office has locked, whichever is later (two queries).

    On 2 December with due day 5 that is October; from 6 December, November; and November
    from the day the office locks it, whatever the due day. December's report is due in
    January under December's year settings. ``settings``: a year's settings to judge by
    instead of the saved ones (年度设置's preview of an unsaved due day).
    """
    today = today or timezone.localdate()
    year, month = reporting_month(today)
    due_day = settings.due_day if settings is not None and settings.year == year else None
    # The month before was due in the month that has just ended (due days are 1–28).
    by_due_day = (
        (year, month)
        if is_due(year, month, today=today, due_day=due_day)
        else _previous(year, month)
    )
    locked = latest_locked()
    return max(by_due_day, locked) if locked else by_due_day


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


def due_month_of_year(
    year: int, today: date | None = None, *, settings: YearSettings | None = None
) -> int | None:
    """The month of ``year`` its pages judge at when none is asked (the 预警规则 counts, the
    年度设置 preview): the period that is due when it is in ``year``, December for a year that
    is over, None for a year with no month due yet."""
    due_year, due_month = due_period(today, settings=settings)
    if year < due_year:
        return 12
    return due_month if year == due_year else None


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


def deadline_shown(deadline: datetime) -> dict[str, Any]:
    """The last minute of the due day to show, and whether it has passed."""
    return {
        "due": timezone.localtime(deadline) - timedelta(seconds=1),
        "overdue": timezone.now() >= deadline,
    }
