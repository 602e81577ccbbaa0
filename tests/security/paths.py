"""Hostile requests sent once per code path, not once per role.

A refusal (no capability, another unit's record, no one signed in) is decided before a view
reads its form or query, and two roles a view lets in read the same fields through the same
form when the same names are looked up. So each role sends the first hostile request, and
the roles that answer it with the same status after looking up the same names (in the query
and the posted form: every QueryDict look-up) are one path; the rest of the hostile requests
go once per path, as its first role. Which role may do what is the permission matrix's
business (tests/test_permission_matrix.py), not the hostile tests'.

Each role's requests run in a savepoint rolled back after them, so every role meets the data
as the test built it, whatever an earlier role's request wrote.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import transaction
from django.http import QueryDict
from django.test import Client

from projects.models import User


@contextmanager
def names_read() -> Iterator[set[str]]:
    """Every name looked up in a QueryDict meanwhile (get, [], getlist, in)."""
    seen: set[str] = set()
    originals = {
        m: getattr(QueryDict, m) for m in ("get", "__getitem__", "getlist", "__contains__")
    }

    def recording(method):
        def read(self, key, *args, **kwargs):
            if isinstance(key, str):
                seen.add(key)
            return originals[method](self, key, *args, **kwargs)

        return read

    for method in originals:
        setattr(QueryDict, method, recording(method))
    try:
        yield seen
    finally:
        for method, original in originals.items():
            setattr(QueryDict, method, original)


@contextmanager
def rolled_back() -> Iterator[None]:
    """What the requests within write is undone (a savepoint of the test's transaction)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def signed_in(people: dict[str, User | None]) -> dict[str, Client]:
    """A client for each role, signed in as its person (None: no one signed in)."""
    clients = {}
    for role, person in people.items():
        clients[role] = Client(raise_request_exception=False)
        if person is not None:
            clients[role].force_login(person)
    return clients


def failure(client: Client, method: str, url: str, data: dict, role: str) -> tuple[int, list[str]]:
    """The status of one request, and what failed (nothing, or the request and its error)."""
    response = getattr(client, method)(url, data)
    if response.status_code < 500:
        return response.status_code, []
    error = response.exc_info[1] if response.exc_info else ""
    shown = {key: str(value)[:30] for key, value in data.items()}
    return response.status_code, [
        f"{role}: {method.upper()} {url} {shown!r}: {response.status_code} {error!r}"[:400]
    ]


def failures(client: Client, method: str, url: str, requests: list[dict], role: str) -> list[str]:
    return [line for data in requests for line in failure(client, method, url, data, role)[1]]


def each_path(
    clients: dict[str, Client],
    method: str,
    url: str,
    requests: list[dict],
    holds: Callable[[], None] = lambda: None,
) -> list[str]:
    """What fails of ``requests``: the first as every role, the rest once per path (see the
    module's docstring). ``holds`` checks what must still be true after each role's requests,
    before they are rolled back."""
    first, *rest = requests
    found: list[str] = []
    paths: dict[tuple[int, frozenset[str]], str] = {}
    for role, client in clients.items():
        with rolled_back(), names_read() as seen:
            status, failed = failure(client, method, url, first, role)
            holds()
        found += failed
        paths.setdefault((status, frozenset(seen)), role)
    for role in paths.values():
        with rolled_back():
            found += failures(clients[role], method, url, rest, role)
            holds()
    return found
