"""DESIGN.md §3's amount range, checked in one place.

An amount in 万元 has at most 10 digits before the point and 4 after, and is never
negative. The model fields (`core.models.money_field`, which the admin validates) are
declared with the same limits; forms take `amount_field`, services and the ledger import
call `amount_problem` / `check_amount`. Within these limits a value is stored and read back
exactly on SQLite too (14 significant digits fit the 15 its decimal conversion keeps).
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.apps.registry import Apps
from django.core.exceptions import ValidationError
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import CharField
from django.db.models.functions import Cast

from core.formatting import wan_text
from core.models import MONEY_DIGITS, MONEY_PLACES

MONEY_MAX = Decimal(10) ** (MONEY_DIGITS - MONEY_PLACES) - Decimal(1).scaleb(-MONEY_PLACES)
TOO_LARGE = f"数额过大（最大{wan_text(MONEY_MAX)}），请核对单位是否为万元"
NEGATIVE = "不能为负数"
TOO_PRECISE = f"最多保留{MONEY_PLACES}位小数（万元）"
NOT_A_NUMBER = "应为数字（万元）"


def amount_problem(value: object) -> str | None:
    """Why ``value`` is not an acceptable amount, or None when it is."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return NOT_A_NUMBER
    if value < 0:
        return NEGATIVE
    # The size first: normalize() overflows (a 500) on a number such as 1E1000000.
    if value > MONEY_MAX:
        return TOO_LARGE
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MONEY_PLACES:
        return TOO_PRECISE
    return None


def check_amount(value: Decimal | None, *, label: str = "") -> None:
    """Refuse an amount out of range, naming the field (None: not given, accepted). The form
    validator is the same check with no label: the form names the field itself."""
    problem = None if value is None else amount_problem(value)
    if problem:
        raise ValidationError(f"{label}{problem}。" if label else problem, code="amount")


def amount_field(label: str, *, required: bool = False, **kwargs: Any) -> forms.DecimalField:
    """A form field for an amount in 万元, checked by `amount_problem` alone."""
    # No browser-side min: the browser's own bubble ("Value must be…") names no project;
    # the server's refusal does, in Chinese, and keeps everything typed.
    return forms.DecimalField(
        label=label,
        required=required,
        validators=[check_amount],
        error_messages={"invalid": "请填写数字（万元）"},
        **kwargs,
    )


def refuse_amounts_out_of_range(
    *fields: tuple[str, str, str],
) -> Callable[[Apps, BaseDatabaseSchemaEditor], None]:
    """A migration step run before narrowing money columns to DESIGN.md §3's range: when a
    row (or its history) holds a larger amount, stop with the rows named, instead of
    PostgreSQL's bare "numeric field overflow" half-way or a silent change on SQLite.
    ``fields`` are (app label, model name, field name)."""

    def check(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        found = []
        for app_label, model_name, field in fields:
            model = apps.get_model(app_label, model_name)
            # Read as text: the value may not fit the narrowed field's decimal converter.
            rows = (
                model.objects.filter(**{f"{field}__gt": MONEY_MAX})
                .annotate(shown=Cast(field, CharField()))
                .values_list("pk", "shown")
            )
            found += [f"{model._meta.db_table}#{pk} {field}={value}" for pk, value in rows[:20]]
        if found:
            raise RuntimeError(
                f"以下金额超出允许范围（最大{wan_text(MONEY_MAX)}），多为单位误填（元当万元）。"
                "请先在管理后台改正（变更记录可删除该条），再运行迁移：\n" + "\n".join(found)
            )

    return check
