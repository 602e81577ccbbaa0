"""The ranking's indicators are one list (`investment.rules.indicators`): the year's settings
keep a weight for each entry, and every table, file and form that shows them reads the list."""

import dataclasses
import json
from decimal import Decimal

from django.core.management import call_command
from django.db.models import F, Q
from django.urls import reverse

from investment.forms import YearSettingsForm
from investment.models import YearSettings
from investment.rules.indicators import (
    HOW_MANY,
    INDICATORS,
    WEIGHTS,
    UnitCounts,
    default_weights,
)
from investment.rules.periods import Period
from investment.selectors.rankings import unit_ranking
from investment.tables import UnitRankingTable
from tests.investment.test_unit_ranking import a_county


def named_fields(condition):
    """The fields a check constraint's condition names (lookups and F() alike)."""
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= named_fields(child)
            continue
        lookup, value = child
        names.add(lookup.split("__")[0])
        stack = [value]
        while stack:
            expression = stack.pop()
            if isinstance(expression, F):
                names.add(expression.name)
            stack += getattr(expression, "get_source_expressions", list)()
    return names


def test_each_indicator_has_a_weight_field_named_after_it():
    for indicator in INDICATORS:
        weight = YearSettings._meta.get_field(indicator.weight_field)
        assert weight.verbose_name == f"{indicator.name}权重"


def test_the_default_weights_add_up_to_100_and_are_design_md_s():
    assert sum(default_weights().values()) == 100
    assert tuple(default_weights().values())[:5] == (50, 20, 15, 10, 5)  # DESIGN.md §3


def test_the_check_constraints_name_every_weight_and_only_those():
    constraints = {c.name: c for c in YearSettings._meta.constraints}

    for name in ("settings_weights_lte_100", "settings_weights_sum_100"):
        assert named_fields(constraints[name].condition) == set(WEIGHTS), name
    message = constraints["settings_weights_sum_100"].violation_error_message
    assert message == f"{HOW_MANY}项权重之和应为100。"


def test_each_indicator_divides_counts_of_a_unit_and_has_its_own_keys():
    counts = {f.name for f in dataclasses.fields(UnitCounts)}

    for indicator in INDICATORS:
        assert {indicator.numerator, indicator.denominator} <= counts, indicator.code
    assert [i.code for i in INDICATORS] == [f"I{n}" for n in range(1, len(INDICATORS) + 1)]
    for attribute in ("weight_field", "rate_key", "rate_label", "name"):
        values = [getattr(indicator, attribute) for indicator in INDICATORS]
        assert len(set(values)) == len(values), attribute


def test_nothing_due_is_a_full_indicator():
    nothing = UnitCounts(time_progress=Decimal(50))

    assert [indicator.value(nothing) for indicator in INDICATORS] == [1] * len(INDICATORS)


def test_the_year_settings_form_has_a_weight_per_indicator():
    form = YearSettingsForm()

    assert [form.fields[i.weight_field].label for i in INDICATORS] == [
        i.weight_label for i in INDICATORS
    ]


def test_every_ranking_output_has_a_column_per_indicator(capsys, client, cast):
    a_county()
    ranking = unit_ranking(Period.of(2024, 6))
    rate_keys = [indicator.rate_key for indicator in INDICATORS]

    table = UnitRankingTable(ranking, kind="month", explainable=None)
    shown = [column.name for column in table.columns]
    assert shown == ["rank", "unit", "score", *rate_keys, "projects", "board"]

    call_command("rankings", "--year", "2024", "--month", "6", "--json")
    row = json.loads(capsys.readouterr().out)[0]
    assert list(row) == ["rank", "unit", "score", *rate_keys, "projects"]

    call_command("rankings", "--year", "2024", "--month", "6")
    head = capsys.readouterr().out.splitlines()[1]
    assert [i.text_label for i in INDICATORS] == [w for w in head.split() if w][2:-2]

    client.force_login(cast.officer)
    page = client.get(reverse("rankings"), {"year": 2024, "month": 6}).content.decode()
    formula = page.split("得分 = ")[1].split("；")[0]
    assert formula == " + ".join(f"{i.term}×{w}" for i, w in ranking.weighted)
