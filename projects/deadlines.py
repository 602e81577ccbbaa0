"""When something with a due date is late: the one rule behind 节点逾期 (a milestone past its
计划完成日期, not done) and 逾期未销号 (a finding past its 整改时限, not closed out).

Something is *late* when its due date has passed and it was not done by then. It is judged
either ``on`` a day still in progress (the pages' "today": what is due today is not late yet,
what was done today is done) or ``at_end_of`` a day that is over (a period's last day: what was
due that day and is not done by its end is late). The second is how DESIGN.md §3 counts I3, I4
and the 滞后预警 at a period: milestones planned, and findings due, "on or before the period
end", done by it.

*On time* is the other half of I3 and I4: done, on or before the due date.

*Where it stands at a period end* (`Timeliness`: the 节点作战图's colours, the project sheet's
状态) combines the two at the end of a day that is over: done by then, on time (按期完成) or not
(逾期完成); else late (逾期未完成); else not due yet (未到期). What was done after that day was
not done at it.

Each rule is written twice side by side, as a database condition (lists, counts, figures) and
in Python (one object already loaded, a template reading a property); tests hold the two
to the same answers.
"""

from datetime import date

from django.db.models import Case, CharField, F, Q, TextChoices, Value, When


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


class Timeliness(TextChoices):
    """Where something with a due date stands at the end of a day that is over."""

    ON_TIME = "on_time", "按期完成"
    DONE_LATE = "done_late", "逾期完成"
    OVERDUE = "overdue", "逾期未完成"
    NOT_YET_DUE = "not_yet_due", "未到期"


def timeliness_case(*, due: str, done: str, at_end_of: date) -> Case:
    """`Timeliness` of each row at the end of ``at_end_of``, as an annotation, from
    ``on_time_q`` and ``late_q``."""
    done_by = Q(**{f"{done}__lte": at_end_of})
    return Case(
        When(done_by & on_time_q(due=due, done=done), then=Value(Timeliness.ON_TIME)),
        When(done_by, then=Value(Timeliness.DONE_LATE)),
        When(late_q(due=due, done=done, at_end_of=at_end_of), then=Value(Timeliness.OVERDUE)),
        default=Value(Timeliness.NOT_YET_DUE),
        output_field=CharField(),
    )


def timeliness(*, due: date, done: date | None, at_end_of: date) -> Timeliness:
    """``timeliness_case`` for one object."""
    if done is not None and done <= at_end_of:
        return Timeliness.ON_TIME if is_on_time(due=due, done=done) else Timeliness.DONE_LATE
    if is_late(due=due, done=done, at_end_of=at_end_of):
        return Timeliness.OVERDUE
    return Timeliness.NOT_YET_DUE
