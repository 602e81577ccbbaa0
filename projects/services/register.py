"""Writes to the project register that are more than saving a form: a project (`project_save`),
a year's plan row (`plan_add`, `plan_update`, and what a recorded start sets off,
`start_recorded`), 替换 (`project_replace`) and milestones (`milestone_add`, `milestone_update`,
`milestone_done`, `add_approval_chain`).

Each is atomic with a row lock, checks the capability (the office keeps the register; the
project's own reporter records its start, 纳统 and milestone dates: `plan_fields_for` says
which fields, and the page and the form read it), refuses a form older than the row naming
what changed, writes nothing for a form saved unchanged, and names its user in the history
(`core.versioning`), so a command or a test records who too. The views validate the form and
hand its fields over.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from audit.services import audited
from core import journal
from core.amounts import check_amount
from core.capabilities import can, require
from core.formatting import wan_text
from core.params import YEAR_PROBLEM, is_year
from core.versioning import (
    check_version,
    locked,
    locked_current,
    save_changes,
    save_recorded,
    unchanged,
)
from projects.models import (
    AnnualPlan,
    Level,
    Milestone,
    Nature,
    Project,
    ProjectRevision,
    Stage,
    Unit,
    User,
)
from projects.rules import actual_date_problem, completed_before_start
from projects.selectors import first_start
from projects.services import revisions
from projects.services.units import lock_units

CODE_TAKEN = "该项目代码已存在。"  # as the form says it (ProjectForm's unique message)


def replaceable_years(project: Project) -> list[int]:
    """The years whose list ``project`` can be taken off by 替换: its rows not yet replaced,
    latest first (the form offers these; the service takes no other)."""
    return list(
        project.plans.filter(replaced_by__isnull=True)
        .order_by("-year")
        .values_list("year", flat=True)
    )


STARTED_STAGES = (Stage.CONSTRUCTION, Stage.COMPLETED, Stage.OPERATING)
REPLACE_REASON_LIMIT = 500


def started_on(project: Project) -> str | None:
    """How ``project`` has started, as the 替换 refusal says it (None: it has not): its
    earliest 实际开(复)工日期, or a stage past 前期."""
    start = (
        project.plans.filter(actual_start__isnull=False)
        .order_by("actual_start")
        .values_list("actual_start", flat=True)
        .first()
    )
    if start is not None:
        return f"已于{start:%Y-%m-%d}开(复)工"
    if project.stage in STARTED_STAGES:
        return f"项目阶段为“{project.get_stage_display()}”"
    return None


@audited("替换项目")
@transaction.atomic
def project_replace(
    *,
    project: Project,
    replacement: Project,
    user: User,
    year: int | None = None,
    reason: str = "",
) -> Project:
    """替换 (DESIGN.md §3): a project that cannot start is swapped for another of the same
    investment scale.

    Both stay in the register; the first is marked 替换 and points at the second. Its plan row
    of ``year`` is marked replaced, so it leaves every figure of that year
    (`AnnualPlan.objects.counted`), and the replacement joins that year's list with the row's
    年度计划投资 and level, unless it is on the list already. ``year`` may be left out only
    when the project is on no list. A project that has started is refused unless the office
    gives the ``reason``, kept on the project and in its history.
    """
    require(user, "register.keep")
    project = Project.objects.select_for_update().get(pk=project.pk)
    replacement = Project.objects.select_for_update().get(pk=replacement.pk)
    if replacement.pk == project.pk:
        raise ValidationError("不能用项目自身替换。")
    if project.stage == Stage.REPLACED:
        raise ValidationError(f"“{project.name}”已被替换为“{project.replaced_by}”，不能再次替换。")
    if replacement.stage == Stage.REPLACED:
        raise ValidationError("所选项目本身已被替换，请选择其他项目。")
    reason = (reason or "").strip()
    if len(reason) > REPLACE_REASON_LIMIT:
        raise ValidationError(f"替换原因不超过{REPLACE_REASON_LIMIT}字。")
    started = started_on(project)
    if started is not None and not reason:
        raise ValidationError(
            f"“{project.name}”{started}，替换只用于确实无法开工的项目，未替换；"
            "如确需替换，请填写替换原因（记入变更记录）。",
            code="started",
        )
    if replacement.total_investment < project.total_investment:
        raise ValidationError(
            f"替换项目的总投资（{wan_text(replacement.total_investment)}）低于原项目"
            f"（{wan_text(project.total_investment)}），不符合“投资规模不变”的要求。"
        )
    plans = AnnualPlan.objects.select_for_update()
    plan = None
    if year is not None:
        plan = plans.filter(project=project, year=year, replaced_by__isnull=True).first()
        if plan is None:
            raise ValidationError(f"“{project.name}”不在{year}年度计划中，请选择它所在的年度。")
    elif plans.filter(project=project, replaced_by__isnull=True).exists():
        raise ValidationError("请选择在哪一年度的计划中替换。")
    values = {"stage": Stage.REPLACED, "replaced_by": replacement, "replace_reason": reason}
    save_changes(project, values, user=user)
    if reason:
        journal.note(f"替换已开工项目{project.code}，原因：{reason}"[:500])
    if plan is not None:
        save_changes(plan, {"replaced_by": replacement}, user=user)
        joined = plans.filter(project=replacement, year=plan.year).first()
        if joined is None:
            earlier = replacement.plans.filter(year__lt=plan.year).exists()
            joining = AnnualPlan(
                project=replacement,
                year=plan.year,
                level=plan.level,
                nature=Nature.CONTINUING if earlier else Nature.NEW,
                planned_investment=plan.planned_investment,
            )
            save_recorded(joining, user=user)
            revisions.originals_fill([replacement.pk])  # Z enters a list: its originals
    return project


# 年度计划 rows: the office keeps the plan itself; a unit reports its project's start and
# 纳统 date, facts it knows first (DESIGN.md §1: a reporter updates their projects' dates).
PLAN_OFFICE_FIELDS = ("level", "nature", "planned_investment", "actual_start", "statistics_date")
PLAN_UNIT_FIELDS = ("actual_start", "statistics_date")


def _role_plan_fields(user: User, plan: AnnualPlan) -> tuple[str, ...]:
    if can(user, "register.keep", plan):
        return PLAN_OFFICE_FIELDS
    if can(user, "plan.record_start", plan):
        return PLAN_UNIT_FIELDS
    return ()


def plan_fields_for(user: User, plan: AnnualPlan) -> tuple[str, ...]:
    """The fields of ``plan`` that ``user`` may change (none: no edit offered). A replaced
    row is kept as it was."""
    return () if plan.replaced_by_id else _role_plan_fields(user, plan)


def _check_level_nature(level: str, nature: str) -> None:
    if level not in Level.values:
        raise ValidationError(f"项目级别应为{'、'.join(Level.labels)}之一。")
    if nature not in Nature.values:
        raise ValidationError(f"建设性质应为{'、'.join(Nature.labels)}之一。")


@audited("列入年度计划")
@transaction.atomic
def plan_add(
    *,
    project: Project,
    user: User,
    year: int,
    level: str,
    nature: str,
    planned_investment: Decimal,
    actual_start: date | None = None,
    statistics_date: date | None = None,
    today: date | None = None,
) -> AnnualPlan:
    """列入年度计划: the office puts a project on year ``year``'s list, once per year, with the
    checks ``plan_update`` makes of the same fields."""
    require(user, "register.keep")
    today = today or timezone.localdate()
    project = Project.objects.select_for_update().get(pk=project.pk)  # one row per year, raced
    if not is_year(year):
        raise ValidationError(f"{YEAR_PROBLEM}。")
    if project.plans.filter(year=year).exists():
        raise ValidationError(f"“{project.name}”已列入{year}年度的计划。")
    if planned_investment is None:
        raise ValidationError("请填写年度计划投资（万元）。")
    check_amount(planned_investment, label="年度计划投资")
    _check_level_nature(level, nature)
    plan = AnnualPlan(
        project=project,
        year=year,
        level=level,
        nature=nature,
        planned_investment=planned_investment,
        actual_start=actual_start,
        statistics_date=statistics_date,
    )
    given = {"actual_start": actual_start, "statistics_date": statistics_date}
    problems = _plan_date_problems(plan, given, today)
    if problems:
        raise ValidationError(problems)
    save_recorded(plan, user=user)
    revisions.originals_fill([project.pk])  # its first list: the approval it came with
    if actual_start is not None:
        start_recorded(starts={project.pk: actual_start}, user=user)
    return plan


# Recording a start (实际开(复)工日期, DESIGN.md §3) is the project's start: a 储备/前期 project
# is 在建 from then on, and its 主体开工 milestone, when still open, was done that day (else it
# stays 节点逾期). Every writer of a start date goes through ``start_recorded``: the plan edit,
# 列入年度计划 and the ledger import.
MAIN_START = "主体开工"
NOT_STARTED = (Stage.RESERVE, Stage.PREPARATION)


@dataclass(frozen=True)
class StartFollowed:
    """One write ``start_recorded`` made, for the import's change log: (record, field, old, new)."""

    record: Project | Milestone
    field: str
    old: object
    new: object


def start_recorded(
    *, starts: dict[int, date], user: User | None, keep_stage: Iterable[int] = ()
) -> list[StartFollowed]:
    """Follow the start dates just recorded ({project id: start date}): a 储备/前期 project
    moves to 在建 (unless in ``keep_stage``: an import row that states the stage itself), and
    an open 主体开工 milestone is done on that date. Written with history naming ``user`` and a
    new version (a form opened before is stale); the caller holds the transaction.

    Clearing a start reverts nothing, and a start saved again unchanged is not recorded. The
    ledger import logs both changes on the 项目台账 row, keeps a 项目阶段 its row states anew
    (one that repeats the stored stage states nothing), and calls this after 项目节点, so a
    主体开工 the same workbook adds is completed too."""
    if not starts:
        return []
    followed: list[StartFollowed] = []
    kept = set(keep_stage)
    projects = list(
        Project.objects.select_for_update()
        .filter(pk__in=[pk for pk in starts if pk not in kept], stage__in=NOT_STARTED)
        .order_by("pk")
    )
    now = timezone.now()
    for project in projects:
        followed.append(StartFollowed(project, "stage", project.stage, Stage.CONSTRUCTION))
        project.stage = Stage.CONSTRUCTION
        project.version += 1
        project.updated_at = now
    milestones = list(
        Milestone.objects.select_for_update()
        .select_related("project")
        .filter(project_id__in=starts, name=MAIN_START, actual_date__isnull=True)
        .order_by("pk")
    )
    for milestone in milestones:
        followed.append(StartFollowed(milestone, "actual_date", None, starts[milestone.project_id]))
        milestone.actual_date = starts[milestone.project_id]
        milestone.version += 1
    # In bulk, as the import writes (a whole county's starts at once), with the model history.
    if projects:
        fields = ["stage", "version", "updated_at"]
        bulk_update_with_history(projects, Project, fields, default_user=user)
    if milestones:
        fields = ["actual_date", "version"]
        bulk_update_with_history(milestones, Milestone, fields, default_user=user)
    return followed


def _plan_date_problems(plan: AnnualPlan, changed: dict[str, Any], today: date) -> list[str]:
    """Dates that cannot be right for year ``plan.year``'s row as ``changed`` leaves it (only
    the dates being changed: one already stored, say by an import, never blocks the rest)."""
    nature = changed.get("nature", plan.nature)
    problems = []
    year_end = date(plan.year, 12, 31)
    start = changed.get("actual_start")
    if start:
        if future := actual_date_problem("实际开(复)工日期", start, today=today):
            problems.append(f"{future}。")
        elif start > year_end:
            problems.append(
                f"实际开(复)工日期（{start:%Y-%m-%d}）晚于{plan.year}年底："
                f"{plan.year}年度计划只记{plan.year}年内的开(复)工。"
            )
        if nature == Nature.NEW and start < date(plan.year, 1, 1):
            problems.append(
                f"新建项目的开工日期应在{plan.year}年内（所填{start:%Y-%m-%d}）；"
                "此前已开工的项目应为续建。"
            )
        others = first_start(plan.project, excluding=plan)
        earliest = start if others is None else min(start, others)
        if before := completed_before_start(plan.project.actual_end, earliest):
            problems.append(f"{before}。")
    if future := actual_date_problem("纳统日期", changed.get("statistics_date"), today=today):
        problems.append(f"{future}。")
    return problems


@audited("修改年度计划或填报开工")
@transaction.atomic
def plan_update(
    *,
    plan: AnnualPlan,
    user: User,
    changes: dict[str, Any],
    version: int | None,
    today: date | None = None,
) -> AnnualPlan:
    """Change a 年度计划 row: the office any of PLAN_OFFICE_FIELDS, the project's own reporter
    its start and 纳统 date. A form older than the row is refused with what changed; a form
    saved unchanged writes nothing. Figures read the row directly, so they change at once.
    A start recorded moves the project to 在建 and completes its 主体开工 (``start_recorded``)."""
    today = today or timezone.localdate()
    plan = locked(plan, related=("project",))
    label = f"“{plan.project.name}”{plan.year}年度计划"
    allowed = _role_plan_fields(user, plan)
    if not allowed:
        raise PermissionDenied("只有项目办或本单位填报员可以修改年度计划。")
    if plan.replaced_by_id:
        raise ValidationError(f"{label}已替换为“{plan.replaced_by.name}”，不再修改。")  # type: ignore[union-attr]
    check_version(plan, version, label=label)
    changed = {
        name: value
        for name, value in changes.items()
        if name in PLAN_OFFICE_FIELDS and getattr(plan, name) != value
    }
    refused = [name for name in changed if name not in allowed]
    if refused:
        raise PermissionDenied(
            "填报员只能填报实际开(复)工日期和纳统日期；级别、性质和年度计划投资由项目办修改。"
        )
    if not changed:
        return plan
    if "planned_investment" in changed and changed["planned_investment"] is None:
        raise ValidationError("请填写年度计划投资（万元）。")
    check_amount(changed.get("planned_investment"), label="年度计划投资")
    _check_level_nature(changed.get("level", Level.COUNTY), changed.get("nature", Nature.NEW))
    problems = _plan_date_problems(plan, changed, today)
    if problems:
        raise ValidationError(problems)
    save_changes(plan, changed, user=user)
    if changed.get("actual_start") is not None:
        start_recorded(starts={plan.project_id: changed["actual_start"]}, user=user)
    return plan


APPROVAL_CHAIN = ["立项", "用地预审与选址", "环评", "节能审查", "用地批复", "规划许可", "施工许可"]


@audited("维护项目节点")
@transaction.atomic
def add_approval_chain(
    *, project: Project, first_date: date, user: User, step_days: int = 20
) -> int:
    """Add the 前期手续 chain's missing steps as milestones, one every ``step_days``."""
    require(user, "register.keep")
    existing = set(project.milestones.values_list("name", flat=True))
    created = [
        Milestone(
            project=project,
            name=name,
            kind=Milestone.Kind.APPROVAL,
            planned_date=first_date + timedelta(days=step_days * index),
        )
        for index, name in enumerate(APPROVAL_CHAIN)
        if name not in existing
    ]
    # with history: a step later completed is compared with how it was added
    bulk_create_with_history(created, Milestone, default_user=user)
    if created:
        journal.note(f"“{project.name}”添加前期手续节点：{'、'.join(m.name for m in created)}")
    return len(created)


def _milestone_label(milestone: Milestone) -> str:
    return f"节点“{milestone.name}”"


@audited("维护项目节点")
@transaction.atomic
def milestone_done(
    *,
    milestone: Milestone,
    user: User,
    actual_date: date | None,
    expected_version: int | None = None,
) -> Milestone:
    """Record (or clear) when a milestone was done: the office, or the project's own reporter.
    A form older than the milestone (``expected_version``) is refused with what changed."""
    require(user, "milestone.record", milestone)
    if future := actual_date_problem("实际完成日期", actual_date, today=timezone.localdate()):
        raise ValidationError(f"{future}。")
    milestone = locked_current(milestone, expected_version, label=_milestone_label)
    save_changes(milestone, {"actual_date": actual_date}, user=user)  # as shown: nothing
    return milestone


MILESTONE_NAME_MAX = 100  # Milestone.name's max_length


def _milestone_problems(
    project: Project, *, name: str, kind: str, actual_date: date | None, pk: int | None
) -> list[str]:
    problems = []
    if not name:
        problems.append("请填写节点名称。")
    elif len(name) > MILESTONE_NAME_MAX:
        problems.append(f"节点名称过长（最多{MILESTONE_NAME_MAX}字）。")
    elif project.milestones.filter(name=name).exclude(pk=pk or 0).exists():
        problems.append(f"该项目已有同名节点“{name}”。")
    if kind not in Milestone.Kind.values:
        problems.append(f"节点类型应为{'、'.join(Milestone.Kind.labels)}之一。")
    if future := actual_date_problem("实际完成日期", actual_date, today=timezone.localdate()):
        problems.append(f"{future}。")
    return problems


@audited("维护项目节点")
@transaction.atomic
def milestone_add(
    *,
    project: Project,
    user: User,
    name: str,
    planned_date: date,
    kind: str = Milestone.Kind.OTHER,
    actual_date: date | None = None,
    unit: Unit | None = None,
) -> Milestone:
    """The office adds a milestone to a project; names are unique within the project."""
    require(user, "register.keep")
    lock_units(unit)  # before the project: a merge locks units, then their rows
    project = Project.objects.select_for_update().get(pk=project.pk)  # names unique, raced
    name = name.strip()
    problems = _milestone_problems(project, name=name, kind=kind, actual_date=actual_date, pk=None)
    if problems:
        raise ValidationError(problems)
    milestone = Milestone(
        project=project,
        name=name,
        kind=kind,
        planned_date=planned_date,
        actual_date=actual_date,
        unit=unit,
    )
    return save_recorded(milestone, user=user)


@audited("修改项目节点")
@transaction.atomic
def milestone_update(
    *,
    milestone: Milestone,
    user: User,
    version: int | None,
    name: str,
    kind: str,
    planned_date: date,
    actual_date: date | None,
    unit: Unit | None,
) -> Milestone:
    """The office corrects a milestone (name, kind, dates, unit). A form older than the
    milestone (``version``) is refused with what changed since; saved unchanged, nothing is
    written (no new version, no history)."""
    require(user, "register.keep")
    lock_units(unit)  # before the milestone: a merge locks units, then their rows
    current = locked_current(milestone, version, label=_milestone_label)
    name = name.strip()
    wanted = {
        "name": name,
        "kind": kind,
        "planned_date": planned_date,
        "actual_date": actual_date,
        "unit_id": unit.pk if unit else None,
    }
    if unchanged(current, wanted):
        return current
    problems = _milestone_problems(
        current.project,
        name=name,
        kind=kind,
        # only a date being changed is checked: one stored earlier never blocks the rest
        actual_date=actual_date if current.actual_date != actual_date else None,
        pk=current.pk,
    )
    if problems:
        raise ValidationError(problems)
    save_changes(current, wanted, user=user)
    return current


@audited(lambda form, **_: "编辑项目" if form.instance.pk else "新建项目")
@transaction.atomic
def project_save(
    form: "forms.ModelForm[Project]",
    *,
    user: User,
    reason: str = "",
    approval_number: str = "",
) -> Project:
    """Save a valid project form; an edit made on an out-of-date form is refused (optimistic
    locking) with what changed since, so nobody's change is silently lost. A listed project's
    new 总投资 or 计划竣工日期 is a revision (`projects.services.revisions`): refused without ``reason``."""
    require(user, "register.keep")
    lock_units(form.cleaned_data.get("unit"))  # before the project: a merge locks units first
    if not form.instance.pk:
        # two offices creating one code at once both pass the form's check: one is refused
        return save_recorded(form.save(commit=False), user=user, clash=CODE_TAKEN)
    current = locked_current(
        form.instance, form.cleaned_data.get("version"), label=lambda p: f"项目“{p.name}”"
    )
    kept = {field.name for field in Project._meta.concrete_fields} - {"version"}
    values = {name: value for name, value in form.cleaned_data.items() if name in kept}
    if unchanged(current, values):
        return current  # saved as shown: no new version, no history, no revision
    revised = {name: values.get(name) for name in revisions.REVISED_NAMES}
    revisions.revisions_record(
        project=current,
        changes=revisions.revision_changes(current, revised),
        user=user,
        reason=reason,
        approval_number=approval_number,
        source=ProjectRevision.Source.FORM,
    )
    # The originals are no form field: kept as stored now (a plan added since the form was
    # drawn gave them), or first taken from this save.
    values |= revisions.originals_given(current, revised)
    save_changes(current, values, user=user, clash=CODE_TAKEN)
    return current
