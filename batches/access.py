"""Batches are seen by everyone who sees the portfolio; their listed projects through the
projects' scope: a reporter sees their unit's listings (and the rates of those) only."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from batches.models import Batch, BatchEntry
from core.capabilities import scoped
from projects.models import User


def visible_batches(user: User) -> QuerySet[Batch]:
    return scoped(user, "portfolio.view", Batch.objects.all(), "entries__project__unit").distinct()


def visible_entries(user: User) -> QuerySet[BatchEntry]:
    return scoped(user, "portfolio.view", BatchEntry.objects.all(), "project__unit")


def batch_for(user: User, pk: int) -> Batch:
    """A batch the user may open: any, for the county-wide roles; one listing a project of
    their unit, for a reporter (else 404)."""
    return get_object_or_404(visible_batches(user), pk=pk)


def entry_for(user: User, pk: int) -> BatchEntry:
    return get_object_or_404(visible_entries(user).select_related("batch", "project"), pk=pk)
