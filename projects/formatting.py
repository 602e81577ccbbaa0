"""The one place that writes amounts and rates for people to read."""

from decimal import ROUND_HALF_UP, Decimal

WAN_PER_YI = Decimal(10_000)


def _half_up(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def wan(amount: Decimal | None, places: str = "0.01") -> str:
    """An amount in 万元 with thousands separators: ``12,345.60``."""
    if amount is None:
        return "—"
    return f"{_half_up(amount, places):,}"


def yi(amount: Decimal | None, places: str = "0.01") -> str:
    """An amount held in 万元, written in 亿元: ``43.00``."""
    if amount is None:
        return "—"
    return f"{_half_up(amount / WAN_PER_YI, places):,}"


def percent(rate: Decimal | None, places: str = "0.1") -> str:
    """A rate already in percent: ``30.8%``."""
    if rate is None:
        return "—"
    return f"{_half_up(rate, places)}%"


def points(pp: Decimal | None, places: str = "0.1") -> str:
    """Percentage points with their direction: ``超序时进度5.8个百分点``."""
    if pp is None:
        return "—"
    rounded = _half_up(pp, places)
    if rounded < 0:
        return f"滞后序时进度{-rounded}个百分点"
    return f"超序时进度{rounded}个百分点"
