"""Fund figures, summed in the database, and the fund clocks (`with_clocks`, `clock_of`,
`special_bond_clock`: `bonds.rules.clock` at a day, a fixed number of queries)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from bonds.models import FundApplication, FundClockRule, FundSpending, FundType
from bonds.rules import (
    LIFECYCLE,
    Clock,
    Light,
    clock,
    clock_light_expression,
    spending_progress,
)
from core.formatting import share_spent, share_value
from core.models import MONEY_DIGITS, MONEY_PLACES, money

AMOUNTS = [field for field, _ in LIFECYCLE]
# How the totals can be grouped: (the column grouped on, its heading)
GROUPINGS = {
    "fund_type": ("fund_type", "资金类型"),
    "year": ("year", "年度"),
    "unit": ("project__unit__name", "责任单位"),
}


def fund_totals(
    applications: QuerySet[FundApplication], by: str = "fund_type", *, end: date | None = None
) -> list[dict[str, Any]]:
    """申报/批复/下达/支出 and 支出进度 by type, year or unit, plus a 合计 row.

    Without ``end`` (the funds list) the amounts as recorded, one query. With ``end`` (the
    dashboard and the briefing, beside their dated 支出预警 line) 下达 and 支出 as at the end
    of that day, as `bonds.rules.clock` judges them: 下达 counts an application's 下达金额 only
    when its 下达日期 is on or before ``end`` — one 下达 with no 下达日期 is not counted as 下达
    by any day, as it starts no clock — and 支出 is the sum of the 支出 entries dated on or
    before ``end`` of the applications so counted; 申报, 批复 and 项数 stay as recorded. Two
    queries."""
    column, _ = GROUPINGS[by]
    amounts: dict[str, Any] = {name: Sum(name) for name in AMOUNTS}
    if end is not None:
        amounts["allocated"] = Sum("allocated", filter=Q(allocated_on__lte=end))
        del amounts["spent"]
    grouped = {
        row[column]: row
        for row in applications.order_by().values(column).annotate(count=Count("pk"), **amounts)
    }
    if end is not None:
        given = applications.filter(allocated_on__lte=end).order_by().values("pk")
        spent = (
            FundSpending.objects.filter(application__in=given, spent_on__lte=end)
            .order_by()
            .values(f"application__{column}")
            .annotate(total=Sum("amount"))
        )
        for row in spent:
            grouped[row[f"application__{column}"]]["spent"] = row["total"]
    if by == "fund_type":  # every type has a row, even with nothing applied for
        keys = [(kind.value, kind.label) for kind in FundType]
    else:
        keys = [(key, f"{key}年" if by == "year" else key) for key in sorted(grouped)]
    rows = []
    total: dict[str, Any] = {"label": "合计", "count": 0, **{name: money(None) for name in AMOUNTS}}
    for key, label in keys:
        row = grouped.get(key, {"count": 0})
        line: dict[str, Any] = {"label": label, "count": row["count"]}
        for name in AMOUNTS:
            line[name] = money(row.get(name))
            total[name] += line[name]
        line["progress"] = spending_progress(line["spent"], line["allocated"])
        total["count"] += line["count"]
        rows.append(line)
    total["progress"] = spending_progress(total["spent"], total["allocated"])
    return [*rows, total]


MONEY = DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)


class Hundred(RawSQL):
    """The literal 100.0: a numeric on PostgreSQL, a real on SQLite, whose integer division
    would make 349 of 582 万元 59 % (the application's page says 60.0 %). A constant, so not
    grouped on (PostgreSQL refuses a constant in GROUP BY, where RawSQL would put it)."""

    def __init__(self) -> None:
        super().__init__("100.0", ())

    def get_group_by_cols(self) -> list[Any]:
        return []


def spent_by(end: date) -> Coalesce:
    """An application's 支出 entries dated on or before ``end``, summed (0 with none): an
    aggregate over the join to them, so a list of applications reads them once, grouped, not
    once per row and per mention (the light names it in each of its conditions)."""
    total = Sum("spendings__amount", filter=Q(spendings__spent_on__lte=end))
    # 0 as a number: SQLite is given a Decimal as text, and text compares above any number
    return Coalesce(total, Value(0), output_field=MONEY)


class Held(NamedTuple):
    total: Decimal  # Σ of the entries
    first: date | None  # the earliest entry's day


def entries_held(application_ids: list[int]) -> dict[int, Held]:
    """{application id: Σ of its 支出 entries and the earliest one's day} of those with any
    (one query)."""
    rows = (
        FundSpending.objects.filter(application_id__in=application_ids)
        .order_by()
        .values("application_id")
        .annotate(total=Sum("amount"), first=Min("spent_on"))
    )
    return {row["application_id"]: Held(money(row["total"]), row["first"]) for row in rows}


def with_clocks(applications: QuerySet[FundApplication], *, end: date) -> QuerySet[FundApplication]:
    """``applications`` with their clock at the end of ``end``: ``clock_spent`` (spent by
    then), ``clock_light`` (a `bonds.rules.Light`) and ``clock_share`` (% spent, None without
    money 下达), by `bonds.rules.clock_light_expression`. One query here (the saved rules of
    the rows' years), then the rows' own: grouped on the application, its 支出 entries joined
    once (``applications`` must not join another of its many-valued relations)."""
    rules = FundClockRule.objects.filter(year__in=applications.order_by().values("year"))
    share = Case(
        When(Q(allocated__gt=0), then=F("clock_spent") * Hundred() / F("allocated")),
        default=None,
        output_field=DecimalField(max_digits=30, decimal_places=10),
    )
    return applications.annotate(clock_spent=spent_by(end)).annotate(
        clock_light=clock_light_expression(list(rules), end=end), clock_share=share
    )


def clock_of(application: FundApplication, *, end: date) -> Clock:
    """One application's clock at the end of ``end`` (its page): `bonds.rules.clock`."""
    spent = application.spendings.filter(spent_on__lte=end).aggregate(total=Sum("amount"))
    rule = FundClockRule.for_year(application.year)[application.fund_type]
    return clock(
        rule,
        allocated=application.allocated,
        allocated_on=application.allocated_on,
        spent=money(spent["total"]),
        end=end,
    )


def clock_row(application: FundApplication, *, end: date) -> Clock:
    """The clock of a row of `with_clocks` (days from its 下达日期, its annotations)."""
    light = Light(application.clock_light)  # type: ignore[attr-defined]
    if light == Light.NONE or application.allocated_on is None:
        return Clock(None, None, Light.NONE)
    return Clock(
        (end - application.allocated_on).days,
        application.clock_share,  # type: ignore[attr-defined]
        light,
    )


@dataclass(frozen=True)
class BondClock:
    """专项债券资金支出进度 at a period end: the year's 专项债券 with money 下达 by then, the share of
    it spent by then, and the projects whose 专项债券 clock is yellow or red."""

    allocated: Decimal
    spent: Decimal
    share: Decimal | None
    lit: int
    red: int
    yellow: int

    @property
    def text(self) -> str:
        """专项债券资金支出进度X%，N个项目亮灯（红灯a个、黄灯b个）: the dashboard's and the briefing's."""
        if self.share is None:
            return "专项债券资金尚未下达"
        lights = f"（红灯{self.red}个、黄灯{self.yellow}个）" if self.lit else ""
        return f"专项债券资金支出进度{share_spent(self.share)}，{self.lit}个项目亮灯{lights}"


def special_bond_clock(applications: QuerySet[FundApplication], *, end: date) -> BondClock:
    """`BondClock` over ``applications`` (a year's, within the user's scope): three queries."""
    bonds = with_clocks(applications.filter(fund_type=FundType.SPECIAL_BOND), end=end)
    given = Q(allocated_on__lte=end, allocated__gt=0)
    totals = bonds.aggregate(
        allocated_total=Sum("allocated", filter=given),
        spent_total=Sum("clock_spent", filter=given),
        lit=Count("project", distinct=True, filter=Q(clock_light__gte=Light.YELLOW)),
        red=Count("project", distinct=True, filter=Q(clock_light=Light.RED)),
        yellow=Count("project", distinct=True, filter=Q(clock_light=Light.YELLOW)),
    )
    allocated, spent = money(totals["allocated_total"]), money(totals["spent_total"])
    return BondClock(
        allocated=allocated,
        spent=spent,
        share=spending_progress(spent, allocated),
        lit=totals["lit"],
        red=totals["red"],
        yellow=totals["yellow"],
    )


EXPORT_HEADERS = ("项目代码", "项目名称", "责任单位", "资金类型", "年度", "批次", "申报金额(万元)",
                  "申报日期", "批复金额(万元)", "批复日期", "下达金额(万元)", "下达日期",
                  "支出金额(万元)", "支出截至日期", "支出进度(%)", "下达后天数", "支出预警", "状态",
                  "备注")  # fmt: skip


def export_rows(applications: QuerySet[FundApplication], *, end: date) -> Iterator[tuple[Any, ...]]:
    """One row per application of `with_clocks` at ``end``, in the list's order (a generator:
    the renderer writes it); 支出进度, 下达后天数 and 支出预警 are the clock's, as on the list."""
    for f in applications.select_related("project__unit").order_by("-year", "project__code"):
        ticking = clock_row(f, end=end)
        yield (
            f.project.code, f.project.name, f.project.unit.name, f.get_fund_type_display(),
            f.year, f.batch, f.requested, f.applied_on, f.approved, f.approved_on, f.allocated,
            f.allocated_on, f.spent, f.spent_on,
            share_value(f.clock_share), ticking.days,  # type: ignore[attr-defined]
            "" if ticking.light == Light.NONE else ticking.label, f.get_status_display(), f.note,
        )  # fmt: skip


def totals_headers(heading: str) -> tuple[str, ...]:
    return (heading, "项数", "申报(万元)", "批复(万元)", "下达(万元)", "支出(万元)", "支出进度(%)")


def totals_rows(totals: list[dict[str, Any]]) -> Iterator[tuple[Any, ...]]:
    for t in totals:
        progress = t["progress"]
        yield (
            t["label"], t["count"], *(t[name] for name in AMOUNTS),
            share_value(progress),
        )  # fmt: skip


# (field, its label in a change line)
CLOCK_FIELDS = (("yellow_days", "黄灯天数"), ("yellow_share", "黄灯支出进度(%)"),
                ("red_days", "红灯天数"), ("red_share", "红灯支出进度(%)"))  # fmt: skip


def clock_rules_years(shown: int, today_year: int) -> list[int]:
    """The years 资金支出预警规则 offers: those with applications or saved rules, the one shown,
    this year and the next."""
    years = set(FundApplication.objects.order_by().values_list("year", flat=True).distinct())
    years |= set(FundClockRule.objects.order_by().values_list("year", flat=True).distinct())
    return sorted(years | {shown, today_year, today_year + 1}, reverse=True)


def _shown(value: object) -> str:
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


def clock_rules_history(year: int, *, limit: int = 50) -> list[tuple[Any, list[str]]]:
    """The year's clock rule changes, newest first, each with what it changed (a rule's first
    save compared with its default). One query."""
    records = FundClockRule.history.filter(year=year).select_related("history_user")
    previous: dict[int, Any] = {}
    rows = []
    for record in records.order_by("history_id"):
        before = previous.get(record.id) or FundClockRule.default(record.year, record.fund_type)
        changes = [
            f"{label}：{_shown(getattr(before, name))} → {_shown(getattr(record, name))}"
            for name, label in CLOCK_FIELDS
            if getattr(before, name) != getattr(record, name)
        ]
        rows.append((record, changes))
        previous[record.id] = record
    return rows[::-1][:limit]
