"""The fund-application lifecycle's amount rules (each step cannot exceed the one before), and
the fund clocks (`clock`, `clock_light_expression`)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.lookups import LessThan

from bonds.models import FundClockRule, FundType
from core.formatting import wan_text

# requested → approved → allocated → spent
LIFECYCLE = (
    ("requested", "申报金额"),
    ("approved", "批复金额"),
    ("allocated", "下达金额"),
    ("spent", "支出金额"),
)


def amount_problems(amounts: dict[str, Decimal | None]) -> list[tuple[str, str]]:
    """(field, reason) for each amount above the nearest earlier step that is filled in.

    批复 ≤ 申报, 下达 ≤ 批复, 支出 ≤ 下达; a blank step is skipped (支出 is then compared
    with 批复, or with 申报), since clerks often fill in only what they know.
    """
    problems = []
    for index, (field, label) in enumerate(LIFECYCLE[1:], start=1):
        value = amounts.get(field)
        if value is None:
            continue
        earlier = [
            (lab, amount) for f, lab in LIFECYCLE[:index] if (amount := amounts.get(f)) is not None
        ]
        if earlier:
            before_label, before = earlier[-1]
            if value > before:
                problems.append(
                    (
                        field,
                        f"{label}（{wan_text(value)}）不能大于{before_label}（{wan_text(before)}）",
                    )
                )
    return problems


def spending_progress(spent: Decimal | None, allocated: Decimal | None) -> Decimal | None:
    """支出进度 = spent / allocated × 100, in percent; None when nothing was allocated."""
    if not allocated:
        return None
    return (spent or Decimal(0)) * 100 / allocated


NOT_ALLOCATED = (
    "该资金申报尚未填写下达金额，不能登记支出；请先在“编辑 / 登记进度”中填写下达金额和下达日期"
)


def spending_closed(
    *, allocated: Decimal | None, allocated_on: date | None, spent: Decimal | None, today: date
) -> str | None:
    """Why no 支出 entry can be recorded on an application today (None: one can): nothing
    下达, 下达 dated after today (an entry is dated from 下达 to today), or all of it spent.
    The page offers 登记支出 exactly when this is None; `bonds.services.spending_record`
    refuses with it."""
    if allocated is None:
        return NOT_ALLOCATED
    if (later := allocated_later(allocated_on, today)) is not None:
        return later
    if (spent or Decimal(0)) >= allocated:
        return f"下达金额（{wan_text(allocated)}）已全部支出，不能再登记支出"
    return None


def allocated_later(allocated_on: date | None, today: date) -> str | None:
    """Why no 支出 can be dated ``today`` (None: it can): its money is 下达 later."""
    if allocated_on is not None and allocated_on > today:
        return f"下达日期（{allocated_on}）晚于今天（{today}），到下达日期后才能登记支出"
    return None


def spending_day_problem(
    day: date, *, allocated_on: date | None, today: date, label: str = "支出日期"
) -> str | None:
    """Why a 支出 entry cannot be dated ``day`` (None: it can): after today, or before its
    money was 下达 (a 下达日期 after today: not yet). 资金申报's form writes the 支出金额 it is
    given as such an entry and refuses with it."""
    if day > today:
        return f"{label}（{day}）不能晚于今天（{today}）"
    if (later := allocated_later(allocated_on, today)) is not None:
        return later
    if allocated_on is not None and day < allocated_on:
        return f"{label}（{day}）不能早于下达日期（{allocated_on}）"
    return None


def allocation_after_spending(allocated_on: date | None, first_spent: date | None) -> str | None:
    """Why ``allocated_on`` cannot be the 下达日期 of an application whose earliest 支出 entry is
    dated ``first_spent`` (None: it can): money is not spent before it is 下达. The 资金申报 page
    and the ledger's 资金申报 sheet refuse with it."""
    if allocated_on is not None and first_spent is not None and allocated_on > first_spent:
        return f"下达日期（{allocated_on}）不能晚于已登记的最早一笔支出（{first_spent}）"
    return None


def derived_status(amounts: dict[str, Any]) -> str:
    """The status the amounts give: the furthest step with an amount filled in."""
    for field, status in (("spent", "spent"), ("allocated", "allocated"), ("approved", "approved")):
        if amounts.get(field) is not None:
            return status
    return "applied"


# 状态 follows the amounts unless a person chose one. No flag is stored: a stored status equal
# to what its amounts give is one that follows them (the edit form shows 按已填金额自动判断),
# any other was chosen and is kept (the form shows it selected). So an edit form saved as
# shown, and an exported row imported back, give the stored status again and write nothing.


def status_choice(status: str, amounts: dict[str, Any]) -> str:
    """What a stored application's 状态 is: "" when it follows ``amounts``, else the status
    a person chose."""
    return "" if status == derived_status(amounts) else status


def resulting_status(choice: str, amounts: dict[str, Any]) -> str:
    """The status to store: the one chosen, or ("") the one ``amounts`` give."""
    return choice or derived_status(amounts)


def status_problem(status: str, amounts: dict[str, Any]) -> str | None:
    """Why ``status`` cannot go with ``amounts`` (None: it can)."""
    if status == "rejected" and any(amounts.get(field) is not None for field, _ in LIFECYCLE[1:]):
        return "状态为“未获批”的申报不应填写批复、下达或支出金额"
    return None


# (date field, its label, the amount it goes with)
STEP_DATES = (
    ("applied_on", "申报日期", "requested"),
    ("approved_on", "批复日期", "approved"),
    ("allocated_on", "下达日期", "allocated"),
    ("spent_on", "支出截至日期", "spent"),
)


def date_problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    """A step's date needs its amount, and no step is dated before an earlier step."""
    problems = []
    labels = dict(LIFECYCLE)
    previous = None
    for field, label, amount in STEP_DATES:
        day = values.get(field)
        if day is None:
            continue
        if values.get(amount) is None:
            problems.append((field, f"填写了{label}，但未填写{labels[amount]}"))
        if previous and day < previous[0]:
            problems.append((field, f"{label}（{day}）不能早于{previous[1]}（{previous[0]}）"))
        previous = (day, label)
    return problems


# Fund clocks (DESIGN.md §3): for an application with money 下达, the days since its 下达日期 and
# the share spent at a period end, judged by its year's and type's `bonds.models.FundClockRule`.
# Written twice side by side, in Python (one application) and as a database condition (lists,
# counts, the dashboard); tests/bonds/test_fund_clock.py holds the two to the same answers.


DAYS_MAX = 3650  # a clock rule's days: ten years at most (forms and `clock_rules_save`)


class Light(models.IntegerChoices):
    """A fund clock's light, ordered by severity (the list sorts by it)."""

    NONE = 0, "未下达"
    GREEN = 1, "正常"
    YELLOW = 2, "黄灯"
    RED = 3, "红灯"


LIT = (Light.YELLOW, Light.RED)
# A light as drawn (templates/bonds/_clock_light.html: the colour and its word, never colour alone)
LIGHT_CSS = {Light.NONE: "none", Light.GREEN: "green", Light.YELLOW: "yellow", Light.RED: "red"}


@dataclass(frozen=True)
class Clock:
    """An application's clock at a day: days since 下达 (None: no clock), share spent (%)."""

    days: int | None
    share: Decimal | None
    light: Light

    @property
    def label(self) -> str:
        return Light(self.light).label

    @property
    def css(self) -> str:
        return LIGHT_CSS[Light(self.light)]


NO_CLOCK = Clock(None, None, Light.NONE)


def clock(
    rule: FundClockRule,
    *,
    allocated: Decimal | None,
    allocated_on: date | None,
    spent: Decimal | None,
    end: date,
) -> Clock:
    """The clock at the end of ``end``: no clock without money 下达 on or before ``end``;
    else red when ``rule.red_days`` or more days have passed and less than ``red_share`` %
    is spent, yellow likewise, green otherwise. ``spent`` is what was spent by ``end``."""
    if not allocated or allocated_on is None or allocated_on > end:
        return NO_CLOCK
    days = (end - allocated_on).days
    share = (spent or Decimal(0)) * 100 / allocated
    light = Light.GREEN
    if days >= rule.red_days and share < rule.red_share:
        light = Light.RED
    elif days >= rule.yellow_days and share < rule.yellow_share:
        light = Light.YELLOW
    return Clock(days, share, light)


def no_clock(*, allocated: Decimal | None, allocated_on: date | None, end: date) -> str:
    """Why `clock` gives no clock at the end of ``end``, in a clerk's words ("" when it gives
    one): the application's page says it instead of a bare —."""
    if not allocated:
        return "未下达，不计时"
    if allocated_on is None:
        return "未填写下达日期，不计时；请在“编辑 / 登记进度”中填写"
    if allocated_on > end:
        return f"下达日期（{allocated_on}）在截至日之后，尚未计时"
    return ""


def clock_light_expression(
    saved: Iterable[FundClockRule], *, end: date, spent: str = "clock_spent"
) -> Case:
    """`clock`'s light as a database expression over an application, ``spent`` naming the
    annotation that holds what was spent by ``end`` (0 when nothing). ``saved``: the rules
    saved for the years the rows may have (more do no harm); a (year, 资金类型) with none saved
    is judged by its type's default, as `FundClockRule.for_year` gives it."""

    def below(share: Decimal) -> LessThan:
        # spent / allocated × 100 < share, without a division (SQLite divides integers whole)
        return LessThan(F(spent) * 100, F("allocated") * share)

    def passed(days: int) -> Q:
        return Q(allocated_on__lte=end - timedelta(days=days))

    def lights(rule: FundClockRule, key: Q) -> list[When]:
        return [
            When(key & passed(rule.red_days) & below(rule.red_share), then=Value(Light.RED)),
            When(
                key & passed(rule.yellow_days) & below(rule.yellow_share), then=Value(Light.YELLOW)
            ),
        ]

    whens = [
        When(
            Q(allocated__isnull=True) | Q(allocated=0) | Q(allocated_on__isnull=True),
            then=Value(Light.NONE),
        ),
        When(allocated_on__gt=end, then=Value(Light.NONE)),
    ]
    saved_years: dict[str, set[int]] = {}
    for rule in saved:
        saved_years.setdefault(rule.fund_type, set()).add(rule.year)
        whens += lights(rule, Q(year=rule.year, fund_type=rule.fund_type))
    for fund_type in FundType.values:  # the defaults, for the years with none saved
        years = sorted(saved_years.get(fund_type, ()))
        key = Q(fund_type=fund_type) & ~Q(year__in=years) if years else Q(fund_type=fund_type)
        whens += lights(FundClockRule.default(0, fund_type), key)
    return Case(*whens, default=Value(Light.GREEN), output_field=IntegerField())
