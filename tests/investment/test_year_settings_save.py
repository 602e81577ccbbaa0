"""年度设置's service: the office saves a year's due day, weights and 红黑榜 size."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from investment.models import YearSettings
from investment.rules.year_settings import settings_values, weights_sum_problem
from investment.services.year_settings import year_settings_save
from tests.builders import year_settings

DEFAULTS = year_settings()
NEW = DEFAULTS | {"weight_investment": 30, "weight_reporting": 25, "list_size": 2}


def save(user, expected_version=None, year=2026, **values):
    return year_settings_save(
        year=year, user=user, **(DEFAULTS | values), expected_version=expected_version
    )


def test_it_creates_the_years_row_when_none_is_saved(cast):
    row = save(cast.officer, expected_version=0, **NEW)

    stored = YearSettings.objects.get(year=2026)
    assert stored.pk == row.pk
    assert settings_values(stored) == NEW
    assert stored.version == 1
    assert stored.history.get().history_user == cast.officer


def test_it_changes_a_saved_row_and_records_who(cast):
    first = save(cast.officer, expected_version=0, **NEW)

    row = save(cast.second_officer, expected_version=first.version, **NEW | {"due_day": 10})

    assert (row.due_day, row.version) == (10, 2)
    assert row.history.first().history_user == cast.second_officer


def test_it_refuses_weights_that_do_not_add_up_to_100(cast):
    with pytest.raises(ValidationError) as refused:
        save(cast.officer, expected_version=0, weight_investment=45)

    assert weights_sum_problem(95) in refused.value.messages
    assert not YearSettings.objects.exists()


@pytest.mark.parametrize("due_day", [0, 29])
def test_it_refuses_a_due_day_outside_1_to_28(cast, due_day):
    with pytest.raises(ValidationError, match=f"报送截止日为{due_day}日，应为1–28日"):
        save(cast.officer, expected_version=0, due_day=due_day)

    assert not YearSettings.objects.exists()


def test_it_refuses_a_weight_outside_0_to_100_even_when_the_sum_is_100(cast):
    with pytest.raises(ValidationError, match="投资完成权重为110，应为0–100的整数"):
        save(cast.officer, weight_investment=110, weight_start=-10)


def test_it_refuses_an_empty_red_and_black_list(cast):
    with pytest.raises(ValidationError, match="红黑榜各列单位数为0"):
        save(cast.officer, list_size=0)


def test_a_list_larger_than_half_the_units_is_saved(cast):
    """Cut to half the ranked units when shown (Ranking.list_size); the page warns."""
    assert save(cast.officer, expected_version=0, list_size=20).list_size == 20


@pytest.mark.parametrize("who", ["reporter", "supervisor", "leader", "admin", "newcomer"])
def test_it_refuses_anyone_but_the_office(cast, who):
    with pytest.raises(PermissionDenied):
        save(getattr(cast, who), expected_version=0, **NEW)

    assert not YearSettings.objects.exists()


def test_saving_unchanged_writes_no_version_and_no_history(cast):
    row = save(cast.officer, expected_version=0, **NEW)

    again = save(cast.officer, expected_version=row.version, **NEW)

    assert again.version == row.version == 1
    assert YearSettings.history.count() == 1


def test_saving_the_defaults_of_a_year_with_nothing_saved_writes_nothing(cast):
    shown = save(cast.officer, expected_version=0)

    assert shown.pk is None
    assert not YearSettings.objects.exists()
    assert YearSettings.history.count() == 0


def test_it_refuses_a_stale_form_naming_what_changed(cast):
    first = save(cast.officer, expected_version=0, **NEW)
    save(cast.second_officer, expected_version=first.version, **NEW | {"due_day": 8})

    with pytest.raises(ValidationError) as refused:
        save(cast.officer, expected_version=first.version, **NEW | {"list_size": 4})

    message = refused.value.messages[0]
    assert "2026年年度设置已被李干事" in message and "报送截止日：5 → 8" in message
    assert refused.value.error_list[0].code == "stale"
    assert YearSettings.objects.get(year=2026).list_size == 2


def test_it_refuses_a_first_save_when_another_officer_saved_the_year_meanwhile(cast):
    save(cast.second_officer, expected_version=0, **NEW)

    with pytest.raises(ValidationError, match="已被"):
        save(cast.officer, expected_version=0, **NEW | {"due_day": 7})

    assert YearSettings.objects.get(year=2026).due_day == 5


def test_years_are_kept_apart(cast):
    save(cast.officer, expected_version=0, year=2025, **NEW)

    assert settings_values(YearSettings.for_year(2026)) == DEFAULTS
    assert settings_values(YearSettings.for_year(2025)) == NEW
