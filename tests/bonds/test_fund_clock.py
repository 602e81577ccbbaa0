"""Fund clocks (DESIGN.md §3): days since 下达 and the share spent at a day, yellow and red by
the year's rule for the 资金类型, at their edges on a frozen calendar; the database form equal
to the Python form; dated 支出 entries keep 支出金额 their sum."""

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from bonds.models import FundApplication, FundClockRule, FundSpending, FundType
from bonds.rules import Light, clock
from bonds.selectors import clock_of, special_bond_clock, with_clocks
from bonds.services import (
    ClockRuleEntry,
    clock_rules_save,
    fund_save,
    spending_delete,
    spending_record,
)
from tests import builders

ALLOCATED_ON = date(2026, 1, 1)


@pytest.fixture
def project(cast):
    return builders.project(
        {"项目代码": "ZJ-001", "项目名称": "老旧小区改造", "总投资(万元)": 5000}, listed=False
    )


def bond(project, office, *, spent=None, fund_type=FundType.SPECIAL_BOND, **values):
    return fund_save(
        user=office, project=project, fund_type=fund_type, year=2026, requested=Decimal(100),
        approved=Decimal(100), allocated=Decimal(100), allocated_on=ALLOCATED_ON, spent=spent,
        spent_on=ALLOCATED_ON if spent else None, **values,
    )  # fmt: skip


def light_on(rule, *, days, share, allocated=Decimal(100)):
    spent = allocated * share / 100
    return clock(
        rule, allocated=allocated, allocated_on=ALLOCATED_ON, spent=spent,
        end=ALLOCATED_ON + timedelta(days=days),
    ).light  # fmt: skip


SPECIAL = FundClockRule.default(2026, FundType.SPECIAL_BOND)
CENTRAL = FundClockRule.default(2026, FundType.CENTRAL_BUDGET)


@pytest.mark.parametrize(
    ("days", "share", "light"),
    [(89, Decimal(0), Light.GREEN), (90, Decimal(0), Light.YELLOW), (91, Decimal(0), Light.YELLOW),
     (90, Decimal("29.99"), Light.YELLOW), (90, Decimal(30), Light.GREEN),
     (179, Decimal("59.99"), Light.GREEN), (180, Decimal("59.99"), Light.RED),
     (180, Decimal(60), Light.GREEN), (180, Decimal(10), Light.RED)],
)  # fmt: skip
def test_a_special_bond_turns_yellow_at_90_days_under_30_percent_and_red_at_180_under_60(
    days, share, light
):
    assert light_on(SPECIAL, days=days, share=share) == light


@pytest.mark.parametrize(
    ("days", "share", "light"),
    [(179, Decimal(0), Light.GREEN), (180, Decimal("29.99"), Light.YELLOW),
     (180, Decimal(30), Light.GREEN), (269, Decimal(10), Light.YELLOW),
     (270, Decimal("59.99"), Light.RED), (270, Decimal(60), Light.GREEN)],
)  # fmt: skip
def test_other_types_turn_yellow_at_180_days_and_red_at_270(days, share, light):
    assert light_on(CENTRAL, days=days, share=share) == light


def test_the_defaults_are_design_s_for_every_type():
    rules = FundClockRule.for_year(2026)
    assert [(r.yellow_days, r.yellow_share, r.red_days, r.red_share) for r in rules.values()] == [
        (90, 30, 180, 60) if kind == FundType.SPECIAL_BOND else (180, 30, 270, 60)
        for kind in FundType.values
    ]


def test_no_money_allocated_no_clock_and_none_before_the_allocation_day():
    no_money = clock(
        SPECIAL, allocated=None, allocated_on=ALLOCATED_ON, spent=None, end=date(2027, 1, 1)
    )
    no_day = clock(
        SPECIAL, allocated=Decimal(5), allocated_on=None, spent=None, end=date(2027, 1, 1)
    )
    before = clock(SPECIAL, allocated=Decimal(5), allocated_on=ALLOCATED_ON, spent=None,
                   end=ALLOCATED_ON - timedelta(days=1))  # fmt: skip
    assert {no_money.light, no_day.light, before.light} == {Light.NONE}
    assert no_money.days is None and no_money.share is None


@time_machine.travel(date(2026, 4, 1), tick=False)  # day 90 after 1 January
def test_the_spent_share_at_a_day_counts_only_entries_dated_on_or_before_it(cast, project):
    office = cast.officer
    fund = bond(project, office)
    spending_record(user=office, application=fund, spent_on=date(2026, 2, 1), amount=Decimal(20))
    spending_record(user=office, application=fund, spent_on=date(2026, 3, 31), amount=Decimal(10))

    assert clock_of(fund, end=date(2026, 3, 30)) == clock(
        SPECIAL, allocated=Decimal(100), allocated_on=ALLOCATED_ON, spent=Decimal(20),
        end=date(2026, 3, 30),
    )  # fmt: skip
    assert clock_of(fund, end=date(2026, 3, 30)).share == Decimal(20)
    today = clock_of(fund, end=date(2026, 4, 1))
    assert (today.days, today.share, today.light) == (90, Decimal(30), Light.GREEN)
    fund.refresh_from_db()
    assert (fund.spent, fund.spent_on, fund.status) == (Decimal(30), date(2026, 3, 31), "spent")


@time_machine.travel(date(2026, 4, 1), tick=False)
def test_removing_an_entry_brings_the_total_and_the_light_back(cast, project):
    office = cast.officer
    fund = bond(project, office)
    entry = spending_record(
        user=office, application=fund, spent_on=date(2026, 2, 1), amount=Decimal(30)
    )
    assert clock_of(fund, end=date(2026, 4, 1)).light == Light.GREEN
    fund.refresh_from_db()
    spending_delete(user=office, entry=entry, expected_version=fund.version)

    fund.refresh_from_db()
    assert (fund.spent, fund.spent_on, fund.status) == (None, None, "allocated")
    assert clock_of(fund, end=date(2026, 4, 1)).light == Light.YELLOW
    assert FundSpending.history.count() == 2  # recorded, then removed


@time_machine.travel(date(2026, 4, 1), tick=False)
@pytest.mark.parametrize(
    ("entry", "message"),
    [({"spent_on": date(2026, 4, 2), "amount": Decimal(1)}, "支出日期（2026-04-02）不能晚于今天（2026-04-01）"),
     ({"spent_on": date(2025, 12, 31), "amount": Decimal(1)}, "不能早于下达日期（2026-01-01）"),
     ({"spent_on": date(2026, 2, 1), "amount": Decimal(0)}, "支出金额应大于0"),
     ({"spent_on": date(2026, 2, 1), "amount": Decimal(150)},
      "登记后支出合计（150.00万元）将大于下达金额（100.00万元）")],
)  # fmt: skip
def test_a_bad_entry_is_refused_in_chinese_and_nothing_is_written(cast, project, entry, message):
    fund = bond(project, cast.officer)
    with pytest.raises(ValidationError) as refused:
        spending_record(user=cast.officer, application=fund, **entry)
    assert any(message in m for m in refused.value.messages)
    assert not FundSpending.objects.exists()


@time_machine.travel(date(2026, 4, 1), tick=False)
def test_an_entry_from_a_page_older_than_the_application_is_refused(cast, project):
    office = cast.officer
    fund = bond(project, office)
    shown = fund.version
    spending_record(user=office, application=fund, spent_on=date(2026, 2, 1), amount=Decimal(5),
                    expected_version=shown)  # fmt: skip
    with pytest.raises(ValidationError, match="已被"):
        spending_record(user=office, application=fund, spent_on=date(2026, 2, 1), amount=Decimal(5),
                        expected_version=shown)  # fmt: skip
    assert FundSpending.objects.count() == 1


@time_machine.travel(date(2026, 4, 1), tick=False)
def test_a_total_typed_on_the_form_is_kept_as_the_sum_of_the_entries(cast, project):
    """支出金额 typed as a total: the difference is one adjusting entry dated 支出截至日期 (else
    today); a total below the entries' sum is refused."""
    office = cast.officer
    fund = bond(project, office, spent=Decimal(10))  # dated 1 January
    spending_record(user=office, application=fund, spent_on=date(2026, 2, 1), amount=Decimal(5))
    fund.refresh_from_db()
    values = {f: getattr(fund, f) for f in ("requested", "approved", "allocated", "allocated_on")}
    common = {"user": office, "application": fund, "project": project, "fund_type": fund.fund_type}
    common["year"] = 2026
    fund_save(**common, **values, spent=Decimal(40), expected_version=fund.version)

    entries = list(FundSpending.objects.values_list("spent_on", "amount", "kind"))
    assert entries == [(ALLOCATED_ON, Decimal(10), "adjustment"), (date(2026, 2, 1), Decimal(5), "entry"),
                       (date(2026, 4, 1), Decimal(25), "adjustment")]  # fmt: skip
    fund.refresh_from_db()
    assert (fund.spent, fund.spent_on) == (Decimal(40), date(2026, 4, 1))
    with pytest.raises(ValidationError, match="不能小于已登记的支出明细合计（40.00万元）"):
        fund_save(**common, **values, spent=Decimal(30), expected_version=fund.version)


def test_the_database_form_gives_the_python_form_s_light_on_random_data(cast, project):
    """`with_clocks` (SQL) and `bonds.rules.clock` (Python) agree for every application, with
    rules saved for one year and defaults for another, entries on both sides of the day and on
    the edges (day 90, exactly 30 %)."""
    rng = random.Random(25)
    office = cast.officer
    clock_rules_save(year=2025, user=office, rules=[
        ClockRuleEntry(FundType.SPECIAL_BOND, 30, Decimal("12.5"), 60, Decimal(40)),
        ClockRuleEntry(FundType.LOAN, 0, Decimal(0), 10, Decimal(100)),
    ])  # fmt: skip
    end = date(2026, 6, 30)
    funds = []
    for index in range(60):
        allocated = Decimal(rng.choice([0, 1, 3, 100, 250, 1234]))
        allocated_on = rng.choice(
            [None, end - timedelta(days=rng.choice([-5, 0, 29, 30, 89, 90, 91, 180, 300]))]
        )
        funds.append(FundApplication.objects.create(
            project=project, fund_type=rng.choice(FundType.values), year=rng.choice([2025, 2026]),
            batch=str(index), requested=Decimal(5000), allocated=allocated or None,
            allocated_on=allocated_on, status="allocated",
        ))  # fmt: skip
        for _ in range(rng.randint(0, 3)):
            share = (
                rng.choice([Decimal(10), Decimal("12.5"), Decimal(30), Decimal(40), Decimal(60)])
                / 3
            )
            FundSpending.objects.create(
                application=funds[-1], amount=max(allocated * share / 100, Decimal("0.0001")),
                spent_on=end + timedelta(days=rng.choice([-40, -1, 0, 1])),
            )  # fmt: skip
    rows = with_clocks(FundApplication.objects.all(), end=end)

    lights = {row.pk: row.clock_light for row in rows}
    assert lights == {fund.pk: clock_of(fund, end=end).light for fund in funds}
    assert len(set(lights.values())) == 4  # every light was met
    clocks = {fund.pk: clock_of(fund, end=end) for fund in funds}
    running = {pk for pk, clock in clocks.items() if clock.days is not None}
    shares = {row.pk: percent_shown(row.clock_share) for row in rows if row.pk in running}
    assert shares == {pk: percent_shown(clocks[pk].share) for pk in running}


def percent_shown(share: Decimal | None) -> Decimal | None:
    return None if share is None else share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def test_the_list_shows_the_share_the_page_shows_for_whole_amounts(cast, project):
    """349 of 582 万元 is 60.0 % on the funds list as on the application's page (SQLite
    divided whole numbers as integers: 59)."""
    fund = FundApplication.objects.create(
        project=project, fund_type=FundType.SPECIAL_BOND, year=2026, requested=Decimal(600),
        allocated=Decimal(582), allocated_on=date(2026, 1, 5), status="allocated",
    )  # fmt: skip
    FundSpending.objects.create(application=fund, amount=Decimal(349), spent_on=date(2026, 3, 1))
    end = date(2026, 6, 30)

    (row,) = with_clocks(FundApplication.objects.filter(pk=fund.pk), end=end)

    assert percent_shown(row.clock_share) == percent_shown(clock_of(fund, end=end).share)
    assert percent_shown(row.clock_share) == Decimal("60.0")


@time_machine.travel(date(2026, 7, 1), tick=False)
def test_the_special_bond_figure_counts_the_money_spent_by_the_day_and_the_projects_lit(
    cast, project
):
    office = cast.officer
    other = builders.project(
        {"项目代码": "ZJ-002", "项目名称": "污水管网", "总投资(万元)": 900}, listed=False
    )
    bond(project, office, spent=Decimal(70))  # 181 days, 70 %: green
    bond(other, office, spent=Decimal(20))  # 20 %: red
    bond(other, office, fund_type=FundType.LOAN)  # not a special bond

    figure = special_bond_clock(FundApplication.objects.filter(year=2026), end=date(2026, 6, 30))

    assert (figure.allocated, figure.spent, figure.share) == (
        Decimal(200),
        Decimal(90),
        Decimal(45),
    )
    assert (figure.lit, figure.red, figure.yellow) == (1, 1, 0)
