"""项目调整 (DESIGN.md §3 Overruns): the one place a listed project's 总投资 or 计划竣工日期 changes.

A project keeps, as 原总投资 and 原计划竣工日期, the values it had when it first entered an annual
list (`originals_fill`, called by whatever puts it on a list: 列入年度计划, 替换, the ledger).
From then on each change of either is a `ProjectRevision` with its date, reason, 批复文号 and who:

- `revision_changes` says what a save would change (None of them: nothing is written);
- `revisions_record` checks the reason and writes the revisions, inside the caller's
  transaction, before the caller saves the project (the project form's `project_save`, the
  ledger import with reason “台账导入：<file>”);
- `project_revise` is the service for everything else (the demo, a command, a test): it locks
  the project, records the revisions and saves the new values with history.

Before a project is on any list its values are not an approval yet: they change freely and
write no revision. A value still blank when it is first given (a 计划竣工日期 typed after the
project was listed) is the original, not a revision (“the first value seen is the original”).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from audit.services import audited
from core.amounts import check_amount
from core.capabilities import require
from core.formatting import wan_text
from core.versioning import locked_current, save_changes
from projects.models import Project, ProjectRevision, User

REVISED = (ProjectRevision.Field.TOTAL, ProjectRevision.Field.COMPLETION)
REVISED_NAMES = tuple(field.value for field in REVISED)
ORIGINAL_OF = {
    ProjectRevision.Field.TOTAL: "original_total",
    ProjectRevision.Field.COMPLETION: "original_completion",
}
REASON_LIMIT = 500
APPROVAL_LIMIT = 100


@dataclass(frozen=True)
class Change:
    """One revised value: which field, from what to what."""

    field: ProjectRevision.Field
    old: Decimal | date | None
    new: Decimal | date | None

    @property
    def text(self) -> str:
        """“总投资由5,000万元调整为6,200万元” as the refusal and the list say it."""
        return f"{self.field.label}由{_shown(self.old)}调整为{_shown(self.new)}"


def _shown(value: Decimal | date | None) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, Decimal):
        return wan_text(value)
    return f"{value:%Y-%m-%d}"


def revision_text(revision: ProjectRevision) -> str:
    """“总投资由5,000.00万元调整为6,200.00万元” for a revision written."""
    field = ProjectRevision.Field(revision.field)
    return Change(field, revision.old_value, revision.new_value).text


def is_listed(project: Project) -> bool:
    """Whether ``project`` has entered an annual list (its originals are kept from then)."""
    return project.original_total is not None


def revision_changes(project: Project, values: dict[str, Any]) -> list[Change]:
    """The revisions saving ``values`` (field name → new value) on ``project`` (as stored)
    would make: only a listed project's, only a value that differs, and not a first value."""
    if not is_listed(project):
        return []
    changes = []
    for field in REVISED:
        if field.value not in values:
            continue
        old, new = getattr(project, field.value), values[field.value]
        if old is None or old == new:  # a first value is the original (originals_fill)
            continue
        changes.append(Change(field, old, new))
    return changes


def originals_given(project: Project, values: dict[str, Any]) -> dict[str, Any]:
    """The originals a listed ``project`` takes from ``values`` when it had none yet (a
    计划竣工日期 first given after it was listed): field name → value."""
    if not is_listed(project):
        return {}
    return {
        ORIGINAL_OF[field]: values[field.value]
        for field in REVISED
        if values.get(field.value) is not None and getattr(project, ORIGINAL_OF[field]) is None
    }


def clean_reason(reason: str | None, approval_number: str | None) -> tuple[str, str]:
    reason, number = (reason or "").strip(), (approval_number or "").strip()
    if len(reason) > REASON_LIMIT:
        raise ValidationError(f"调整原因最多{REASON_LIMIT}字。")
    if len(number) > APPROVAL_LIMIT:
        raise ValidationError(f"批复文号最多{APPROVAL_LIMIT}字。")
    return reason, number


def reason_refusal(project: Project, changes: list[Change]) -> str:
    return (
        f"“{project.name}”已列入年度计划，{'；'.join(c.text for c in changes)}属于项目调整，"
        "请填写调整原因（如概算调整批复），未保存。"
    )


def revisions_record(
    *,
    project: Project,
    changes: list[Change],
    user: User | None,
    reason: str,
    approval_number: str = "",
    revised_on: date | None = None,
    source: str = ProjectRevision.Source.SERVICE,
) -> list[ProjectRevision]:
    """Write ``changes`` of ``project`` as revisions, with their history; refused (nothing
    written) without a reason. Call inside the transaction that saves the new values."""
    if not changes:
        return []
    reason, approval_number = clean_reason(reason, approval_number)
    if not reason:
        raise ValidationError(reason_refusal(project, changes), code="reason")
    revisions = [
        _revision(project, change, user, reason, approval_number, revised_on, source)
        for change in changes
    ]
    bulk_create_with_history(revisions, ProjectRevision, default_user=user)
    return revisions


def _revision(
    project: Project,
    change: Change,
    user: User | None,
    reason: str,
    approval_number: str,
    revised_on: date | None,
    source: str,
) -> ProjectRevision:
    total = change.field == ProjectRevision.Field.TOTAL
    amounts = (change.old, change.new) if total else (None, None)
    dates = (None, None) if total else (change.old, change.new)
    return ProjectRevision(
        project=project,
        field=change.field,
        old_total=cast(Decimal | None, amounts[0]),
        new_total=cast(Decimal | None, amounts[1]),
        old_date=cast(date | None, dates[0]),
        new_date=cast(date | None, dates[1]),
        revised_on=revised_on or timezone.localdate(),
        reason=reason,
        approval_number=approval_number,
        source=source,
        recorded_by=user,
    )


def imported_revisions(
    *, stored: dict[int, tuple[Project, dict[str, Any]]], user: User | None, filename: str
) -> list[ProjectRevision]:
    """The ledger's revisions: for each project id, (the project as stored before the import,
    the values the import wrote). A workbook has no reason column (DESIGN.md §4 is pinned), so
    the reason is the import itself, “台账导入：<file>”; who imported is recorded."""
    reason = f"台账导入：{filename}"[:REASON_LIMIT]
    revisions = [
        _revision(before, change, user, reason, "", None, ProjectRevision.Source.LEDGER)
        for before, values in stored.values()
        for change in revision_changes(before, values)
    ]
    bulk_create_with_history(revisions, ProjectRevision, batch_size=1000, default_user=user)
    return revisions


def originals_fill(project_ids: Iterable[int]) -> int:
    """Projects entering an annual list keep their current 总投资 and 计划竣工日期 as the
    originals, where they have none yet (one UPDATE each; no history: they are the values the
    project already shows). Returns how many projects took an original 总投资."""
    ids = list(project_ids)
    projects = Project.objects.filter(pk__in=ids)
    count = projects.filter(original_total__isnull=True).update(
        original_total=F("total_investment")
    )
    projects.filter(original_completion__isnull=True, planned_end__isnull=False).update(
        original_completion=F("planned_end")
    )
    return count


@audited("调整项目总投资或计划竣工日期")
@transaction.atomic
def project_revise(
    *,
    project: Project,
    user: User,
    reason: str,
    approval_number: str = "",
    total_investment: Decimal | None = None,
    planned_end: date | None = None,
    revised_on: date | None = None,
    expected_version: int | None = None,
) -> list[ProjectRevision]:
    """The office revises a project's 总投资 and/or 计划竣工日期 (a value left None is kept):
    recorded as revisions when the project is listed, saved with its history. Unchanged, it
    writes nothing."""
    require(user, "register.keep", project)
    current = locked_current(project, expected_version, label=f"项目“{project.name}”")
    values: dict[str, Any] = {}
    if total_investment is not None:
        check_amount(total_investment, label="总投资")
        values["total_investment"] = total_investment
    if planned_end is not None:
        if current.planned_start and planned_end < current.planned_start:
            raise ValidationError("计划竣工日期早于计划开工日期。")
        values["planned_end"] = planned_end
    changes = revision_changes(current, values)
    revisions = revisions_record(
        project=current,
        changes=changes,
        user=user,
        reason=reason,
        approval_number=approval_number,
        revised_on=revised_on,
        source=ProjectRevision.Source.SERVICE,
    )
    save_changes(current, values | originals_given(current, values), user=user)
    return revisions
