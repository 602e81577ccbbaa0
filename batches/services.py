"""Every write to 三个一批 goes through here: atomic, checked, recorded (history and audit).

The project office keeps the batches (期次) and lists projects in them under 签约, 开工 or 投产
with their 目标日期; the ledger's sheet 三个一批 writes the same rows in bulk
(`ledger.services.importer`). The dates the rates read are the projects' own (签约日期, 投产日期 on
the project form; 实际开(复)工日期 on the plan rows).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import audited
from batches.models import Batch, BatchEntry, Kind
from batches.rules import NAME_EXAMPLE, target_date_problem
from core import journal
from core.capabilities import require
from core.names import clean_name
from core.params import YEAR_PROBLEM, is_year
from core.versioning import delete_recorded, locked_current, save_changes, save_recorded
from projects.models import Project, User

NAME_TAKEN = "已有同名的期次，请换一个名称或编辑原期次。"
LISTED = "该项目已在本期次的同一类别中。"
NAME_LIMIT = 50


def batch_problems(*, name: str, year: int | None, quarter: int | None) -> list[str]:
    """Why a batch cannot be kept as given (the form and the import say the same)."""
    problems = []
    if not name:
        problems.append(f"请填写期次名称，如“{NAME_EXAMPLE}”。")
    elif len(name) > NAME_LIMIT:
        problems.append(f"期次名称最多{NAME_LIMIT}个字。")
    if year is None or not is_year(year):
        problems.append(f"{YEAR_PROBLEM}。")
    if quarter not in (1, 2, 3, 4):
        problems.append("季度应为一至四季度。")
    return problems


@audited(lambda **given: "编辑三个一批期次" if given.get("batch") else "新建三个一批期次")
@transaction.atomic
def batch_save(
    *,
    user: User,
    name: str,
    year: int,
    quarter: int,
    note: str = "",
    batch: Batch | None = None,
    expected_version: int | None = None,
) -> Batch:
    """Create a batch, or change one; an edit made on an out-of-date form is refused naming
    what changed since, and one saved as shown writes nothing."""
    require(user, "register.keep")
    name = clean_name(name or "")  # a zero-width or full-width twin is the same 期次
    values = {"name": name, "year": year, "quarter": quarter, "note": (note or "").strip()[:2000]}
    problems = batch_problems(name=name, year=year, quarter=quarter)
    if problems:
        raise ValidationError(problems)
    if batch is None:
        return save_recorded(Batch(**values), user=user, clash=NAME_TAKEN)
    current = locked_current(batch, expected_version, label=lambda b: f"期次“{b.name}”")
    save_changes(current, values, user=user, clash=NAME_TAKEN)
    return current


@audited("三个一批列入项目")
@transaction.atomic
def entries_add(
    *,
    user: User,
    batch: Batch,
    kind: str,
    projects: list[Project],
    target_date: date | None = None,
) -> list[BatchEntry]:
    """List ``projects`` in ``batch`` under ``kind`` with one 目标日期; a project already
    listed there is refused by name (its 目标日期 is changed on its own row)."""
    require(user, "register.keep")
    if kind not in Kind.values:
        raise ValidationError(f"类别应为{'、'.join(Kind.labels)}之一。")
    if not projects:
        raise ValidationError("请选择要列入的项目。")
    if problem := target_date_problem(target_date, batch.year):
        raise ValidationError(f"{problem}。")
    already = set(
        BatchEntry.objects.filter(batch=batch, kind=kind, project__in=projects).values_list(
            "project__name", flat=True
        )
    )
    if already:
        raise ValidationError(
            f"{'、'.join(sorted(already))}已列入本期次的“{Kind(kind).label}”，未重复列入。"
        )
    added = []
    for project in projects:
        entry = BatchEntry(batch=batch, project=project, kind=kind, target_date=target_date)
        added.append(save_recorded(entry, user=user, clash=LISTED))
    journal.note(f"{batch.name}“{Kind(kind).label}”列入{len(added)}个项目")
    return added


@audited("修改三个一批目标日期")
@transaction.atomic
def entry_save(
    *, user: User, entry: BatchEntry, target_date: date | None, expected_version: int | None
) -> BatchEntry:
    require(user, "register.keep", entry)
    current = locked_current(
        entry, expected_version, label=lambda e: f"“{e.project.name}”的{e.get_kind_display()}目标"
    )
    if problem := target_date_problem(target_date, current.batch.year):
        raise ValidationError(f"{problem}。")
    save_changes(current, {"target_date": target_date}, user=user)
    return current


@audited("三个一批移出项目")
@transaction.atomic
def entry_remove(*, user: User, entry: BatchEntry) -> None:
    require(user, "register.keep", entry)
    delete_recorded(entry, user=user)
