"""Numbers from a request: the one way a page reads a number, a year, a month, an id or a page
size from its query string (or a posted field that is not a form's), and the one home of the
ranges they must fall in.

A value is a whole number written in ASCII digits (``"12"``, ``" 12 "``), nothing else: ``²``
and ``١٢`` (which pass ``str.isdigit()``), ``-1``, ``1e5``, ``NaN``, ``1_000``, a NUL, twenty
digits are not. A value outside its range is not one either. Each reader answers ``None`` for
a value that is absent or not one, and the page goes on as if it had not been given; the page
names a value it ignored (``ignored``, shown with the page's messages) so the person who typed
it knows why the page shows something else. A parameter given twice counts by its last value,
as Django's ``QueryDict.get`` reads it.

Form fields take their ranges from here too (``year_field``, ``INT_MAX``): every integer a form
takes fits a 32-bit PostgreSQL ``integer`` column and SQLite's.
"""

import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, QueryDict

YEAR_MIN, YEAR_MAX = 2000, 2100  # the years a plan, a report, a setting or a page may name
# What a form, a service or a command says of a year outside them.
YEAR_PROBLEM = f"年度应为{YEAR_MIN}–{YEAR_MAX}之间的四位年份"
# The largest value of PostgreSQL's ``integer`` (Django's IntegerField and PositiveIntegerField
# there; SQLite stores 64 bits): any integer a form or a query string gives stays within it.
INT_MAX = 2**31 - 1
PER_PAGE_MAX = 200  # the most rows a list shows on one page, whatever ?per_page= asks
SHOWN_LENGTH = 20  # how much of an ignored value a message repeats

_WHOLE = re.compile(r"[0-9]{1,10}")  # ASCII digits only; ten are enough for INT_MAX


def whole_number(raw: object, *, low: int = 0, high: int = INT_MAX) -> int | None:
    """``raw`` (text) as a whole number within [low, high], else None."""
    if not isinstance(raw, str) or not _WHOLE.fullmatch(raw := raw.strip()):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def int_param(
    query: Mapping[str, Any], name: str, *, low: int = 0, high: int = INT_MAX
) -> int | None:
    """``query[name]`` as a whole number within [low, high], else None."""
    return whole_number(query.get(name), low=low, high=high)


def is_year(value: int) -> bool:
    """Whether ``value`` is a year a plan, a report, a setting or a page may name."""
    return YEAR_MIN <= value <= YEAR_MAX


def year_param(query: Mapping[str, Any], name: str = "year") -> int | None:
    return int_param(query, name, low=YEAR_MIN, high=YEAR_MAX)


def month_param(query: Mapping[str, Any], name: str = "month") -> int | None:
    return int_param(query, name, low=1, high=12)


def id_param(query: Mapping[str, Any], name: str) -> int | None:
    """A row's id (a primary key is 1 or more)."""
    return int_param(query, name, low=1)


def id_list(query: QueryDict, name: str) -> list[int]:
    """Every value of ``name`` (ticked boxes) as ids; ValueError when one is not an id."""
    ids = [whole_number(value, low=1) for value in query.getlist(name)]
    if None in ids:
        raise ValueError(f"{name} is not a list of ids")
    return [value for value in ids if value is not None]


def page_size(query: Mapping[str, Any], *, default: int, name: str = "per_page") -> int:
    """The rows a list shows on a page: ``?per_page=`` when it is a whole number from 1,
    at most PER_PAGE_MAX (a larger one is taken as PER_PAGE_MAX), else the list's own."""
    asked = int_param(query, name, low=1, high=INT_MAX)
    return min(asked, PER_PAGE_MAX) if asked is not None else default


def given(query: Mapping[str, Any], name: str) -> str:
    """What was sent for ``name`` (its last value, stripped; "" when absent)."""
    raw = query.get(name)
    return raw.strip() if isinstance(raw, str) else ""


def shown(raw: str) -> str:
    """A typed value as a message repeats it: printable, and not a page long."""
    text = "".join(ch if ch.isprintable() else "?" for ch in raw)
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH] + "…"


def ignored(request: HttpRequest, label: str, raw: str, instead: str = "") -> None:
    """Tell the person that a value they sent was not used (and what the page shows instead)."""
    messages.warning(request, f"{label}“{shown(raw)}”无效，{instead or '已忽略'}。")


def note_bad(request: HttpRequest, name: str, value: int | None, *, label: str,
             instead: str = "", query: Mapping[str, Any] | None = None) -> int | None:  # fmt: skip
    """``value``, as a reader took it from ``query[name]`` (the request's query string unless
    given); when something was sent that the reader refused, the page says so (`ignored`)."""
    query = request.GET if query is None else query
    if value is None and given(query, name):
        ignored(request, label, given(query, name), instead)
    return value


def year_field(label: str = "年度", **kwargs: Any) -> forms.IntegerField:
    """The year of a form: four digits within YEAR_MIN–YEAR_MAX, refused in Chinese (its
    number input carries them as ``min`` and ``max``)."""
    problem = YEAR_PROBLEM
    return forms.IntegerField(
        label=label,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={"invalid": problem, "min_value": problem, "max_value": problem},
        **kwargs,
    )


def version_field() -> forms.IntegerField:
    """The hidden version of the row a form showed (0: none yet), so a stale form is refused."""
    return forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=INT_MAX
    )
