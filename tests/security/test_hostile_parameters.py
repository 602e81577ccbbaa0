"""No 500 from a query string: every page that reads a parameter, with every hostile value in
each parameter it reads, as each role whose request reaches different code.

The pages are the permission matrix's GET cases (every named URL, tests/test_permission_matrix.py),
in its small county, one test per page. Which parameters a page reads is not listed by hand:
requests of the page, as the role, record every name the view (its forms, filters and tables
included) asks a QueryDict for, first with no parameter and then with every name found so far (a
filter bar reads its fields only once the query names one), until no new name turns up. Every
role is probed so. The roles that answer with the same status after reading the same names run
the same code on what the query says (a refusal before any parsing; the same filter bar, form
and table), so the hostile values are sent once per such group, as its first role: a role that
reads another field (a reporter's page without the unit filter), or is refused after reading
some, is a group of its own. Which role may do what is the permission matrix's business, not
this test's. Sending every value as every role took four times as many requests (some 7,600)
and found nothing the groups miss.

Then every name gets every hostile value, all names at once and rotated (request k gives the
i-th name the (k+i)-th value), so each request is hostile throughout and each (name, value) pair
is sent; and each name alone gets ``²``, the rest of the query left out, so a value the page
would not reach past another bad one is still reached; a list page's Excel export gets the
rotation too. A PDF's layout (WeasyPrint) is skipped: its template is still rendered from what
the view parsed, and the layout takes no parameter. The forms a few pages post outside a Django
form (安全管理's unit and shown_unit, 年度设置's and 预警规则's year, the review's ticked reports
and units) get each value in each such name, grouped the same way by each role's first post.
Each role's requests run in a savepoint rolled back after them, so every role meets the county
as built, whatever a post before it changed.

A response of 500 or more fails, naming the role, the request and the exception it raised.
"""

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import resolve, reverse

from investment.models import MonthlyReport
from projects.models import Unit, User
from tests.security.paths import each_path, failures, names_read, rolled_back, signed_in
from tests.test_permission_matrix import CASES, ROLES, own_milestone, url_for
from tests.test_permission_matrix import county as county  # the matrix's small county

# slow: every page probed as every role, every hostile value as each group of roles
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


def posted_forms(county) -> dict[str, tuple[str, dict, set[str]]]:
    """By URL name: (url, what the page posts, the names it reads outside a Django form);
    hostile values go into those names, the rest as the page sends it."""
    reporter, housing = User.objects.get(username="reporter"), Unit.objects.get(name="县住建局")
    report = MonthlyReport.objects.get()
    month = reverse("reports_return_unit", args=[2024, 3])
    forms: list[tuple[str, dict, set[str]]] = [
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
    return {str(resolve(form[0]).url_name): form for form in forms}


POSTED = [
    "security_user_change", "year_settings", "warning_rules", "reports_return_unit",
    "reports_approve", "report_approve", "period_lock", "milestones",
]  # fmt: skip


@pytest.fixture
def clients(county) -> dict[str, Client]:
    return signed_in({role: county[role] for role in ROLES_SIGNED_IN})


@pytest.mark.parametrize(("name", "target"), PAGES)
def test_no_query_parameter_makes_a_page_fail(clients, no_pdf_layout, name, target):
    url = url_for(name, target)
    groups: dict[tuple[int, frozenset[str]], str] = {}
    for role, client in clients.items():
        with rolled_back():
            status, names, _ = parameters(client, url)
        groups.setdefault((status, frozenset(names)), role)
    found = []
    for (status, names), role in groups.items():
        requests = rotated(set(names))
        if status == 200:
            requests += alone(set(names))
            if "format" in names:
                requests += rotated(names - {"format"}, {"format": "xlsx"})
        with rolled_back():
            found += failures(clients[role], "get", url, requests, role)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name", POSTED)
def test_no_value_posted_outside_a_form_makes_a_page_fail(county, clients, name):
    forms = posted_forms(county)
    assert sorted(forms) == sorted(POSTED), "POSTED names each posted form once"
    url, data, names = forms[name]

    found = each_path(clients, "post", url, each_value(names, data))

    assert not found, "\n".join(found)
