"""Reads of the accounts pages: the user names django-axes has locked, the pending password
reset of each account."""

from collections.abc import Iterable

from axes.models import AccessAttempt
from django.conf import settings

from projects.models import PasswordResetRequest, User


def locked_usernames() -> set[str]:
    return set(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).values_list("username", flat=True)
    )


def pending_resets(accounts: Iterable[User]) -> dict[int, PasswordResetRequest]:
    """The pending request of each of ``accounts`` that has one, by account id (one query)."""
    pending = PasswordResetRequest.objects.filter(
        status=PasswordResetRequest.Status.PENDING, account__in=[a.pk for a in accounts]
    ).select_related("requested_by")
    return {reset.account_id: reset for reset in pending}
