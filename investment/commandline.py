"""Argument checks shared by the figure commands, with messages a clerk understands."""

from django.core.management.base import CommandError


def check_period(*, year: int, month: int) -> None:
    if not 2000 <= year <= 2100:
        raise CommandError(f"年度应为2000–2100之间的四位年份，实际为{year}")
    if not 1 <= month <= 12:
        raise CommandError(f"月份应为1–12的整数，实际为{month}")


def period_from_options(*, year: int, month: int | None, quarter: int | None, annual: bool) -> int:
    """The month a ranking is taken at: the month, the quarter's last month, or December."""
    chosen = [option for option in (month, quarter) if option is not None] + (
        [12] if annual else []
    )
    if len(chosen) != 1:
        raise CommandError("请在 --month、--quarter、--annual 中选择一项")
    if quarter is not None:
        if not 1 <= quarter <= 4:
            raise CommandError(f"季度应为1–4，实际为{quarter}")
        month = quarter * 3
    elif annual:
        month = 12
    check_period(year=year, month=month)
    return month
