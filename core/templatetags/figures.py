"""Template filters over ``core.formatting``: one way to write amounts and rates; and the
years a year input takes (``core.params``)."""

from django import template

from core import formatting, workbooks
from core.params import YEAR_MAX, YEAR_MIN

register = template.Library()


@register.simple_tag
def year_min() -> int:
    """The first year a page's year input takes (`core.params.YEAR_MIN`)."""
    return YEAR_MIN


@register.simple_tag
def year_max() -> int:
    """The last year a page's year input takes (`core.params.YEAR_MAX`)."""
    return YEAR_MAX


@register.filter
def wan(amount):
    return formatting.wan(amount)


@register.filter
def yi(amount):
    return formatting.yi(amount)


@register.filter
def yi1(amount):
    """亿元 with one decimal, as the seeds write amounts in running text (16.2亿元)."""
    return formatting.yi(amount, "0.1")


@register.filter
def prose(amount):
    """An amount in a document's running text: 16.2亿元, 8,520万元 (`core.formatting.prose`)."""
    return formatting.prose(amount)


@register.filter
def day(value, unknown="—"):
    """A date as pages and PDFs write it: 2026年8月5日 (`core.formatting.day`); ``unknown``
    for none (``|day:"未开工"``)."""
    return unknown if value is None else formatting.day(value)


@register.filter
def percent(rate):
    return formatting.percent(rate)


@register.filter
def share_spent(rate):
    """A fund's 支出进度: cut to one decimal, 未下达 when none (`core.formatting.share_spent`)."""
    return formatting.share_spent(rate)


@register.filter
def points(pp):
    return formatting.points(pp)


@register.filter
def behind(pp) -> bool:
    """True when a figure is behind schedule, for colouring."""
    return pp is not None and pp < 0


@register.filter
def row_ref(sheet: str, row: int) -> str:
    """An uploaded sheet's row as every import names it (`core.workbooks.row_ref`)."""
    return workbooks.row_ref(sheet, row)
