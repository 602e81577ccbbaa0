"""Writes to the project register that are more than saving a form."""

from django.core.exceptions import ValidationError
from django.db import transaction

from projects.access import require_office
from projects.models import Project, Stage, User


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
