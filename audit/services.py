"""Writing the audit trail: each service's action (`audited`), sign-ins (`audit.signals`),
commands (`record_command`), and what the middleware sees of a request (downloads, refusals).

A service that changes data is decorated with the action it is, in the clerk's words
(`@audited("锁定或解锁月份")`), as zulip's ``do_*`` actions write their own audit rows. Its
entry is written by the action itself, inside the action's transaction, with what its saves
wrote (`core.journal`: which rows, each field old → new) and what it said of itself
(`core.journal.note`); a refusal (`ValidationError`, `PermissionDenied`) is written after the
action's transaction is rolled back, with the reason. A service called by another action is
part of it: one entry per action. The request the action runs in (its address, its page) is
the middleware's (`in_request`), so a service names no request.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from audit.models import AuditEntry
from core import journal
from core.errors import error_text

Outcome = AuditEntry.Outcome
P = ParamSpec("P")
R = TypeVar("R")

UNCHANGED = "未作修改"  # an action that found nothing to change (a form saved as shown)


@dataclass
class RequestState:
    """The request under way, and whether an action has written its entry for it."""

    request: HttpRequest
    recorded: bool = False


_request: ContextVar[RequestState | None] = ContextVar("audit_request", default=None)
_unrecorded: ContextVar[bool] = ContextVar("audit_unrecorded", default=False)


@contextmanager
def in_request(request: HttpRequest) -> Iterator[RequestState]:
    """While a request is handled (the middleware): where its actions' entries come from."""
    state = RequestState(request)
    token = _request.set(state)
    try:
        yield state
    finally:
        _request.reset(token)


@contextmanager
def unrecorded() -> Iterator[None]:
    """Actions run in here write no entry of their own: the demo county, made up by
    `seed_demo`, and a command that records itself (`record_command`)."""
    token = _unrecorded.set(True)
    try:
        yield
    finally:
        _unrecorded.reset(token)


def audited(
    action: str | Callable[..., str],
    *,
    by: str = "user",
    refusals: dict[type[Exception], Callable[[Any], str]] | None = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """The service is the action ``action`` (or the one ``action(*args, **kwargs)`` names: 新建
    or 编辑) of the person passed as its ``by`` argument. A `ValidationError` or
    `PermissionDenied` it raises is a refusal; so is an exception of ``refusals``, told as its
    function says (the ledger's list of bad rows, in one line)."""
    told = dict(refusals or {})

    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        @wraps(service)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            user = cast(AbstractBaseUser | None, kwargs.get(by))
            # Part of an action under way, or nobody's (the system's import, with no user: a
            # command records itself, `record_command`): no entry of its own.
            if journal.current() is not None or _unrecorded.get() or user is None:
                return service(*args, **kwargs)
            name = action(*args, **kwargs) if callable(action) else action
            with journal.opened() as written:
                try:
                    with transaction.atomic():
                        result = service(*args, **kwargs)
                        detail = written.text() or UNCHANGED
                        _action_entry(name, user, detail=detail, changes=written.data())
                except ValidationError as error:
                    _action_entry(name, user, detail=error_text(error), refused=True)
                    raise
                except PermissionDenied as error:
                    _action_entry(name, user, detail=str(error) or "无权进行此操作", refused=True)
                    raise
                except tuple(told) as error:
                    _action_entry(name, user, detail=told[type(error)](error), refused=True)
                    raise
            return result

        return run

    return decorate


def _action_entry(
    action: str,
    user: AbstractBaseUser | None,
    *,
    detail: str,
    changes: dict[str, Any] | None = None,
    refused: bool = False,
) -> None:
    state = _request.get()
    if state is not None:
        state.recorded = True
    record(
        category=AuditEntry.Category.WRITE,
        action=action,
        outcome=Outcome.REFUSED if refused else Outcome.SUCCESS,
        request=state.request if state else None,
        user=user,
        target=state.request.get_full_path() if state else "",
        detail=detail,
        changes=changes,
    )


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
    changes: dict[str, Any] | None = None,
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
        changes=changes or {},
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
