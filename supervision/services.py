"""Every write to inspections, findings and notices goes through here.

Each function is atomic, checks the role (and the unit, for answers), validates, and records
who did it as a `FindingEvent`. Views, the demo and tests all call these; `today` is a
parameter so the 13710 clocks can be tested on a frozen calendar.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field
from django.utils import timezone

from audit.services import audited
from core import journal
from core.capabilities import require
from core.uploads import Attachment
from core.versioning import locked, locked_current, save_changes, save_recorded
from projects.models import FactorCategory, Project, Unit, User
from projects.services.units import lock_units
from supervision.access import (
    answer_state_refusal,
    edit_state_refusal,
    review_state_refusal,
)
from supervision.models import Evidence, Finding, FindingEvent, Inspection, Notice
from supervision.rules import settle_deadline

Status = Finding.Status
Action = FindingEvent.Action
TEXT_LIMIT = 2000
DUPLICATE = "该单位在同一天已登记过相同的问题。"


def _text(value: str, label: str, *, required: bool = True, limit: int = TEXT_LIMIT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"请填写{label}。")
    if len(value) > limit:
        raise ValidationError(f"{label}不能超过{limit}字。")
    return value


def _event(
    finding: Finding, action: str, user: User, note: str = "", files: Iterable[Attachment] = ()
) -> FindingEvent:
    event = FindingEvent.objects.create(finding=finding, action=action, note=note, created_by=user)
    for attachment in files:
        Evidence(event=event).keep(attachment)
    said = f"：{note}" if note else ""
    journal.note(f"督查问题“{finding}”{event.get_action_display()}{said}")
    return event


@audited(lambda **given: "修改督查记录" if given.get("inspection") else "记录督查")
@transaction.atomic
def inspection_save(
    *,
    user: User,
    title: str,
    inspected_on: date,
    inspectors: str = "",
    notes: str = "",
    projects: list[Project] | None = None,
    inspection: Inspection | None = None,
    expected_version: int | None = None,
) -> Inspection:
    """Record an inspection, or correct one (refused when the form is older than the row)."""
    require(user, "supervision.keep")
    if inspection is not None:
        inspection = locked_current(inspection, expected_version, label="该督查记录")
    values = {
        "title": _text(title, "督查名称", limit=200),
        "inspected_on": inspected_on,
        "inspectors": _text(inspectors, "督查人员", required=False, limit=200),
        "notes": _text(notes, "督查情况", required=False),
    }
    if inspection is None:
        inspection = save_recorded(Inspection(created_by=user, **values), user=user)
    elif not save_changes(inspection, values, user=user):
        inspected = set(inspection.projects.values_list("pk", flat=True))
        if projects is None or inspected == {p.pk for p in projects}:
            return inspection  # saved unchanged: no new version, no history, nothing to audit
        save_recorded(inspection, user=user)  # a new version when only the projects changed
    if projects is not None:
        inspection.projects.set(projects)
    return inspection


def _deadline(clock: str, found_on: date, deadline: date | None) -> date:
    if clock not in Finding.Clock.values:
        raise ValidationError("督办机制不在可选范围内。")
    deadline = settle_deadline(clock=clock, found_on=found_on, timetable=deadline)
    if deadline is None:
        raise ValidationError("请填写整改时限（按时间表办结的问题填写时间表的最后期限）。")
    if deadline < found_on:
        raise ValidationError("整改时限不能早于发现日期。")
    return deadline


@audited("交办督查问题")
@transaction.atomic
def finding_create(
    *,
    user: User,
    unit: Unit,
    description: str,
    found_on: date,
    today: date,
    category: str = FactorCategory.OTHER,
    clock: str = Finding.Clock.NONE,
    deadline: date | None = None,
    project: Project | None = None,
    inspection: Inspection | None = None,
) -> Finding:
    """Record a finding and assign it to its unit today (交办); refused, naming where it went,
    when the unit was merged away meanwhile (a merge of it waits for this write, or goes first)."""
    require(user, "supervision.keep")
    lock_units(unit)
    description = _text(description, "问题描述", limit=500)
    if found_on > today:
        raise ValidationError("发现日期不能晚于今天。")
    if category not in FactorCategory.values:
        raise ValidationError("问题类别不在可选范围内。")
    if Finding.objects.filter(unit=unit, description=description, found_on=found_on).exists():
        raise ValidationError("该单位在同一天已登记过相同的问题，请勿重复交办。")
    finding = Finding(
        unit=unit,
        description=description,
        found_on=found_on,
        category=category,
        clock=clock,
        deadline=_deadline(clock, found_on, deadline),
        project=project,
        inspection=inspection,
        assigned_on=today,
        created_by=user,
    )
    save_recorded(finding, user=user, clash="该单位在同一天已登记过相同的问题，请勿重复交办。")
    _event(finding, Action.ASSIGNED, user, f"交办{unit}，整改时限{finding.deadline:%Y-%m-%d}")
    return finding


@audited("修改督查问题")
@transaction.atomic
def finding_edit(
    *,
    user: User,
    finding: Finding,
    description: str,
    category: str,
    deadline: date | None,
    project: Project | None = None,
    expected_version: int | None = None,
) -> Finding:
    """The supervisor corrects a finding or sets a new timetable; a closed finding stays as closed."""
    require(user, "supervision.keep")
    finding = locked_current(finding, expected_version, label="该问题")
    if refusal := edit_state_refusal(finding):
        raise ValidationError(refusal)
    if category not in FactorCategory.values:
        raise ValidationError("问题类别不在可选范围内。")
    values = {
        "description": _text(description, "问题描述", limit=500),
        "category": category,
        "deadline": _deadline(finding.clock, finding.found_on, deadline),
        "project": project,
    }
    changed = [
        str(cast("Field[Any, Any]", Finding._meta.get_field(name)).verbose_name)
        for name in save_changes(finding, values, user=user, clash=DUPLICATE)
    ]
    if not changed:
        return finding  # saved as shown: no new version, no 修改 event
    _event(
        finding,
        Action.EDITED,
        user,
        f"修改了{'、'.join(changed)}；整改时限{finding.deadline:%Y-%m-%d}",
    )
    return finding


@audited("转交督查问题")
@transaction.atomic
def finding_move(
    *,
    user: User,
    finding: Finding,
    unit: Unit,
    reason: str,
    expected_version: int | None = None,
) -> Finding:
    """The supervisor gives a finding assigned to the wrong unit to the right one.

    Only before the unit has answered (`Finding.move_refusal`); the deadline and the 13710
    clocks stay as they were, since they run from the day the finding was found.
    """
    require(user, "supervision.keep")
    lock_units(unit)  # before the finding: a merge locks units, then their rows
    finding = locked_current(finding, expected_version, label="该问题")
    if refusal := finding.move_refusal:
        raise ValidationError(refusal)
    if unit.pk == finding.unit_id:
        raise ValidationError(f"该问题已由{unit}负责，请选择其他单位。")
    reason = _text(reason, "转交原因", limit=500)
    previous = finding.unit
    duplicate = Finding.objects.filter(
        unit=unit, description=finding.description, found_on=finding.found_on
    )
    if duplicate.exists():
        raise ValidationError(f"{unit}在同一天已登记过相同的问题，不能转交。")
    save_changes(
        finding, {"unit": unit}, user=user, clash=f"{unit}在同一天已登记过相同的问题，不能转交。"
    )
    _event(finding, Action.MOVED, user, f"由{previous}转交{unit}。原因：{reason}")
    return finding


@audited("填报整改情况")
@transaction.atomic
def finding_answer(
    *,
    user: User,
    finding: Finding,
    note: str,
    today: date,
    files: Sequence[Attachment] = (),
    done: bool = False,
    expected_version: int | None = None,
) -> Finding:
    """The unit reports its rectification: a plan or progress, or (``done``) that it is finished."""
    require(user, "finding.answer", finding)
    finding = locked_current(finding, expected_version, label="该问题")
    if refusal := answer_state_refusal(finding):
        raise ValidationError(refusal)
    note = _text(note, "整改完成情况" if done else "整改措施或进展")
    values = {
        "status": Status.RECTIFIED if done else Status.IN_PROGRESS,
        "rectification": note,
        "first_reply_on": finding.first_reply_on or today,
    }
    save_changes(finding, values, user=user)
    _event(finding, Action.RECTIFIED if done else Action.REPLY, user, note, files)
    return finding


def _require_rectified(finding: Finding, verb: str) -> None:
    if refusal := review_state_refusal(finding, verb):
        raise ValidationError(refusal)


@audited("督查问题销号")
@transaction.atomic
def finding_close(*, user: User, finding: Finding, today: date, note: str = "") -> Finding:
    """销号: the supervisor accepts the unit's rectification."""
    require(user, "supervision.keep")
    finding = locked(finding)
    _require_rectified(finding, "销号")
    save_changes(finding, {"status": Status.CLOSED, "closed_on": today}, user=user)
    _event(finding, Action.CLOSED, user, _text(note, "验收意见", required=False))
    return finding


@audited("退回整改")
@transaction.atomic
def finding_send_back(*, user: User, finding: Finding, reason: str) -> Finding:
    """The rectification is not accepted: back to the unit with the reason."""
    require(user, "supervision.keep")
    finding = locked(finding)
    _require_rectified(finding, "退回")
    reason = _text(reason, "退回原因")
    save_changes(finding, {"status": Status.IN_PROGRESS}, user=user)
    _event(finding, Action.SENT_BACK, user, reason)
    return finding


@audited("印发通报")
@transaction.atomic
def notice_issue(
    *,
    user: User,
    year: int,
    period: str,
    month: int,
    title: str,
    opening: str,
    content: dict[str, Any],
) -> Notice:
    """Issue a notice (通报) numbered in its year; its content is kept as it stands today."""
    require(user, "supervision.keep")
    if period not in Notice.Period.values or not 1 <= month <= 12:
        raise ValidationError("通报周期不正确。")
    # Lock the year's notices so two issued at once do not take the same number.
    issued = list(Notice.objects.select_for_update().filter(year=year).values_list("pk", flat=True))
    notice = Notice(
        number=f"{year}年第{len(issued) + 1}期",
        title=_text(title, "通报标题", limit=200),
        year=year,
        period=period,
        month=month,
        opening=_text(opening, "通报正文", limit=5000),
        content=content,
        issued_by=user,
    )
    return save_recorded(notice, user=user, clash="另一份通报正在印发，请稍后重试。")


def today() -> date:
    return timezone.localdate()
