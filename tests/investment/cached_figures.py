"""A figure page kept in the figure cache (`investment.selectors.figure_cache`), as its tests
read it: whether a view computed its figures or read them from the cache, and that a write
shows on it at once."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

T = TypeVar("T")


def signed_in(user) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)  # before the page is read: a sign-in writes too
    return client


def plan_rows_read(client: Client, page: str, asked: dict[str, Any]) -> int:
    """How many of the page's queries read the plan rows (none: its figures came from the cache)."""
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse(page), asked)
    return sum("projects_annualplan" in query["sql"] for query in queries.captured_queries)


def changed_at_once(
    shown: Callable[[Client], T], client: Client, page: str, asked: dict[str, Any], doing: Callable
) -> T:
    """``doing`` written and committed, the page (``shown`` to ``client``) shows at once what
    the data now give (the figures computed afresh), and not what it showed before; what it
    shows now."""
    before = shown(client)
    assert plan_rows_read(client, page, asked) == 0, "the page read its figures from the cache"
    doing()
    now = shown(client)
    caches["figures"].clear()
    assert now == shown(client), doing.__doc__
    assert now != before, doing.__doc__
    return now
