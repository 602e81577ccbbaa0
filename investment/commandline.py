"""Argument checks shared by the figure commands, with messages a clerk understands."""

from django.core.management.base import CommandError


def check_period(*, year: int, month: int) -> None:
    if not 2000 <= year <= 2100:
        raise CommandError(f"年度应为2000–2100之间的四位年份，实际为{year}")
    if not 1 <= month <= 12:
        raise CommandError(f"月份应为1–12的整数，实际为{month}")
