"""The one place that writes amounts, rates and periods for people to read.

An amount is `wan` in a table cell (``3,600.00``: at least two decimals, the stored third and
fourth when they are not zero, so a change of a few 元 shows) or `wan_text` in running text
(``3,600.00万元``): pages, PDFs, messages, the stale-form notice and 数据变更记录
(`core.versioning.change_line`: a money field, known by `core.models.is_money`, is written in
万元 and its label loses the "(万元)"), the ledger's change list, and the 报送 confirmation of
static/js/month-entry.js (the same rule in BigInt). Excel cells keep the number and show it by
the same rule (`core.xlsx.AMOUNT_FORMAT`); a form's input box keeps the plain number
(`investment.services.entry.plain_amount`). Templates reach these through
core/templatetags/figures.py; tests/projects/test_money_format.py greps the code and the
templates for an amount written by hand. The kinds of period are `core.models.PeriodKind`."""

from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from core.models import MONEY_PLACES, PeriodKind

WAN_PER_YI = Decimal(10_000)
CENT = Decimal("0.01")
STORED = Decimal(1).scaleb(-MONEY_PLACES)  # 0.0001 万元, one 元: what an amount can hold


def _half_up(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def wan(amount: Decimal | None) -> str:
    """An amount in 万元 with thousands separators and at least two decimals, more when it
    has them: ``12,345.60``, ``186.375``, ``0.0012``. Every amount a person reads (a table, a
    message, a history line, a PDF) is written by this, and the Excel cells' number format
    (`core.xlsx.AMOUNT_FORMAT`, ``#,##0.00##``) shows the same. Nothing stored is
    rounded away: the stored 4 places are 元, and a change of a few 元 must show in history."""
    if amount is None:
        return "—"
    value = _half_up(amount, str(STORED)).normalize()
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        value = value.quantize(CENT)
    return f"{value:,}"


def wan_text(amount: Decimal | None) -> str:
    """An amount in running text, with its unit: ``3,600.00万元`` (``—`` when unknown)."""
    return "—" if amount is None else f"{wan(amount)}万元"


def yi(amount: Decimal | None, places: str = "0.01") -> str:
    """An amount held in 万元, written in 亿元: ``43.00``."""
    if amount is None:
        return "—"
    return f"{_half_up(amount / WAN_PER_YI, places):,}"


def prose(amount: Decimal | None) -> str:
    """An amount in a document's running text, as the seeds write them (43.0亿元, 115.4亿元,
    10万元): from 1 亿元 up in 亿元 with one decimal (16.2亿元); below it in whole 万元 with
    thousands separators (8,520万元), so a small sum never reads 0.0亿元; below 1 万元 with two
    decimals (0.50万元). One rule for every section of the briefing, so one sentence
    never says 5.6亿元 beside 10,704.00万元."""
    if amount is None:
        return "—"
    if amount >= WAN_PER_YI:
        return f"{yi(amount, '0.1')}亿元"
    # whole 万元 from 1 up; below, up to two decimals
    places = "1" if amount >= 1 else "0.01"
    return wan_text(_half_up(amount, places).normalize()).replace(".00万元", "万元")


def percent(rate: Decimal | None, places: str = "0.1") -> str:
    """A rate already in percent: ``30.8%``."""
    if rate is None:
        return "—"
    return f"{_half_up(rate, places)}%"


# A fund's share spent is shown to one decimal, cut, never rounded: 59.97 % reads 59.9 %, not
# 60.0 % beside a red light whose edge is 60 %. The clock rules take their edges to one decimal
# (`bonds.services.clock_rules_save`), so a share shown is below an edge exactly when it is.
SHARE_PLACES = Decimal("0.1")
NOT_ALLOCATED = "未下达"


def share_value(rate: Decimal | None) -> Decimal | None:
    """A share spent (%) as it is shown and exported: cut to one decimal (`share_spent`)."""
    return None if rate is None else rate.quantize(SHARE_PLACES, rounding=ROUND_DOWN)


def share_spent(rate: Decimal | None) -> str:
    """支出进度 of a fund (an application, a type's total, the 专项债券 line): ``59.9%`` cut to
    one decimal (`share_value`), ``0.0%`` when money was 下达 and none spent, ``未下达`` when
    none was 下达 (``rate`` None, `bonds.rules.spending_progress`). Every page, the briefing
    and the exports write it by this."""
    if rate is None:
        return NOT_ALLOCATED
    return f"{share_value(rate)}%"


def points(pp: Decimal | None, places: str = "0.1") -> str:
    """Percentage points with their direction: ``超序时进度5.8个百分点``."""
    if pp is None:
        return "—"
    rounded = _half_up(pp, places)
    if rounded < 0:
        return f"滞后序时进度{-rounded}个百分点"
    return f"超序时进度{rounded}个百分点"


QUARTER_NAMES = ("一", "二", "三", "四")


def quarter_name(quarter: int) -> str:
    """一季度 … 四季度, as the office writes them (seed 002's 一季度)."""
    return f"{QUARTER_NAMES[quarter - 1]}季度"


# The quarter pickers of the briefing and notice forms.
QUARTER_CHOICES = [(quarter, quarter_name(quarter)) for quarter in range(1, 5)]


def period_label(*, year: int, kind: str, month: int) -> str:
    """How a document names the period its figures run through (month ``month``):
    2026年1–5月 (2026年1月), 2026年三季度 (the quarter month ``month`` is in), 2026年度.
    The briefing's and the notice's titles and the briefing page say it this way."""
    if kind == PeriodKind.QUARTER:
        return f"{year}年{quarter_name((month + 2) // 3)}"
    if kind == PeriodKind.YEAR:
        return f"{year}年度"
    return f"{year}年1月" if month == 1 else f"{year}年1–{month}月"


PERIOD_WORDS = {PeriodKind.MONTH: "本月", PeriodKind.QUARTER: "本季度", PeriodKind.YEAR: "本年度"}


def as_of_text(as_of: date, *, month_end: bool) -> str:
    """The day figures run through, as running text says 截至…: ``11月底`` at a month's end,
    ``12月7日`` on a day inside a month (a period that has not ended)."""
    return f"{as_of.month}月底" if month_end else f"{as_of.month}月{as_of.day}日"


def as_of_day(as_of: date, *, month_end: bool) -> str:
    """The day figures are judged at, as a page's 截至… says it with its year: ``2026年11月末``
    at a month's end, ``2026年12月7日`` on a day inside a month (a period not ended)."""
    return f"{as_of.year}年{as_of.month}月末" if month_end else day(as_of)


def unfinished_note(*, kind: str, as_of: date) -> str:
    """What a document says of a period that has not ended yet: 本季度尚未结束，数据截至12月7日."""
    return f"{PERIOD_WORDS[PeriodKind(kind)]}尚未结束，数据截至{as_of.month}月{as_of.day}日"


def day(value: date | None) -> str:
    """A date as every page and PDF a person reads writes it: ``2026年8月5日`` (``—`` when
    unknown). Tables and facts alike, so one page never mixes 2028-12-28 with 2026年8月5日."""
    return "—" if value is None else f"{value.year}年{value.month}月{value.day}日"
