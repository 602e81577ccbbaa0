"""招商引资 records through the user's scope: a unit's reporter sees their unit's, the office,
the supervisors and the leaders every unit's."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.capabilities import scoped
from projects.models import User
from promotion.models import Activity


def visible_activities(user: User) -> QuerySet[Activity]:
    return scoped(user, "portfolio.view", Activity.objects.all(), "unit")


def activity_for(user: User, pk: int) -> Activity:
    return get_object_or_404(visible_activities(user).select_related("unit", "updated_by"), pk=pk)
