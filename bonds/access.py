"""Fund applications are seen through their project: a reporter sees their unit's only."""

from django.db.models import QuerySet
from django.http import Http404
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


def deleted_spending_for(user: User, pk: int) -> int:
    """The application (id) of a 支出 entry already deleted, within the user's scope: a second
    click on 删除 (two tabs, a slow network) is told it is gone, on the application's page."""
    record = (
        FundSpending.history.filter(
            id=pk, history_type="-", application_id__in=visible_funds(user).values("pk")
        )
        .values_list("application_id", flat=True)
        .first()
    )
    if record is None:
        raise Http404("没有这条支出明细")
    return int(record)
