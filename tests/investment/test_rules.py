"""The pinned arithmetic of DESIGN.md §3: exact decimals, half-up rounding at output only."""

from datetime import date
from decimal import Decimal

import pytest

from core import formatting
from investment import rules


@pytest.mark.parametrize(
    ("month", "expected"), [(1, "8.33"), (3, "25.00"), (6, "50.00"), (12, "100.00")]
)
def test_time_progress_is_month_over_twelve(month, expected):
    assert rules.for_machine(rules.time_progress(month)) == Decimal(expected)


def test_rates_round_half_up_not_to_even():
    assert rules.for_machine(Decimal("30.125")) == Decimal("30.13")
    assert rules.for_page(Decimal("5.85")) == Decimal("5.9")
    assert rules.for_page(Decimal("-5.85")) == Decimal("-5.9")


def test_seed_001_start_rate_and_completion():
    assert rules.for_page(rules.percent(86, 95)) == Decimal("90.5")
    assert rules.for_page(rules.percent(Decimal(430_000), Decimal(1_154_000))) == Decimal("37.3")


def test_a_zero_denominator_has_no_rate():
    assert rules.percent(5, 0) is None
    assert rules.ahead_pp(None, Decimal(25)) is None


def test_double_half_holds_only_at_june_with_half_done():
    assert rules.double_half(Decimal(50), 6)
    assert not rules.double_half(Decimal("49.99"), 6)
    assert not rules.double_half(Decimal(80), 7)


def test_the_period_ends_on_the_months_last_day():
    assert rules.period_end(2024, 2) == date(2024, 2, 29)
    assert rules.quarter_end_month(2) == 6


def test_people_read_amounts_in_yi_and_rates_with_their_direction():
    assert formatting.yi(Decimal(430_000)) == "43.00"
    assert formatting.wan(Decimal("1234567.891")) == "1,234,567.891"
    assert formatting.percent(Decimal("30.8035")) == "30.8%"
    assert formatting.points(Decimal("5.8035")) == "超序时进度5.8个百分点"
    assert formatting.points(Decimal("-2.06")) == "滞后序时进度2.1个百分点"


def test_a_month_above_half_the_years_plan_is_flagged_for_a_unit_check():
    assert rules.unusual_amount(Decimal("250"), Decimal("500")) == ""
    assert rules.unusual_amount(Decimal("2364170"), Decimal("22738")) == (
        "本月完成投资占年度计划的10397.4%，请核对金额单位是否为万元"
    )  # 元 typed where 万元 was asked
    assert rules.unusual_amount(Decimal("10"), Decimal("0")) == ""  # no plan: no share
