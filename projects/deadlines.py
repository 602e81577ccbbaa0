"""When something with a due date is late: the one rule behind 节点逾期 (a milestone past its
计划完成日期, not done) and 逾期未销号 (a finding past its 整改时限, not closed out).

Something is *late* when its due date has passed and it was not done by then. It is judged
either ``on`` a day still in progress (the pages' "today": what is due today is not late yet,
what was done today is done) or ``at_end_of`` a day that is over (a period's last day: what was
due that day and is not done by its end is late). The second is how DESIGN.md §3 counts I3, I4
and the 滞后预警 at a period: milestones planned, and findings due, "on or before the period
end", done by it.

*On time* is the other half of I3 and I4: done, on or before the due date.

Each rule is written twice side by side, as a database condition (lists, counts, figures) and
in Python (one object already loaded, a template reading a property); tests hold the two
to the same answers.
"""

from datetime import date

from django.db.models import F, Q


def _cutoff(on: date | None, at_end_of: date | None) -> tuple[date, bool]:
    """(the day, whether that day is over)."""
    if at_end_of is not None and on is None:
        return at_end_of, True
    if on is not None and at_end_of is None:
        return on, False
    raise TypeError("give one of on= (a day in progress) or at_end_of= (a day that is over)")


def late_q(*, due: str, done: str, on: date | None = None, at_end_of: date | None = None) -> Q:
    """The rows whose ``due`` date has passed and whose ``done`` date is empty or later."""
    day, over = _cutoff(on, at_end_of)
    passed = Q(**{f"{due}__lte": day}) if over else Q(**{f"{due}__lt": day})
    return passed & ~Q(**{f"{done}__lte": day})  # negated: an empty ``done`` is not done


def is_late(
    *, due: date, done: date | None, on: date | None = None, at_end_of: date | None = None
) -> bool:
    """``late_q`` for one object."""
    day, over = _cutoff(on, at_end_of)
    passed = due <= day if over else due < day
    return passed and not (done is not None and done <= day)


def on_time_q(*, due: str, done: str) -> Q:
    """Done, on or before the due date."""
    return Q(**{f"{done}__isnull": False, f"{done}__lte": F(due)})


def is_on_time(*, due: date, done: date | None) -> bool:
    """``on_time_q`` for one object."""
    return done is not None and done <= due
