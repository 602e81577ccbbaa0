"""Counties built once per test process, for the tests that read them.

A county that takes seconds to build (the demo county, the ranking-weights county, the
permission matrix's county) is declared with ``@prebuilt``: the decorated function builds it,
and its name becomes a fixture. The first test that names the fixture builds the county into
a database of its own, a copy of the freshly migrated test database (SQLite: another
in-memory database filled by SQLite's backup API; PostgreSQL: ``CREATE DATABASE … TEMPLATE``).
Every test that names the fixture then runs on that database, inside the transaction that
pytest-django rolls back at the test's end as for any test, so the next one finds the county
exactly as it was built. The other tests keep the ordinary, empty test database.

Each test process (each xdist worker) builds a county at most once, and only if one of its
tests asks for it. A test that needs ``transaction=True`` (a live server, a flush, threads
that commit) cannot run on the prebuilt county itself, since its end would empty it for the
others: it runs on a copy of it, made for the test and dropped after it.

The database switch is ``tests/conftest.py``'s ``_prebuilt`` fixture, which pytest-django's
``_django_db_helper`` (behind ``db``, ``transactional_db`` and the ``django_db`` mark) is made
to ask for first: it switches before the test's transaction opens and back after it is rolled
back. A county's stored files (a photo, an attachment) are kept with it and stored again for
each test that finds them missing.
"""

import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage, storages
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tests.migrated import KEPT

BUILDERS: dict[str, Callable[[], None]] = {}


def prebuilt(build: Callable[[], None]) -> Any:
    """A fixture named after ``build``: the test runs on the county ``build`` makes, built
    once per test process. The fixture's value is None; a test finds its records by query
    (or through a fixture of its own that does)."""
    name = build.__name__
    if name in BUILDERS and BUILDERS[name] is not build:
        raise ValueError(f"two prebuilt counties are named {name}")
    BUILDERS[name] = build

    def fixture(db) -> None:
        """The prebuilt county (tests/prebuilt.py); ``_database`` has switched to it."""

    fixture.__doc__ = build.__doc__
    return pytest.fixture(name=name)(fixture)


@dataclass
class Database:
    name: str  # the NAME in the connection's settings
    raw: Any = None  # the open DB-API connection to it, kept between tests
    files: dict[str, bytes] = field(default_factory=dict)  # what its build stored


class Databases:
    """The pristine copy of the migrated test database and the counties built from it."""

    def __init__(self) -> None:
        self.main = ""
        self.pristine: Database | None = None
        self.built: dict[str, Database] = {}
        self.migrated_back: dict[str, Database] = {}
        self.failed: dict[str, BaseException] = {}

    # ------------------------------------------------------------------ session

    def start(self) -> None:
        """Right after migrating: keep a copy of the empty database to build counties from
        (a transactional test empties the test database of what migrations inserted)."""
        self.main = connection.settings_dict["NAME"]
        self.pristine = self._copy(None, "pristine")

    def stop(self) -> None:
        for database in [*self.built.values(), *self.migrated_back.values(), self.pristine]:
            if database is not None:
                self._drop(database)
        self.built.clear()
        self.migrated_back.clear()
        self.pristine = None

    def write_migrated(self, path: str) -> None:
        """SQLite: the migrated, empty test database written to the file ``path`` (a
        subprocess's ``migrate`` on it then has nothing left to do)."""
        assert self.pristine is not None and connection.vendor == "sqlite"
        target = sqlite3.connect(path)
        try:
            self._open(self.pristine).backup(target)
        finally:
            target.close()

    @contextmanager
    def on_file(self, path: str) -> Iterator[None]:
        """SQLite: the default connection on the migrated file database ``path`` (written by
        ``write_migrated``) for the test's length, so the test and a subprocess share it."""
        database = Database(path)
        try:
            with self._on(database):
                yield
        finally:
            if database.raw is not None:
                database.raw.close()

    # ------------------------------------------------------------------ per test

    @contextmanager
    def use(self, name: str) -> Iterator[None]:
        """Run on the county ``name``, building it first if this process has not."""
        database = self._built(name)
        _restore_files(database.files)
        with self._on(database):
            yield

    @contextmanager
    def use_copy(self, name: str) -> Iterator[None]:
        """Run on a throwaway copy of the county ``name``, dropped afterwards: for a test that
        commits (a live server, threads, a flush), which would empty the county itself."""
        source = self._built(name)
        copy = self._copy(source, "copy")
        _restore_files(source.files)
        try:
            with self._on(copy):
                yield
        finally:
            self._drop(copy)

    def _built(self, name: str) -> Database:
        if name in self.failed:
            raise RuntimeError(f"building the prebuilt county {name} failed") from self.failed[name]
        if name not in self.built:
            try:
                self.built[name] = self._build(name)
            except BaseException as error:
                self.failed[name] = error
                raise
        return self.built[name]

    @contextmanager
    def at_migration(self, targets: list[tuple[str, str]]) -> Iterator[None]:
        """Run on a copy of the empty test database migrated back to ``targets`` (what comes
        after them unapplied), dropped afterwards: a migration test moves it forward and
        leaves it as it is. The migrated-back database is made once per process and copied
        for each test (migrating back and forward again took a test a few seconds)."""
        assert self.pristine is not None, "Databases.start() runs in django_db_setup"
        key = "_".join(f"{app}{name.split('_')[0]}" for app, name in targets)
        if key not in self.migrated_back:
            self.migrated_back[key] = self._migrated_back(key, targets)
        copy = self._copy(self.migrated_back[key], "migrating")
        try:
            with self._on(copy):
                yield
        finally:
            self._drop(copy)

    def _migrated_back(self, key: str, targets: list[tuple[str, str]]) -> Database:
        """The empty database migrated back to ``targets``: kept between processes and runs
        (tests/migrated.py), migrated back from the pristine copy by the first that needs it."""
        assert self.pristine is not None
        kept = f"back{hashlib.sha256(key.encode()).hexdigest()[:8]}"
        with KEPT.locked(kept):
            if connection.vendor == "postgresql":
                database = Database(f"{self.main}_at_{key}")
                if KEPT.load(kept, database.name):
                    return database
                database = self._copy(self.pristine, f"at_{key}")
            else:  # an in-memory copy costs nothing; the kept one is read over it
                database = self._copy(self.pristine, f"at_{key}")
                if KEPT.load(kept, database.name, self._open(database)):
                    return database
            with self._on(database):
                MigrationExecutor(connection).migrate(targets)
            if database.raw is not None and connection.vendor == "postgresql":
                database.raw.close()  # a template is copied with no one connected to it
                database.raw = None
            KEPT.keep(kept, database.name, database.raw)
        return database

    def _build(self, name: str) -> Database:
        assert self.pristine is not None, "Databases.start() runs in django_db_setup"
        database = self._copy(self.pristine, name)
        before = _stored_files()
        with self._on(database), transaction.atomic():
            BUILDERS[name]()
        database.files = {path: _read(path) for path in sorted(set(_stored_files()) - set(before))}
        return database

    @contextmanager
    def _on(self, database: Database) -> Iterator[None]:
        """The default connection on ``database``: its settings' NAME changed in place (a
        thread's new connection follows) and its open DB-API connection swapped in."""
        assert not connection.in_atomic_block, "a database is switched between transactions"
        settings = connection.settings_dict
        main_name, main_raw = settings["NAME"], connection.connection
        settings["NAME"], connection.connection = database.name, database.raw
        try:
            yield
        finally:
            database.raw = connection.connection  # reopened if something closed it
            settings["NAME"], connection.connection = main_name, main_raw

    # ------------------------------------------------------------------ backends

    def _copy(self, source: Database | None, suffix: str) -> Database:
        """A copy of ``source`` (None: the test database itself) named with ``suffix``."""
        if connection.vendor == "sqlite":
            database = Database(
                f"file:memorydb_{connection.alias}_{suffix}?mode=memory&cache=shared"
            )
            if source is None:
                connection.ensure_connection()
                source_raw = connection.connection
            else:
                source_raw = self._open(source)
            source_raw.backup(self._open(database))
            return database
        if connection.vendor == "postgresql":
            target = f"{self.main}_{suffix}"
            connection.close()  # CREATE DATABASE … TEMPLATE wants the source unused
            if source is not None and source.raw is not None:
                source.raw.close()
                source.raw = None
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
                cursor.execute(
                    f'CREATE DATABASE "{target}" TEMPLATE "{source.name if source else self.main}"'
                )
            return Database(target)
        raise NotImplementedError(f"prebuilt counties on {connection.vendor}")

    def _open(self, database: Database) -> Any:
        """``database``'s DB-API connection, opened as Django opens one if it is not yet."""
        if database.raw is None:
            with self._on(database):
                connection.ensure_connection()
        return database.raw

    def _drop(self, database: Database) -> None:
        if database.raw is not None:
            database.raw.close()  # an in-memory SQLite database goes with its last connection
            database.raw = None
        if connection.vendor == "postgresql":
            connection.close()
            with connection._nodb_cursor() as cursor:  # FORCE: a thread's connection left open
                cursor.execute(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')


DATABASES = Databases()


# The files a county's build stores (a photo, an attachment) live in the suite's in-memory
# storage, outside the database: a test that changes settings.STORAGES (files on disk for a
# backup test) leaves a new, empty storage behind it. Each test on a prebuilt county finds
# the county's files stored again where they are missing.


def _stored_files(folder: str = "") -> list[str]:
    folders, files = default_storage.listdir(folder)
    found = [f"{folder}{name}" for name in files]
    for name in folders:
        found += _stored_files(f"{folder}{name}/")
    return found


def _read(path: str) -> bytes:
    with default_storage.open(path) as stored:
        return stored.read()


def _restore_files(files: dict[str, bytes]) -> None:
    if not isinstance(storages["default"], InMemoryStorage):
        return  # a test's own storage (files on disk): the county's files are not its business
    for path, content in files.items():
        if not default_storage.exists(path):
            default_storage.save(path, ContentFile(content))
