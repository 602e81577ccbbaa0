"""No 500 from a query string: every page that reads a parameter, as every role, with every
hostile value in each parameter it reads.

The pages are the permission matrix's GET cases (every named URL, tests/test_permission_matrix.py),
in its small county. Which parameters a page reads is not listed by hand: requests of the page,
as the role, record every name the view (its forms, filters and tables included) asks a
QueryDict for, first with no parameter and then with every name found so far (a filter bar
reads its fields only once the query names one), until no new name turns up. Then every name
gets every hostile value, all names at once and rotated (request k gives the i-th name the
(k+i)-th value), so each request is hostile throughout and each (name, value) pair is sent;
and each name alone gets ``²``, the rest of the query left out, so a value the page would not
reach past another bad one is still reached; a list page's Excel export gets the rotation
too. A page the role may not open (a refusal, a redirect) gets the rotation over the names
it read before refusing (usually none: the refusal comes before any parsing). Sending each value in each name alone, as every role, took three times as long
(about 5,000 requests) and found nothing the rotation missed. A PDF's layout (WeasyPrint) is skipped: its
template is still rendered from what the view parsed, and the layout takes no parameter.
The forms a few pages post outside a Django form (安全管理's unit and shown_unit, 年度设置's
and 预警规则's year, the review's ticked reports and units) get the same values posted.

A response of 500 or more fails, naming the request and the exception it raised.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from investment.models import MonthlyReport
from projects.models import Unit, User
from tests.test_permission_matrix import CASES, ROLES, own_milestone, url_for
from tests.test_permission_matrix import county as county  # the matrix's small county

# slow: every page as every role with every hostile value, some 500 requests a role
pytestmark = pytest.mark.slow

HOSTILE: list[str | list[str]] = [
    "²",  # passes str.isdigit(), int() refuses it
    "-1",
    "0",
    "99999999999999999999",  # past every integer column
    "1e5",
    "NaN",
    "",
    "1" * 3000,  # very long
    "\x00",  # %00
    ["²", "2024"],  # the same parameter twice
]
PAGES = sorted({(name, target) for name, target, method in CASES if method == "get"}, key=str)
NOT_PARAMETERS = {"csrfmiddlewaretoken"}
ROLES_SIGNED_IN = [role for role in ROLES if role != "anonymous"]


class Unrendered:
    """WeasyPrint's HTML, without the layout: the test is about what reaches the template."""

    def __init__(self, string: str, **kwargs) -> None:
        self.string = string

    def write_pdf(self) -> bytes:
        return b"%PDF-1.4"


@pytest.fixture
def no_pdf_layout(monkeypatch):
    monkeypatch.setattr("core.pdf.HTML", Unrendered)


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


def parameters(client: Client, url: str) -> tuple[int, set[str], int]:
    """The probe's status, every name the page reads (see the module's docstring), and how
    many requests it took to find them."""
    names: set[str] = set()
    for probes in range(1, 10):
        with names_read() as seen:
            status = client.get(url, dict.fromkeys(names, "1")).status_code
        # a template's {{ request.GET.urlencode }} looks the method up as a key first
        found = {name for name in seen if not hasattr(QueryDict, name)} - NOT_PARAMETERS
        if found <= names:
            return status, names, probes
        names |= found
    raise AssertionError(f"{url} reads ever more names: {sorted(names)}")


def failures(client: Client, method: str, url: str, requests: list[dict]) -> Iterator[str]:
    for data in requests:
        response = getattr(client, method)(url, data)
        if response.status_code >= 500:
            error = response.exc_info[1] if response.exc_info else ""
            yield f"{method.upper()} {url} {data!r}: {response.status_code} {error!r}"[:300]


def each_value(names: set[str], base: dict | None = None) -> list[dict]:
    """Each name alone with each value (the other fields as ``base`` has them)."""
    return [(base or {}) | {name: value} for name in sorted(names) for value in HOSTILE]


def rotated(names: set[str], base: dict | None = None) -> list[dict]:
    """Every name hostile in every request; each name meets each value once."""
    ordered, size = sorted(names), len(HOSTILE)
    if not ordered:
        return []
    return [
        (base or {}) | {name: HOSTILE[(k + i) % size] for i, name in enumerate(ordered)}
        for k in range(size)
    ]


def alone(names: set[str]) -> list[dict]:
    return [{name: "²"} for name in sorted(names)]


def posted_forms(county) -> list[tuple[str, dict, set[str]]]:
    """(url, what a page posts, the names it reads outside a Django form): hostile values go
    into those names, the rest as the page sends it."""
    reporter, housing = User.objects.get(username="reporter"), Unit.objects.get(name="县住建局")
    report = MonthlyReport.objects.get()
    month = reverse("reports_return_unit", args=[2024, 3])
    return [
        (
            reverse("security_user_change", args=[reporter.pk]),
            {"role": "reporter", "unit": housing.pk, "is_active": "on", "shown_role": "reporter",
             "shown_unit": housing.pk, "shown_active": "on"},
            {"unit", "shown_unit"},
        ),
        (reverse("year_settings"), {"action": "preview"}, {"year"}),
        (reverse("warning_rules"), {}, {"year"}),
        (month, {"unit": housing.pk, "report": report.pk, "reason": "请核实",
                 "shown_unit": housing.pk}, {"unit", "report", "shown_unit"}),
        (reverse("reports_approve", args=[2024, 3]), {"report": report.pk, "scope": "all",
                                                      "shown": report.pk}, {"report", "shown"}),
        (reverse("report_approve", args=[report.pk]), {}, {"shown_unit"}),
        (reverse("period_lock", args=[2024, 3]), {}, {"confirm"}),
        (reverse("milestones", args=[own_milestone().project_id]), {"action": "done"},
         {"milestone", "version"}),
    ]  # fmt: skip


@pytest.mark.parametrize("role", ROLES_SIGNED_IN)
def test_no_query_parameter_makes_a_page_fail(county, no_pdf_layout, role):
    client = Client(raise_request_exception=False)
    client.force_login(county[role])
    found, count, started = [], 0, time.monotonic()
    for name, target in PAGES:
        url = url_for(name, target)
        status, names, probes = parameters(client, url)
        requests = rotated(names)
        if status == 200:
            requests += alone(names)
            if "format" in names:
                requests += rotated(names - {"format"}, {"format": "xlsx"})
        found += failures(client, "get", url, requests)
        count += probes + len(requests)
    for url, data, names in posted_forms(county):
        requests = each_value(names, data)
        found += failures(client, "post", url, requests)
        count += len(requests)
    print(f"{role}: {count} requests in {time.monotonic() - started:.1f} s")
    assert not found, "\n".join(found)
