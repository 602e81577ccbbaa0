"""The fund-application lifecycle's amount rules: each step cannot exceed the one before."""

from decimal import Decimal

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
        earlier = [(f, lab) for f, lab in LIFECYCLE[:index] if amounts.get(f) is not None]
        if earlier:
            before_field, before_label = earlier[-1]
            before = amounts[before_field]
            if value > before:
                problems.append(
                    (field, f"{label}（{value}万元）不能大于{before_label}（{before}万元）")
                )
    return problems


def spending_progress(spent: Decimal | None, allocated: Decimal | None) -> Decimal | None:
    """支出进度 = spent / allocated × 100, in percent; None when nothing was allocated."""
    if not allocated:
        return None
    return (spent or Decimal(0)) * 100 / allocated
