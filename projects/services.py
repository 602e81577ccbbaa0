"""Writes to the project register that are more than saving a form."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from projects.access import require_office
from projects.models import Milestone, Project, Stage, User
from projects.versioning import check_version


@transaction.atomic
def project_replace(*, project: Project, replacement: Project, user: User) -> Project:
    """替换: a project that cannot start is swapped for another of the same investment scale.

    Both stay in the register; the first is marked 替换 and points at the second.
    """
    require_office(user)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if replacement.pk == project.pk:
        raise ValidationError("不能用项目自身替换。")
    if replacement.stage == Stage.REPLACED:
        raise ValidationError("所选项目本身已被替换，请选择其他项目。")
    if replacement.total_investment < project.total_investment:
        raise ValidationError(
            f"替换项目的总投资（{replacement.total_investment}万元）低于原项目"
            f"（{project.total_investment}万元），不符合“投资规模不变”的要求。"
        )
    project.stage = Stage.REPLACED
    project.replaced_by = replacement
    project.save(update_fields=["stage", "replaced_by", "updated_at"])
    return project


APPROVAL_CHAIN = ["立项", "用地预审与选址", "环评", "节能审查", "用地批复", "规划许可", "施工许可"]


@transaction.atomic
def add_approval_chain(
    *, project: Project, first_date: date, user: User, step_days: int = 20
) -> int:
    """Add the 前期手续 chain's missing steps as milestones, one every ``step_days``."""
    require_office(user)
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
    Milestone.objects.bulk_create(created)
    return len(created)


@transaction.atomic
def milestone_done(*, milestone: Milestone, user: User, actual_date: date | None) -> Milestone:
    """Record (or clear) when a milestone was done: the office, or the project's own reporter."""
    if user.role == User.Role.REPORTER:
        if milestone.project.unit_id != user.unit_id:
            raise PermissionDenied("只能填报本单位项目的节点。")
    else:
        require_office(user)
    if actual_date and actual_date > timezone.localdate():
        raise ValidationError("实际完成日期不能晚于今天。")
    milestone.actual_date = actual_date
    milestone.save(update_fields=["actual_date"])
    return milestone


@transaction.atomic
def project_save(form) -> Project:
    """Save a valid project form; an edit made on an out-of-date form is refused (optimistic
    locking) with what changed since, so nobody's change is silently lost."""
    project = form.instance
    if project.pk:
        current = Project.objects.select_for_update().get(pk=project.pk)
        check_version(current, form.cleaned_data.get("version"), label=f"项目“{current.name}”")
        project.version = current.version
    return form.save()
