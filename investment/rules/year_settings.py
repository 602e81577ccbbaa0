"""年度设置's rule (DESIGN.md §3): which fields a year's settings have and which values they may
take. The form, the preview and `investment.services.year_settings` ask the same."""

from typing import Any, cast

from django.db.models import Field

from investment.models import YearSettings
from investment.rules.indicators import HOW_MANY, WEIGHTS

# What 年度设置 edits, in the form's order (not lag_threshold: 预警规则 keeps it).
FIELDS = ("due_day", "submit_start_day", *WEIGHTS, "list_size")
LIST_SIZE_LIMIT = 50


def settings_values(settings: YearSettings) -> dict[str, int]:
    """{field: value} of what 年度设置 edits (``FIELDS``); of ``YearSettings(year=…)``, the
    defaults."""
    return {name: getattr(settings, name) for name in FIELDS}


def weights_sum_problem(total: int) -> str:
    """五项权重之和为95，应为100。"""
    return f"{HOW_MANY}项权重之和为{total}，应为100。"


def settings_problems(values: dict[str, int]) -> list[str]:
    """Why ``values`` ({field: value} of ``FIELDS``) cannot be a year's settings, in the
    office's words; empty when they can. The preview and the service ask the same."""
    problems = []
    due_day = values["due_day"]
    if not 1 <= due_day <= 28:
        problems.append(f"报送截止日为{due_day}日，应为1–28日（每个月都有的日子）。")
    start_day = values["submit_start_day"]
    if not 1 <= start_day <= 28:
        problems.append(f"报送开始日为{start_day}日，应为1–28日（每个月都有的日子）。")
    labels = _labels()
    for name in WEIGHTS:
        if not 0 <= values[name] <= 100:
            problems.append(f"{labels[name]}为{values[name]}，应为0–100的整数。")
    total = sum(values[name] for name in WEIGHTS)
    if total != 100:
        problems.append(weights_sum_problem(total))
    if not 1 <= values["list_size"] <= LIST_SIZE_LIMIT:
        problems.append(f"红黑榜各列单位数为{values['list_size']}，应为1–{LIST_SIZE_LIMIT}。")
    return problems


def _labels() -> dict[str, str]:
    return {
        name: str(cast("Field[Any, Any]", YearSettings._meta.get_field(name)).verbose_name)
        for name in FIELDS
    }
