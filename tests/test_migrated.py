"""The test database copied from a kept migrated one (tests/migrated.py) is the database the
migrations make: nothing left to apply, and a changed migration file is a new key."""

import sys
from pathlib import Path

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import migrated


def test_the_test_database_has_every_migration_applied():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    assert leaves and executor.migration_plan(leaves) == []


def test_the_key_changes_when_a_migration_file_changes(tmp_path, monkeypatch):
    before = migrated.migrations_key()
    module = sys.modules["projects.migrations.0001_initial"]
    changed = tmp_path / "0001_initial.py"
    changed.write_bytes(Path(module.__spec__.origin).read_bytes() + b"\n# one more line\n")
    monkeypatch.setattr(module.__spec__, "origin", str(changed))

    assert migrated.migrations_key() != before


def test_the_key_changes_when_code_a_migration_imports_changes(tmp_path, monkeypatch):
    before = migrated.migrations_key()
    module = sys.modules["core.amounts"]  # imported by three data migrations
    changed = tmp_path / "amounts.py"
    changed.write_bytes(Path(module.__spec__.origin).read_bytes() + b"\n# one more line\n")
    monkeypatch.setattr(module.__spec__, "origin", str(changed))

    assert migrated.migrations_key() != before


def test_the_key_is_the_same_whatever_the_process_has_imported_yet(monkeypatch):
    before = migrated.migrations_key()
    monkeypatch.delitem(sys.modules, "core.amounts")

    assert migrated.migrations_key() == before
