"""Writing the audit trail: one function, used by the middleware, the signals and commands."""

from typing import Any, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from audit.models import AuditEntry

Outcome = AuditEntry.Outcome


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from (REMOTE_ADDR; a proxy in front sets it, see README)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def outcome_of(status_code: int) -> str:
    if status_code >= 500:
        return Outcome.ERROR
    if status_code >= 400:
        return Outcome.REFUSED
    return Outcome.SUCCESS


def record(
    *,
    category: str,
    action: str,
    outcome: str = Outcome.SUCCESS,
    request: HttpRequest | None = None,
    user: AbstractBaseUser | None = None,
    username: str = "",
    target: str = "",
    status_code: int | None = None,
    detail: str = "",
) -> AuditEntry:
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    return AuditEntry.objects.create(
        category=category,
        action=action[:200],
        outcome=outcome,
        user=cast(Any, user),  # the site's user model (AUTH_USER_MODEL), not imported here
        username=(user.get_username() if user is not None else username)[:150],
        role=getattr(user, "role", "") or "",
        ip=client_ip(request),
        target=target[:500],
        status_code=status_code,
        detail=detail[:4000],
    )


def record_command(action: str, *, target: str = "", ok: bool = True, detail: str = "") -> None:
    """A management command that writes (import, restore, backup) run on the server itself."""
    record(
        category=AuditEntry.Category.COMMAND,
        action=action,
        outcome=Outcome.SUCCESS if ok else Outcome.REFUSED,
        username="（命令行）",
        target=target,
        detail=detail,
    )
