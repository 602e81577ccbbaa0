"""Fetching the project register through the user's scope.

Objects are always fetched through the user's scope, which is the scope of `portfolio.view` in
`core.capabilities`: a reporter's is their own unit, so another unit's project is "not
found" (404) rather than "forbidden". What a role may change is the capability table's.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.capabilities import scoped
from projects.models import AnnualPlan, AnnualPlanQuerySet, Project, User


def visible_projects(user: User) -> QuerySet[Project]:
    return scoped(user, "portfolio.view", Project.objects.all(), "unit")


def visible_plans(user: User) -> AnnualPlanQuerySet:
    return scoped(user, "portfolio.view", AnnualPlan.objects.all(), "project__unit")


def project_for(user: User, pk: int) -> Project:
    return get_object_or_404(visible_projects(user).select_related("unit", "replaced_by"), pk=pk)
