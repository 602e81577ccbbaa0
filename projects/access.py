"""Who may see and change what, in one place for the project register.

Objects are always fetched through the user's scope: a reporter's scope is their own unit,
so another unit's project is "not found" (404) rather than "forbidden". Read-only roles get
403 on writes.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from projects.models import AnnualPlan, AnnualPlanQuerySet, Project, User

# The administrator keeps users and settings, not the register or the reports.
OFFICE_ROLES = (User.Role.OFFICER,)


def visible_projects(user: User) -> QuerySet[Project]:
    projects = Project.objects.all()
    if user.role == User.Role.REPORTER:
        projects = projects.filter(unit=user.unit_id)
    return projects


def visible_plans(user: User) -> AnnualPlanQuerySet:
    plans = AnnualPlan.objects.all()
    if user.role == User.Role.REPORTER:
        plans = plans.filter(project__unit=user.unit_id)
    return plans


def project_for(user: User, pk: int) -> Project:
    return get_object_or_404(visible_projects(user).select_related("unit", "replaced_by"), pk=pk)


def require_office(user: User) -> None:
    """Keeping the register (projects, plans, milestones) is the project office's job."""
    if user.role not in OFFICE_ROLES:
        raise PermissionDenied("只有项目办可以进行此操作。")
