"""A refusal as the one line a page shows (`messages.error`) or the audit trail keeps.

A `ValidationError` may carry several reasons (a fund application's amount and date rules,
a batch of reports); they are joined with the Chinese semicolon, in order.
"""

from django import forms
from django.core.exceptions import ValidationError

SEPARATOR = "；"


def error_text(error: ValidationError) -> str:
    """Every reason of ``error``: 批复金额不能大于申报金额。；下达日期不能早于批复日期。"""
    return SEPARATOR.join(error.messages)


def form_error_text(form: forms.BaseForm) -> str:
    """Every error of a bound, invalid form, field by field."""
    return SEPARATOR.join(str(message) for errors in form.errors.values() for message in errors)
