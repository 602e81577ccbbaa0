"""The fund-application lifecycle's amount rules: each step cannot exceed the one before."""

from decimal import Decimal
from typing import Any

from core.formatting import wan_text

# requested → approved → allocated → spent
LIFECYCLE = (
    ("requested", "申报金额"),
    ("approved", "批复金额"),
    ("allocated", "下达金额"),
    ("spent", "支出金额"),
)


def amount_problems(amounts: dict[str, Decimal | None]) -> list[tuple[str, str]]:
    """(field, reason) for each amount above the nearest earlier step that is filled in.

    批复 ≤ 申报, 下达 ≤ 批复, 支出 ≤ 下达; a blank step is skipped (支出 is then compared
    with 批复, or with 申报), since clerks often fill in only what they know.
    """
    problems = []
    for index, (field, label) in enumerate(LIFECYCLE[1:], start=1):
        value = amounts.get(field)
        if value is None:
            continue
        earlier = [
            (lab, amount) for f, lab in LIFECYCLE[:index] if (amount := amounts.get(f)) is not None
        ]
        if earlier:
            before_label, before = earlier[-1]
            if value > before:
                problems.append(
                    (
                        field,
                        f"{label}（{wan_text(value)}）不能大于{before_label}（{wan_text(before)}）",
                    )
                )
    return problems


def spending_progress(spent: Decimal | None, allocated: Decimal | None) -> Decimal | None:
    """支出进度 = spent / allocated × 100, in percent; None when nothing was allocated."""
    if not allocated:
        return None
    return (spent or Decimal(0)) * 100 / allocated


def derived_status(amounts: dict[str, Any]) -> str:
    """The status the amounts give: the furthest step with an amount filled in."""
    for field, status in (("spent", "spent"), ("allocated", "allocated"), ("approved", "approved")):
        if amounts.get(field) is not None:
            return status
    return "applied"


# 状态 follows the amounts unless a person chose one. No flag is stored: a stored status equal
# to what its amounts give is one that follows them (the edit form shows 按已填金额自动判断),
# any other was chosen and is kept (the form shows it selected). So an edit form saved as
# shown, and an exported row imported back, give the stored status again and write nothing.


def status_choice(status: str, amounts: dict[str, Any]) -> str:
    """What a stored application's 状态 is: "" when it follows ``amounts``, else the status
    a person chose."""
    return "" if status == derived_status(amounts) else status


def resulting_status(choice: str, amounts: dict[str, Any]) -> str:
    """The status to store: the one chosen, or ("") the one ``amounts`` give."""
    return choice or derived_status(amounts)


def status_problem(status: str, amounts: dict[str, Any]) -> str | None:
    """Why ``status`` cannot go with ``amounts`` (None: it can)."""
    if status == "rejected" and any(amounts.get(field) is not None for field, _ in LIFECYCLE[1:]):
        return "状态为“未获批”的申报不应填写批复、下达或支出金额"
    return None


# (date field, its label, the amount it goes with)
STEP_DATES = (
    ("applied_on", "申报日期", "requested"),
    ("approved_on", "批复日期", "approved"),
    ("allocated_on", "下达日期", "allocated"),
    ("spent_on", "支出截至日期", "spent"),
)


def date_problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    """A step's date needs its amount, and no step is dated before an earlier step."""
    problems = []
    labels = dict(LIFECYCLE)
    previous = None
    for field, label, amount in STEP_DATES:
        day = values.get(field)
        if day is None:
            continue
        if values.get(amount) is None:
            problems.append((field, f"填写了{label}，但未填写{labels[amount]}"))
        if previous and day < previous[0]:
            problems.append((field, f"{label}（{day}）不能早于{previous[1]}（{previous[0]}）"))
        previous = (day, label)
    return problems
