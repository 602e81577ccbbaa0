"""The register's terms of DESIGN.md §2–§3 that the figures count with, each defined once.

Each is written twice side by side, as `projects.deadlines` writes 逾期: a database condition
(counts, lists, figures; ``prefix`` reaches a plan row from another table, ``"plan__"`` from a
report) and a check of one row already loaded; `tests/projects/test_rules.py` holds the two to
the same answers. A figure applies a term to its own population — 开复工率 to a year's counted
rows, the 未纳统 warning to the rows started by the period end, the briefing's 已纳统项目 to
all counted rows — so the condition is one and the populations stay what each figure says.

- counted (a year's rows that count): on year Y's list and not replaced (替换);
  `AnnualPlan.objects.counted(year)` is this condition.
- 开(复)工 by a day: a 实际开(复)工日期 on or before it.
- due to start by a day: a 计划开工日期 on or before it, or none (after it: 未到开工期, neither
  未按期开工 nor 投资滞后, grey on the board).
- 纳统 by a day: a 纳统日期 on or before it.
- an actual date (实际开(复)工日期, 纳统日期, 签约日期, 投产日期, 实际竣工日期, a milestone's 实际完成日期)
  is a day that has happened: never after today (``actual_date_problem``, the one refusal the
  forms, the services and the import give); 实际竣工日期 is besides never before the project's first 实际开(复)工日期
  (``completion_date_problem``).
- the unit a milestone counts for: its own 责任单位 when it has one, else its project's
  (DESIGN.md §3, I3 and 我的待办).
- 逾期 (a milestone or finding late at a day) is `projects.deadlines`'.
- the house's order of units (``unit_order``): their 排序, then their name.

No model is imported here: `projects.models` builds its queryset methods on these.
"""

from datetime import date

from django.db.models import Q
from django.db.models.functions import Coalesce


def counted_q(year: int, *, prefix: str = "") -> Q:
    """Year ``year``'s plan rows that count: every figure, ranking, warning and expected
    report of the year starts here. A replaced row (替换) counts in none of them."""
    return Q(**{f"{prefix}year": year, f"{prefix}replaced_by__isnull": True})


def is_counted(row_year: int, replaced_by_id: int | None, year: int) -> bool:
    """``counted_q`` for one row (its year, and whom it was replaced by, if anyone)."""
    return row_year == year and replaced_by_id is None


def started_q(end: date, *, prefix: str = "") -> Q:
    """开(复)工 by the end of ``end``: the plan rows whose 实际开(复)工日期 is on or before it."""
    return Q(**{f"{prefix}actual_start__lte": end})


def is_started(actual_start: date | None, end: date) -> bool:
    """``started_q`` for one row."""
    return actual_start is not None and actual_start <= end


def due_to_start_q(end: date, *, prefix: str = "") -> Q:
    """The plan rows due to have started by the end of ``end`` (a period's last day): their
    project's 计划开工日期 is on or before it, or not given."""
    planned = f"{prefix}project__planned_start"
    return Q(**{f"{planned}__isnull": True}) | Q(**{f"{planned}__lte": end})


def is_due_to_start(planned_start: date | None, end: date) -> bool:
    """``due_to_start_q`` for one row."""
    return planned_start is None or planned_start <= end


def in_statistics_q(end: date, *, prefix: str = "") -> Q:
    """纳统 by the end of ``end``: the plan rows whose 纳统日期 is on or before it."""
    return Q(**{f"{prefix}statistics_date__lte": end})


def is_in_statistics(statistics_date: date | None, end: date) -> bool:
    """``in_statistics_q`` for one row."""
    return statistics_date is not None and statistics_date <= end


def actual_date_problem(label: str, day: date | None, *, today: date) -> str | None:
    """Why ``day``, given as the actual date ``label`` (签约日期, 投产日期, 实际开(复)工日期, 纳统日期),
    cannot be right: it is after ``today``, and an actual date records what has happened. None:
    nothing wrong (or not given). One line naming the date, without a full stop: the form adds
    one, the ledger import puts it after the row and column (DESIGN.md §4)."""
    if day is not None and day > today:
        return f"{label}（{day:%Y-%m-%d}）不能晚于今天（{today:%Y-%m-%d}）"
    return None


def completion_date_problem(
    actual_end: date | None, first_start: date | None, *, today: date
) -> str | None:
    """Why ``actual_end`` (实际竣工日期) cannot be right for a project whose earliest
    实际开(复)工日期 is ``first_start``: it is after today (``actual_date_problem``), or before
    the project started (``completed_before_start``). None: nothing wrong."""
    return actual_date_problem("实际竣工日期", actual_end, today=today) or completed_before_start(
        actual_end, first_start
    )


def completed_before_start(actual_end: date | None, first_start: date | None) -> str | None:
    """Why a project cannot have been completed on ``actual_end`` (实际竣工日期) when its earliest
    实际开(复)工日期 is ``first_start``: completed before it started. One line, as
    ``actual_date_problem`` writes it; the plan row's start is judged by it too."""
    if actual_end is not None and first_start is not None and actual_end < first_start:
        return (
            f"实际竣工日期（{actual_end:%Y-%m-%d}）早于实际开(复)工日期（{first_start:%Y-%m-%d}），"
            "竣工不能早于开工"
        )
    return None


def unit_order(prefix: str = "") -> list[str]:
    """The order units are listed in everywhere (the unit list's 排序 the office sets, then the
    name; Unit's own ordering): by-unit tables, the node timeline's rows. ``prefix`` reaches a
    unit from another table (``"project__unit__"``)."""
    return [f"{prefix}sort_order", f"{prefix}name"]


def milestone_unit() -> Coalesce:
    """The unit a milestone counts for, as an expression (annotate, then group or filter)."""
    return Coalesce("unit", "project__unit")
