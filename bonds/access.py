"""Fund applications are seen through their project: a reporter sees their unit's only."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from bonds.models import FundApplication, FundAttachment, FundSpending
from core.capabilities import scoped
from projects.models import User


def visible_funds(user: User) -> QuerySet[FundApplication]:
    return scoped(user, "portfolio.view", FundApplication.objects.all(), "project__unit")


def fund_for(user: User, pk: int) -> FundApplication:
    return get_object_or_404(
        visible_funds(user).select_related("project__unit", "updated_by"), pk=pk
    )


def attachment_for(user: User, pk: int) -> FundAttachment:
    return get_object_or_404(
        FundAttachment.objects.filter(application__in=visible_funds(user)), pk=pk
    )


def spending_for(user: User, pk: int) -> FundSpending:
    return get_object_or_404(
        FundSpending.objects.filter(application__in=visible_funds(user)).select_related(
            "application__project"
        ),
        pk=pk,
    )
