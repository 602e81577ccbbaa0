"""Every write to a 招商引资 record goes through here: atomic, checked, recorded.

A unit's reporter keeps their own unit's records, the office every unit's (`promotion.keep`);
the record's rules are `promotion/rules.py`'s. The projects signed from an activity are a
many-to-many link: a change of them alone is a new version whose history row says what changed
(its 变更原因), and a project the person cannot see (another unit's, linked by the office) is
kept as it was, never dropped by a form that did not show it.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audited
from core import journal
from core.capabilities import require, scoped
from core.versioning import delete_recorded, locked_current, save_changes, save_recorded
from projects.models import Project, Unit, User
from promotion.models import Activity
from promotion.rules import activity_problems


def _projects_text(projects: list[Project]) -> str:
    return "、".join(project.name for project in sorted(projects, key=lambda p: p.code)) or "空"


def _linked(user: User, activity: Activity | None, projects: list[Project]) -> list[Project]:
    """The projects the record will link: those picked, which must be within the person's
    scope, and those already linked that the person cannot see."""
    picked = {project.pk: project for project in projects}
    seen = scoped(user, "portfolio.view", Project.objects.filter(pk__in=picked), "unit")
    outside = set(picked) - set(seen.values_list("pk", flat=True))
    if outside:
        raise ValidationError("只能关联本单位的项目作为签约项目。")
    if activity is not None:
        linked = activity.projects.all()
        hidden = linked.exclude(
            pk__in=scoped(user, "portfolio.view", Project.objects.all(), "unit")
        )
        picked |= {project.pk: project for project in hidden}
    return list(picked.values())


@audited(lambda **given: "修改招商引资活动" if given.get("activity") else "登记招商引资活动")
@transaction.atomic
def activity_save(
    *,
    user: User,
    held_on: date | None,
    kind: str,
    led_by: str,
    unit: Unit,
    counterpart: str,
    leader: str = "",
    place: str = "",
    people: int | None = None,
    batches: int | None = None,
    outcome: str = "",
    projects: list[Project] | None = None,
    activity: Activity | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Activity:
    """Record an activity, or correct one (refused when the form is older than the row).

    Saved as shown, nothing is written: no version, no history, no audit change. ``projects``
    None leaves the linked projects as they are."""
    values: dict[str, Any] = {
        "held_on": held_on,
        "kind": kind,
        "led_by": led_by,
        "leader": (leader or "").strip()[:100],
        "unit": unit,
        "counterpart": (counterpart or "").strip()[:200],
        "place": (place or "").strip()[:200],
        "people": people,
        "batches": batches,
        "outcome": (outcome or "").strip()[:2000],
    }
    require(user, "promotion.keep", Activity(unit=unit))
    if activity is not None:
        require(user, "promotion.keep", activity)
        activity = locked_current(activity, expected_version, label="该招商引资活动")
    problems = activity_problems(values, today=today or timezone.localdate())
    if problems:
        raise ValidationError([f"{problem}。" for problem in problems])
    linked = None if projects is None else _linked(user, activity, projects)
    if activity is None:
        activity = save_recorded(Activity(**values, updated_by=user), user=user)
        if linked:
            activity.projects.set(linked)
            journal.note(f"签约项目：{_projects_text(linked)}")
        return activity
    before = list(activity.projects.all())
    moved = linked is not None and {p.pk for p in linked} != {p.pk for p in before}
    change = f"签约项目：{_projects_text(before)} → {_projects_text(linked or [])}" if moved else ""
    if not save_changes(activity, values, user=user, stamps={"updated_by": user}, reason=change):
        if not moved:
            return activity  # saved unchanged: no new version, no history, nothing to audit
        activity.updated_by = user
        save_recorded(activity, user=user, fields=["updated_by", "updated_at"], reason=change)
    if moved:
        activity.projects.set(linked or [])
        journal.note(change)
    return activity


@audited("删除招商引资活动")
@transaction.atomic
def activity_delete(*, user: User, activity: Activity, expected_version: int | None = None) -> None:
    """Delete a record (its history keeps it); refused when the page showed an older version."""
    require(user, "promotion.keep", activity)
    activity = locked_current(activity, expected_version, label="该招商引资活动")
    delete_recorded(activity, user=user, reason=f"删除{activity}")
