"""Every integer a form takes fits the column it goes to, on PostgreSQL and on SQLite.

The forms are found, not listed: every Form, ModelForm and FilterSet form defined in the
project's apps. An integer field must say its smallest and largest value, and both must lie
within the range of its column: the model field's on PostgreSQL (Django's ranges for each
integer type; SQLite holds 64 bits, so what fits PostgreSQL fits it) for a ModelForm field,
else PostgreSQL's ``integer`` (a plain form's number goes to a column or a query of one).
"""

import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Model
from django.urls import reverse
from django_filters import FilterSet

from projects.models import SORT_ORDER_MAX, Unit
from projects.selectors import next_sort_order

COLUMN_RANGES = BaseDatabaseOperations.integer_field_ranges  # PostgreSQL keeps Django's own
INTEGER = COLUMN_RANGES["IntegerField"]


def project_apps() -> list[str]:
    base = Path(settings.BASE_DIR).resolve()
    return [
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == base
    ]


def import_everything() -> None:
    for name in project_apps():
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)


def subclasses(cls: Any) -> set[Any]:
    found: set[Any] = set()
    for sub in cls.__subclasses__():
        found |= {sub} | subclasses(sub)
    return found


def project_forms() -> list[tuple[str, dict[str, forms.Field], Any]]:
    """(name, fields, model) of every form class the apps define, and of every FilterSet's form."""
    import_everything()
    ours = tuple(f"{name}." for name in project_apps())
    found = []
    for form in subclasses(forms.BaseForm):
        if form.__module__.startswith(ours):
            meta = getattr(form, "_meta", None)
            found.append((form.__qualname__, form.base_fields, getattr(meta, "model", None)))
    for filterset in subclasses(FilterSet):
        if filterset.__module__.startswith(ours) and filterset._meta.model is not None:
            form = filterset(queryset=filterset._meta.model.objects.none()).form
            found.append((filterset.__qualname__, form.fields, None))
    return found


def column_range(name: str, model: type[Model] | None) -> tuple[int, int]:
    if model is not None:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a field the form declares beside the model's
            return INTEGER
        return COLUMN_RANGES.get(field.get_internal_type(), INTEGER)
    return INTEGER


def test_the_forms_are_found():
    names = {name for name, _, _ in project_forms()}
    assert {"UnitForm", "YearSettingsForm", "PlanForm", "FundFilter"} <= names


def test_every_integer_a_form_takes_has_a_range_its_column_holds():
    problems = []
    for form, fields, model in project_forms():
        for name, field in fields.items():
            if not isinstance(field, forms.IntegerField) or isinstance(field, forms.DecimalField):
                continue  # a DecimalField (money) is Django's IntegerField too: digits bound it
            low, high = column_range(name, model)
            if field.min_value is None or field.max_value is None:
                problems.append(f"{form}.{name}: no range ({field.min_value}, {field.max_value})")
            elif not low <= field.min_value <= field.max_value <= high:
                problems.append(
                    f"{form}.{name}: {field.min_value}–{field.max_value} ∉ {low}–{high}"
                )
    assert not problems, "\n".join(problems)


def test_it_offers_a_new_unit_an_order_the_form_takes_after_the_largest_one(client, cast):
    Unit.objects.create(name="末位单位", sort_order=SORT_ORDER_MAX)  # the largest the column keeps
    client.force_login(cast.officer)

    assert next_sort_order() == SORT_ORDER_MAX
    page = client.get(reverse("unit_create")).content.decode()
    assert f'value="{SORT_ORDER_MAX}"' in page
    response = client.post(
        reverse("unit_create"),
        {"name": "新单位", "kind": "department", "sort_order": SORT_ORDER_MAX},
    )
    assert response.status_code == 302
    assert Unit.objects.get(name="新单位").sort_order == SORT_ORDER_MAX


@pytest.mark.parametrize("order", ["99999999999999999999", "9223372036854775807", "2147483648"])
def test_it_refuses_an_order_past_its_range_in_words(client, cast, order):
    client.force_login(cast.officer)

    response = client.post(
        reverse("unit_create"), {"name": "新单位", "kind": "department", "sort_order": order}
    )

    assert response.status_code == 200
    assert f"排序应为0–{SORT_ORDER_MAX}之间的整数" in response.content.decode()
    assert not Unit.objects.filter(name="新单位").exists()
