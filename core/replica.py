"""The figure pages read from a replica of the database, when one is configured.

``DATABASE_REPLICA_URL`` (config/settings.py) adds the database alias ``replica``, this
module's router and its middleware; unset, there is one database and nothing here runs.

A read goes to the replica only when all of these hold; every other one goes to ``default``:

- the request is a GET (or HEAD) of a view marked ``@figure_page``: the dashboard, the rankings,
  the lag list, the board, the briefing, their exports and the open data. A POST never is;
- the user changed none of the county's data in the last ``REPLICA_PIN_SECONDS``: a clerk who
  has just saved a report sees it counted, read from the primary (signing in changes no data);
- the request has written nothing yet: once a page writes (an export job started), its later
  reads follow its write to the primary;
- no transaction is open on ``default``: a transaction reads what it locks and writes;
- the model is not one of signing in, sessions, the audit trail, the jobs and their queue, a cache
  kept in a table (``PRIMARY_ONLY``, and the users): those are read where they were just written.

Every write goes to ``default`` and migrations run only there. A replica lags its primary by a
moment, so a figure page may show a report a few seconds after it was approved (docs/deployment.md
says why that is acceptable on these pages and nowhere else). A page whose replica read fails (the
standby down, or a query it cancelled to replay the primary's changes) is read again from the
primary, once, before it has written anything.
"""

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.models import Model
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve

from core.http import GetResponse

REPLICA = "replica"
READ_METHODS = {"GET", "HEAD"}
# The apps whose rows are always read from the primary: Django's own (sessions, users' groups,
# content types, the admin's log, a cache kept in a table), sign-in lockouts, the audit trail, the
# jobs and their queue.
PRIMARY_ONLY = {"sessions", "auth", "contenttypes", "admin", "django_cache", "axes", "audit",
                "jobs", "django_tasks_db"}  # fmt: skip
# When the user last changed the county's data (seconds since the epoch), in their session.
LAST_CHANGE_KEY = "data_changed_at"

View = TypeVar("View", bound=Callable[..., Any])
logger = logging.getLogger(__name__)


@dataclass
class _Request:
    """The request being answered, as the router sees it."""

    replica: bool  # its reads may go to the replica (a figure page's, until it writes or fails)
    changed: bool = False  # it wrote a row of the county's data (not a session, audit line, job)


_request: ContextVar[_Request | None] = ContextVar("replica_request", default=None)


def figure_page(view: View) -> View:
    """Mark ``view`` as a figure page: its GET may read from the replica (this module's rules)."""
    view.reads_replica = True  # type: ignore[attr-defined]
    return view


@contextmanager
def answering(*, replica: bool) -> Iterator[_Request]:
    """A request's reads and writes within this block, its reads sent to the replica if
    ``replica`` (the middleware's block around each request)."""
    state = _Request(replica=replica)
    token = _request.set(state)
    try:
        yield state
    finally:
        _request.reset(token)


def _primary_only(model: type[Model]) -> bool:
    tracked = getattr(model, "instance_type", model)  # a history row (simple-history): its model's
    # (a database cache's entry is no model: its _meta has an app_label and no label)
    label = getattr(tracked._meta, "label", None)
    return model._meta.app_label in PRIMARY_ONLY or label == settings.AUTH_USER_MODEL


class ReplicaRouter:
    """Django's database router for ``replica`` (``DATABASE_ROUTERS``), by the module's rules."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        state = _request.get()
        if (
            state is None
            or not state.replica
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
            or _primary_only(model)
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        state = _request.get()
        if state is not None:
            state.replica = False
            state.changed = state.changed or not _primary_only(model)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Each request answered within ``answering``: a figure page's GET reading from the replica
    (unless its user has just changed data); a change of data noted in the user's session."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        replica = (
            request.method in READ_METHODS and _is_figure_page(request) and not _pinned(request)
        )
        with answering(replica=replica) as state:
            response = self.get_response(request)
        if state.changed and request.user.is_authenticated:
            request.session[LAST_CHANGE_KEY] = int(time.time())
        return response

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        """A figure page whose read failed on the replica, before it wrote: the view once more,
        every read on the primary. (The primary's own failure fails this run too: a 500.)"""
        state = _request.get()
        if state is None or not state.replica or not isinstance(exception, OperationalError):
            return None
        state.replica = False
        logger.warning("%s read again from the primary: %s", request.path, exception)
        match = request.resolver_match
        assert match is not None  # the view raised, so it was resolved
        return match.func(request, *match.args, **match.kwargs)


def _is_figure_page(request: HttpRequest) -> bool:
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return False
    return getattr(view, "reads_replica", False)


def _pinned(request: HttpRequest) -> bool:
    changed_at = request.session.get(LAST_CHANGE_KEY) if request.user.is_authenticated else None
    return changed_at is not None and time.time() - changed_at < settings.REPLICA_PIN_SECONDS
