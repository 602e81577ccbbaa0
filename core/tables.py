from decimal import Decimal
from typing import Any

import django_tables2 as tables

from core import formatting

# Shared by every list table (rendered by templates/partials/table.html).
NUM = {"th": {"class": "num"}, "td": {"class": "num"}}


def cell(label: str, css: str = "nowrap") -> dict:
    """A cell that, on a phone, stands under its label (``.table.stacked``)."""
    return {"td": {"class": css, "data-label": label}}


# A name that links to its page: kept at least 9em wide, so a phone does not wrap it to a column
# of two characters.
NAME = {"td": {"class": "name"}}


class WanColumn(tables.Column):
    """An amount in 万元, right-aligned, through the one formatting helper."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", NUM)
        super().__init__(*args, **kwargs)

    def render(self, value: Decimal | None) -> str:
        return formatting.wan(value)


class PercentColumn(tables.Column):
    """A rate in percent with a page's one decimal; "—" for no rate."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", NUM)
        super().__init__(*args, **kwargs)

    def render(self, value: Decimal | None) -> str:
        return formatting.percent(value)
