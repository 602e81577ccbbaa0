from contextlib import ExitStack, nullcontext

import pytest
from django.core.cache import caches
from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

from tests.cast import Cast
from tests.counties import (  # noqa: F401  (fixtures for every test)
    december_county,
    demo_county,
    flagged_may_county,
    matrix_county,
    weights_county,
)
from tests.migrated import KEPT
from tests.prebuilt import BUILDERS, DATABASES
from tests.quick_flush import quick_flush, remember_migrated_rows


def pytest_collection_modifyitems(items):
    """The tests marked ``slow`` first, in their order, then the rest in theirs: with -n 2
    (scripts/pytest.sh, --dist worksteal) the two workers start on the long ones and share
    the short ones at the end, instead of one worker finishing a long test alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's test database, copied from the one kept migrated for these migrations
    (tests/migrated.py) instead of migrated again when there is one; and a copy of it as
    migrated to build prebuilt counties from (tests/prebuilt.py). With --reuse-db or
    --nomigrations pytest-django's own ways apply, unchanged."""
    from django.test.utils import setup_databases, teardown_databases

    keepdb = django_db_keepdb and not django_db_createdb
    if not django_db_use_migrations:
        _disable_migrations()
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    verbosity = request.config.option.verbose
    KEPT.folder = request.config.cache.mkdir("migrated")
    kept = KEPT.migrating() if django_db_use_migrations and not keepdb else nullcontext()
    with django_db_blocker.unblock():
        with kept:
            databases = setup_databases(
                verbosity=verbosity,
                interactive=False,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
                keepdb=keepdb,
            )
        remember_migrated_rows()
        DATABASES.start()
    yield
    with django_db_blocker.unblock():
        DATABASES.stop()
        if not django_db_keepdb:
            teardown_databases(databases, verbosity=verbosity)


@pytest.fixture
def _prebuilt(request, django_db_setup, django_db_blocker):
    """The prebuilt county the test names (tests/prebuilt.py), switched to before the test's
    transaction begins and back after it is rolled back; a test that commits runs on a copy."""
    names = [name for name in request.fixturenames if name in BUILDERS]
    if not names:
        yield
        return
    if len(names) > 1:
        pytest.fail(f"a test runs on one prebuilt county, not {names}")
    marker = request.node.get_closest_marker("django_db")
    commits = (marker and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    # a test that commits gets a copy of the county of its own: its end empties the database
    switch = DATABASES.use_copy if commits else DATABASES.use
    with django_db_blocker.unblock(), switch(names[0]):
        yield


@pytest.fixture
def _cleanup():
    """Torn down right after pytest-django's test case: the flush that ends a transactional
    test runs with DELETE on PostgreSQL, and writes the migrated content types and permissions
    back instead of sending post_migrate (tests/quick_flush.py)."""
    with ExitStack() as stack:
        yield stack


@pytest.fixture
def _django_db_helper(_prebuilt, _cleanup, _django_db_helper):
    """pytest-django's test transaction (whichever of ``db``, ``transactional_db`` or the
    ``django_db`` mark asks for it), opened on the prebuilt county the test names; its
    cleanup, after the test, with tests/quick_flush.py."""
    yield
    _cleanup.enter_context(quick_flush())


@pytest.fixture(autouse=True)
def _database(db):
    """Every test here touches the database through the real stack, with none of the figures
    an earlier test kept (`investment.selectors.figure_cache`: the prebuilt counties' databases are copies
    of one, so two of them may hold the same data version)."""
    caches["figures"].clear()


@pytest.fixture
def cast() -> Cast:
    """The county's people and units (tests/cast.py), each made when a test first names them."""
    return Cast()
