"""With a read replica configured (``DATABASE_REPLICA_URL``, core/replica.py), the figure pages
read from it and everything else stays on the primary.

The replica here is config/test_settings.py's ``replica`` alias: Django's test mirror, a second
connection to the test database itself, so it sees what the tests commit (they do: a test inside
a transaction keeps the replica off, as the router must). Each statement is logged with the alias
it went to, in order; what each test asserts is where Django sent it.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connections, router, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.replica import answering
from jobs.models import Job
from ledger.services.scale import LAST_MONTH, LAST_YEAR, build_scale
from projects.models import Project, Unit, User
from tests.cast import PASSWORD
from tests.core.configured import settings_read

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

PERIOD: dict[str, int | str] = {"year": LAST_YEAR, "month": LAST_MONTH}
FIGURE_PAGES: dict[str, dict[str, int | str]] = {
    "dashboard": PERIOD,
    "rankings": PERIOD,
    "lag_warnings": PERIOD,
    "board": PERIOD,
    "briefing": PERIOD,
    "briefing_pdf": {**PERIOD, "kind": "month", "acknowledged": "1"},
    "briefing_batches_xlsx": PERIOD,
    "ledger_export": {"year": LAST_YEAR},
    "opendata": {"year": LAST_YEAR},
    "oc4ids_download": {"year": LAST_YEAR},
}
# For the query counts, a page of each kind: figures, a table, a form (the router adds no query
# whatever the page; which pages read where is the test above).
COUNTED = ["dashboard", "lag_warnings", "briefing"]
# What a figure page may still read and write on the primary: its user, their session, the
# audit trail of a download.
PRIMARY_TABLES = {"django_session", "projects_user", "audit_auditentry"}
TABLE = re.compile(r'\b(?:FROM|JOIN|INTO|UPDATE)\s+"(\w+)"')
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b")


class NoLayout:
    """WeasyPrint's HTML, minus the seconds of layout: the template is rendered in full."""

    def __init__(self, **kwargs):
        pass

    def write_pdf(self) -> bytes:
        return b"%PDF-1.7"


def install_replica(settings, monkeypatch) -> None:
    """The router and middleware as ``DATABASE_REPLICA_URL`` installs them (config/settings.py
    read with it set); the alias is the test settings' mirror of the test database."""
    production = settings_read(
        monkeypatch,
        DATABASE_URL="postgres://kp@primary/kp",
        DATABASE_REPLICA_URL="postgres://kp@standby/kp",
    )
    settings.DATABASE_ROUTERS = production["DATABASE_ROUTERS"]
    settings.MIDDLEWARE = [name for name in production["MIDDLEWARE"]
                           if name in settings.MIDDLEWARE or name.startswith("core.replica.")]  # fmt: skip


@pytest.fixture(autouse=True)
def _replica_closed():
    yield
    connections["replica"].close()  # a PostgreSQL database is copied only while nobody is on it


@pytest.fixture
def replica(settings, monkeypatch):
    install_replica(settings, monkeypatch)


@pytest.fixture
def city():
    build_scale(projects=12, years=1)


@contextmanager
def routed() -> Iterator[list[tuple[str, str]]]:
    """Every statement run meanwhile, in order, as (the alias it went to, its SQL)."""
    log: list[tuple[str, str]] = []

    def on(alias):
        def note(execute, sql, params, many, context):
            log.append((alias, sql))
            return execute(sql, params, many, context)

        return note

    with (
        connections["default"].execute_wrapper(on("default")),
        connections["replica"].execute_wrapper(on("replica")),
    ):
        yield log


def tables(log, alias: str) -> set[str]:
    return {table for went, sql in log if went == alias for table in TABLE.findall(sql)}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db  # reads only settings
def test_a_replica_is_configured_only_by_its_url_and_only_beside_postgresql(monkeypatch):
    county = settings_read(monkeypatch, DATABASE_REPLICA_URL=None)
    province = settings_read(
        monkeypatch,
        DATABASE_URL="postgres://kp@primary/kp",
        DATABASE_REPLICA_URL="postgres://reader@standby/kp",
    )

    assert set(county["DATABASES"]) == {"default"} and "DATABASE_ROUTERS" not in county
    assert "core.replica.ReplicaReadsMiddleware" not in county["MIDDLEWARE"]
    assert province["DATABASES"]["replica"]["HOST"] == "standby"
    assert province["DATABASES"]["replica"]["TEST"] == {"MIRROR": "default"}
    assert province["DATABASE_ROUTERS"] == ["core.replica.ReplicaRouter"]
    assert province["MIDDLEWARE"][-2:] == [
        "core.replica.ReplicaReadsMiddleware",
        "axes.middleware.AxesMiddleware",
    ]
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL replica"):
        settings_read(
            monkeypatch, DATABASE_URL=None, DATABASE_REPLICA_URL="postgres://reader@standby/kp"
        )


@pytest.mark.django_db  # reads only the URL patterns
def test_the_figure_pages_are_the_ones_marked_to_read_from_the_replica():
    def marked(patterns) -> set[str | None]:
        names: set[str | None] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                names |= marked(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and getattr(
                pattern.callback, "reads_replica", False
            ):
                names.add(pattern.name)
        return names

    assert marked(get_resolver().url_patterns) == set(FIGURE_PAGES)


def test_a_figure_page_reads_from_the_replica_and_only_its_user_and_session_from_the_primary(
    replica, city, cast, monkeypatch
):
    monkeypatch.setattr("core.pdf.HTML", NoLayout)
    officer = signed_in(cast.officer)
    for name, query in FIGURE_PAGES.items():
        with routed() as log:
            response = officer.get(reverse(name), query)

        assert response.status_code == 200, name
        assert {"projects_project", "projects_annualplan"} & tables(log, "replica"), name
        assert tables(log, "default") <= PRIMARY_TABLES, name
        assert not [sql for alias, sql in log if alias == "replica" and WRITE.match(sql)], name


def test_with_no_replica_a_figure_page_asks_the_same_number_of_queries_of_its_one_database(
    settings, monkeypatch, city, cast
):
    def counted(client: Client) -> dict[str, int]:
        counts = {}
        for name in COUNTED:
            query = FIGURE_PAGES[name]
            client.get(reverse(name), query)  # what a process reads once is not counted
            with routed() as log:
                client.get(reverse(name), query)
            counts[name] = len(log)
        return counts

    one_database = counted(signed_in(cast.officer))
    install_replica(settings, monkeypatch)
    with_replica = counted(signed_in(cast.officer))

    assert with_replica == one_database


def test_a_post_writes_to_the_primary_and_whoever_changed_data_reads_it_there_for_a_while(
    replica, city, cast
):
    officer = signed_in(cast.officer)
    note = {"kind": "month", **PERIOD, "next_steps": "一是抓开工；二是抓入统。"}

    with routed() as posted:
        officer.post(reverse("briefing"), note)
    with routed() as just_after:
        page = officer.get(reverse("briefing"), PERIOD)
    with time_machine.travel(timezone.now() + timedelta(seconds=31)), routed() as later:
        officer.get(reverse("dashboard"), PERIOD)
    leader = Client()  # signing in through the form writes the session, last_login, the audit
    leader.post(reverse("login"), {"username": cast.leader.username, "password": PASSWORD})
    with routed() as someone_else:
        leader.get(reverse("dashboard"), PERIOD)

    assert "investment_briefingnote" in tables(posted, "default")
    assert not tables(posted, "replica")
    assert "一是抓开工；二是抓入统。" in page.content.decode()
    assert not tables(just_after, "replica")  # REPLICA_PIN_SECONDS (30) after the change
    assert tables(later, "replica") and tables(someone_else, "replica")


def test_a_figure_page_that_starts_an_export_job_writes_it_to_the_primary_and_reads_on_there(
    replica, city, cast, settings
):
    settings.EXPORT_BACKGROUND_PROJECTS = 0  # every export a background job, as a city's
    with routed() as log:
        response = signed_in(cast.officer).get(reverse("board"), {**PERIOD, "format": "xlsx"})

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "job_progress", args=[job.pk]
    )
    first_write = next(
        i for i, (_, sql) in enumerate(log) if WRITE.match(sql) and "jobs_job" in sql
    )
    assert log[first_write][0] == "default"
    assert tables(log[:first_write], "replica")  # it counted the projects on the replica
    assert all(alias == "default" for alias, _ in log[first_write:])


def test_the_router_sends_to_the_replica_only_a_figure_pages_reads_outside_a_transaction(replica):
    def read_from(model) -> str:
        return router.db_for_read(model)

    assert read_from(Project) == "default"  # outside a request
    with answering(replica=False):
        assert read_from(Project) == "default"  # not a figure page
    with answering(replica=True) as page:
        assert read_from(Project) == read_from(Unit) == "replica"
        primary_only = (
            User,
            Session,
            AuditEntry,
            Job,
            DatabaseCache("kp_cache", {}).cache_model_class,
        )
        assert {read_from(model) for model in primary_only} == {"default"}
        with transaction.atomic():
            assert read_from(Project) == "default"
        assert Project.objects.select_for_update().db == "default"  # a lock: the primary's
        assert read_from(Project) == "default"  # and the page reads there from then on
    with answering(replica=True) as page:
        assert router.db_for_write(Job) == "default" and not page.changed  # a job is no data
        assert read_from(Project) == "default"  # once the page has written
    with answering(replica=False) as post:
        router.db_for_write(User.history.model)  # signing in: last_login and its history
        assert not post.changed
        router.db_for_write(Project)
        assert post.changed
    assert router.allow_migrate("default", "projects")
    assert not router.allow_migrate("replica", "projects")


def test_a_figure_page_whose_replica_read_fails_is_read_again_from_the_primary(replica, city, cast):
    def cancelled(execute, sql, params, many, context):
        raise OperationalError("canceling statement due to conflict with recovery")

    officer = signed_in(cast.officer)
    with routed() as log, connections["replica"].execute_wrapper(cancelled):
        response = officer.get(reverse("dashboard"), PERIOD)

    assert response.status_code == 200
    assert log[0][0] == "default" and "replica" in {alias for alias, _ in log}
    failed = max(i for i, (alias, _) in enumerate(log) if alias == "replica")
    assert {"projects_annualplan"} <= tables(log[failed + 1 :], "default")
