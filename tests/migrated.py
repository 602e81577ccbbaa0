"""Migrated databases kept between test processes and runs, keyed by the migrations' contents.

Migrating an empty database takes each test process (each xdist worker) several seconds, and a
test of a data migration first migrates a copy back (tests/prebuilt.py, ``at_migration``). The
result depends only on the migration files (and what they import of our code), Django's
version, the database's vendor and the installed apps: those are hashed into a key, and the
migrated database is kept under it, where the next process finds it instead of migrating:

- SQLite: a file in pytest's cache folder (``.pytest_cache/d/migrated/``), read into the
  in-memory test database with SQLite's backup API;
- PostgreSQL: a database ``<test database>_m<key>`` that test databases are created from
  (``CREATE DATABASE … TEMPLATE``).

The first process to need one builds it while holding a lock file; the other waits, then copies
it (the two workers of a run migrate once between them, the next run not at all). A changed
migration changes the key, and kept databases of other keys are dropped when a new one is kept.
"""

import ast
import fcntl
import hashlib
import importlib.util
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.core import management
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.loader import MigrationLoader

FIRST_PARTY = {app.split(".")[0] for app in settings.INSTALLED_APPS if "." not in app}


def migrations_key() -> str:
    """A hash of what a migrated database is made of: every migration file, the first-party
    modules they import, Django's version, the vendor and the installed apps in order (which
    order the content types and permissions are created in)."""
    digest = hashlib.sha256(
        repr((django.__version__, connection.vendor, settings.INSTALLED_APPS)).encode()
    )
    loader = MigrationLoader(None, ignore_no_migrations=True)
    modules = {migration.__module__ for migration in loader.disk_migrations.values()}
    for name in list(modules):
        modules |= _first_party_imports(name)
    for name in sorted(modules):  # by module name: the same key in every checkout and process
        digest.update(name.encode() + b"\0" + _source(name) + b"\0")
    return digest.hexdigest()[:12]


def _source(module: str) -> bytes:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin, f"{module} has no source file"
    return Path(spec.origin).read_bytes()


def _first_party_imports(module: str) -> set[str]:
    """The modules of our apps that ``module`` imports (found whether imported yet or not)."""
    found = set()
    for node in ast.walk(ast.parse(_source(module))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found |= {name for name in names if name.split(".")[0] in FIRST_PARTY}
    return found


class Kept:
    """The migrated databases kept under ``folder`` (SQLite files and the lock file)."""

    def __init__(self) -> None:
        self.folder = Path()  # set by tests/conftest.py's django_db_setup: pytest's cache

    @contextmanager
    def migrating(self) -> Iterator[None]:
        """Within: the test database's ``migrate`` (run by Django's ``create_test_db``) copies
        the kept database when there is one, and keeps what it migrated when there is not."""
        real = management.call_command

        def call_command(command_name: BaseCommand | str, *args: Any, **options: Any) -> str:
            if command_name != "migrate":
                return real(command_name, *args, **options)
            with self.locked("migrated"):
                if not self.load("migrated", connection.settings_dict["NAME"]):
                    real(command_name, *args, **options)
                    self.keep("migrated", connection.settings_dict["NAME"], connection)
            return ""

        management.call_command = call_command
        try:
            yield
        finally:
            management.call_command = real

    def load(self, name: str, target: str, raw: Any = None) -> bool:
        """The database ``target`` (SQLite: the open connection ``raw``, else the default
        connection's) made a copy of the kept database ``name``; False if none is kept. Kept
        databases are named after the test database the default connection is on, less the
        worker's suffix (the workers share them)."""
        if connection.vendor == "sqlite":
            if raw is None:
                connection.ensure_connection()
                raw = connection.connection
            return self.load_sqlite(name, raw)
        return self.load_postgresql(_base(connection.settings_dict["NAME"]), name, target)

    def keep(self, name: str, source: str, raw: Any = None) -> None:
        """Keep a copy of the database ``source`` (SQLite: of the open connection ``raw``)."""
        if connection.vendor == "sqlite":
            self.keep_sqlite(name, raw.connection if raw is connection else raw)
        else:
            self.keep_postgresql(_base(connection.settings_dict["NAME"]), name, source)

    @cached_property
    def key(self) -> str:
        return migrations_key()

    @contextmanager
    def locked(self, name: str) -> Iterator[None]:
        """One process at a time builds or copies the kept database ``name`` (a file lock: the
        workers of a run share the machine); another may build another meanwhile."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    # ---------------------------------------------------------------- SQLite

    def _file(self, name: str) -> Path:
        return self.folder / f"{name}-{self.key}.sqlite3"

    def load_sqlite(self, name: str, target: Any) -> bool:
        """Fill the open SQLite connection ``target`` with the kept database ``name``, if any."""
        path = self._file(name)
        if not path.exists():
            return False
        source = sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            source.close()
        return True

    def keep_sqlite(self, name: str, source: Any) -> None:
        """Keep the open SQLite connection ``source``'s database as ``name`` (written aside,
        then renamed: a reader never finds half a file); other keys' files of it go."""
        for old in self.folder.glob(f"{name}-*.sqlite3"):
            old.unlink()
        partial = self.folder / f"{name}.partial"
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
        finally:
            target.close()
        os.replace(partial, self._file(name))

    # ---------------------------------------------------------------- PostgreSQL

    def _template(self, base: str, name: str) -> str:
        return f"{base}_{name}_{self.key}"

    def load_postgresql(self, base: str, name: str, target: str) -> bool:
        """Recreate the database ``target`` from the kept database ``name``, if any."""
        template = self._template(base, name)
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
            if cursor.fetchone() is None:
                return False
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{target}" TEMPLATE "{template}"')
        return True

    def keep_postgresql(self, base: str, name: str, source: str) -> None:
        """Keep a copy of the database ``source`` as ``name``; other keys' copies of it go."""
        template = self._template(base, name)
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{base}_{name}_%"]
            )
            for (old,) in cursor.fetchall():
                if re.fullmatch(rf"{re.escape(base)}_{name}_[0-9a-f]{{12}}", old):
                    cursor.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{template}" TEMPLATE "{source}"')


def _base(name: str) -> str:
    """The test database's name without the xdist worker's suffix: shared by the workers."""
    return re.sub(r"_gw[0-9]+$", "", name)


KEPT = Kept()
