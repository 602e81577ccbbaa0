"""三个一批's terms and rates (DESIGN.md §3), each defined once.

At a period end, 签约率 = the projects listed under 签约 with a 签约日期 on or before it / the
projects listed under 签约 × 100; 开工率 the same with 实际开(复)工日期 for those under 开工; 投产率
with 投产日期 for those under 投产. A batch (or a unit) with none listed under a kind has no rate
for it: None, which every page, PDF and workbook writes as —.

A listed project's date of the kind is ``achieved_on`` (an expression over `BatchEntry` rows).
A listing is done by a day when that date is on or before it (``done_q`` in a query, ``is_done``
for one row, held equal by tests/batches/test_rates.py), and on time when it is on or before its
目标日期.

开工 (pinned, issue 25): a project has an 实际开(复)工日期 on each of its plan rows (one per year's
list); the one that counts is the earliest non-blank 实际开(复)工日期 of all its plan rows (any
year's, a replaced row's too), and the project has started at a period end when that date is on
or before the period end. So a continuing project's later 复工 dates never move its 开工, and a
project with one row started before the period end and another after it has started (on the
earlier date). ``started_on`` is this date; the pages' 口径 note (`templates/batches/_basis.html`)
says it in the clerks' words.
"""

import re
from datetime import date
from decimal import Decimal

from django.db.models import Case, DateField, F, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import Expression

from batches.models import Kind
from projects.models import AnnualPlan

HUNDRED = Decimal(100)

# What each rate is called, in the kinds' order.
RATE_NAMES = {Kind.SIGN: "签约率", Kind.START: "开工率", Kind.PRODUCE: "投产率"}
DONE_WORDS = {Kind.SIGN: "已签约", Kind.START: "已开工", Kind.PRODUCE: "已投产"}
NOT_DONE_WORDS = {Kind.SIGN: "未签约", Kind.START: "未开工", Kind.PRODUCE: "未投产"}


def started_on() -> Subquery:
    """A project's 开工 date (from a BatchEntry): the earliest non-blank 实际开(复)工日期 of its
    plan rows; it is on or before a period end exactly when any of them is (the module's 开工)."""
    starts = AnnualPlan.objects.filter(project=OuterRef("project"), actual_start__isnull=False)
    return Subquery(starts.order_by("actual_start").values("actual_start")[:1])


def achieved_on() -> Expression:
    """The date of a `BatchEntry`'s kind for its project: 签约日期, 开工 (``started_on``) or
    投产日期; null when not given."""
    return Case(
        When(kind=Kind.SIGN, then=F("project__signed_on")),
        When(kind=Kind.START, then=started_on()),
        When(kind=Kind.PRODUCE, then=F("project__production_on")),
        default=Value(None),
        output_field=DateField(),
    )


def done_q(end: date) -> Q:
    """Rows annotated with ``achieved_on`` done by the end of ``end``."""
    return Q(achieved_on__lte=end)


def is_done(achieved: date | None, end: date) -> bool:
    """``done_q`` for one row."""
    return achieved is not None and achieved <= end


def is_on_time(achieved: date | None, target: date | None) -> bool | None:
    """Done on or before its 目标日期 (None: no 目标日期 given, or not done)."""
    if achieved is None or target is None:
        return None
    return achieved <= target


def rate(done: int, listed: int) -> Decimal | None:
    """签约率 / 开工率 / 投产率 of a set of listings: done / listed × 100, exact; None (—) when
    none is listed."""
    if not listed:
        return None
    return Decimal(done) * HUNDRED / Decimal(listed)


def batch_order(prefix: str = "") -> list[str]:
    """The one order batches are listed in (the 三个一批 page, the dashboard, the briefing, its
    workbook, a project's page): the latest year first, and within a year in the order they
    were issued (第一期 … 第四期, by quarter, then name). ``prefix`` reaches a batch from a
    listing (``"batch__"``)."""
    return [f"-{prefix}year", f"{prefix}quarter", f"{prefix}name"]


def target_date_problem(target: date | None, batch_year: int) -> str | None:
    """Why a listing's 目标日期 cannot be kept (None: it can): never before the batch's year,
    since a batch of 2026 asks for what is to be done from 2026 on (the form, the service and
    the ledger's sheet 三个一批 say the same)."""
    if target is not None and target.year < batch_year:
        return (
            f"目标日期{target:%Y-%m-%d}早于期次所在的{batch_year}年，"
            f"请填写{batch_year}年1月1日或以后的日期"
        )
    return None


# 期次 as offices write them: 2026年第二期, 2026年第2批, 2026年二季度 …: the year and the quarter.
NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
BATCH_NAME = re.compile(r"^(\d{4})年(?:第)?([一二三四1-4])(?:期|批|季度)$")
NAME_EXAMPLE = "2026年第二期"


def batch_place(name: str) -> tuple[int, int] | None:
    """(year, quarter) a 期次's name says (2026年第二期 → 2026, 2), or None when it says neither."""
    found = BATCH_NAME.match(name.strip())
    if found is None:
        return None
    return int(found[1]), NUMERALS[found[2]]


def batch_name(year: int, quarter: int) -> str:
    """The name a batch of ``year`` and ``quarter`` is given by default: 2026年第二期."""
    return f"{year}年第{'一二三四'[quarter - 1]}期"
