"""The pinned formulas of DESIGN.md §3 that are plain arithmetic.

Every figure in pages, commands, exports and the PDF goes through these functions, so
a rule is written once. Rates are exact ``Decimal`` values; rounding happens only when
a figure is shown (``for_machine`` / ``for_page``).
"""

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
MACHINE_PLACES = Decimal("0.01")
PAGE_PLACES = Decimal("0.1")


def period_end(year: int, month: int) -> date:
    """The last day of the reporting month: data run through this day."""
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter_end_month(quarter: int) -> int:
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter must be 1–4, got {quarter}")
    return 3 * quarter


def time_progress(month: int) -> Decimal:
    """序时进度 = m / 12 × 100, in percent."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1–12, got {month}")
    return Decimal(month) * HUNDRED / Decimal(12)


def percent(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """numerator / denominator × 100; None when the denominator is zero."""
    if not denominator:
        return None
    return Decimal(numerator) * HUNDRED / Decimal(denominator)


def ahead_pp(completion_rate: Decimal | None, schedule: Decimal) -> Decimal | None:
    """超序时进度 in percentage points; negative means behind schedule."""
    if completion_rate is None:
        return None
    return completion_rate - schedule


def double_half(completion_rate: Decimal | None, month: int) -> bool:
    """双过半: at June, completion rate ≥ 50 while 序时进度 is 50."""
    return month == 6 and completion_rate is not None and completion_rate >= 50


def round_half_up(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def for_machine(value: Decimal | None) -> Decimal | None:
    """Rounded half-up to 2 decimals, as machine output (JSON, Excel) carries rates."""
    return None if value is None else round_half_up(value, MACHINE_PLACES)


def json_number(value: Decimal | None) -> float | None:
    """A figure as a JSON number (the commands' ``--json``): always a float, so a key's type
    never depends on its value (40.0 beside 40.5, not 40)."""
    return None if value is None else float(value)


def for_page(value: Decimal | None) -> Decimal | None:
    """Rounded half-up to 1 decimal, as pages and PDFs write rates (30.8%, 5.8 个百分点)."""
    return None if value is None else round_half_up(value, PAGE_PLACES)


# --- plausibility (ours, not a pinned formula) ------------------------------------------
# A month bringing more than half of the year's plan is rare; far more often it is 元 typed
# where 万元 was asked. The entry page and the review page say so; nothing is refused.
UNUSUAL_MONTH_SHARE = Decimal(50)


def unusual_amount(amount: Decimal, planned: Decimal) -> str:
    """A warning for a month's amount above half of the year's plan, else "" (ours, not
    pinned: usually 元 typed for 万元). Nothing is refused on that ground: the month page saves
    it and says so naming the project, the review page marks the row 请核对, and the ledger
    import lists such 月度投资 rows as ``sheet!row`` notes (`ImportResult.warnings`)."""
    share = percent(amount, planned)
    if share is None or share <= UNUSUAL_MONTH_SHARE:
        return ""
    return f"本月完成投资占年度计划的{for_page(share)}%，请核对金额单位是否为万元"
