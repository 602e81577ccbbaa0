"""Backup and restore: the same figures afterwards, on the same or the other database, and a
clear refusal for a database with data, a damaged file or a foreign one."""

import io
import json
import os
import subprocess
import sys
import zipfile

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import record
from backup.rules import signing
from investment.rules.periods import Period
from investment.selectors.portfolio import portfolio_summary
from investment.selectors.rankings import unit_ranking
from ledger.services.demo import DEMO_PASSWORD
from projects.models import Project, User
from tests.backup import snapshot
from tests.workbooks import a_portfolio, load

PERIODS = [(2025, 12), (2026, 6), (2026, 10)]
# Emptying the database (flush) cannot run inside a test's transaction on PostgreSQL.
flushes = pytest.mark.django_db(transaction=True)


def figures() -> list:
    return [
        (
            portfolio_summary(Period.of(year, month)).as_json(),
            [score.as_json() for score in unit_ranking(Period.of(year, month)).units],
        )
        for year, month in PERIODS
    ]


def backup(path) -> None:
    call_command("backup", "-o", str(path), stdout=io.StringIO())


def restore(path, *args) -> None:
    call_command("restore", str(path), *args, stdout=io.StringIO())


def people_at_work() -> None:
    """People sign in (audit entries naming their user, the sign-in log), one mistypes first;
    a photo is on file."""
    Client().post(reverse("login"), {"username": "reporter", "password": "wrong"})
    for username in ("office", "reporter", "supervisor"):
        assert Client().post(
            reverse("login"), {"username": username, "password": DEMO_PASSWORD}
        ).status_code == 302  # fmt: skip
    default_storage.save("photos/backup-test.jpg", ContentFile(b"\xff\xd8 a photo"))


@pytest.fixture
def county_at_work(demo_county):
    """The demo county (prebuilt: tests/counties.py) with people at work."""
    people_at_work()
    yield
    default_storage.delete("photos/backup-test.jpg")


@pytest.fixture
def own_county_at_work(demo_county):
    """A copy of the prebuilt demo county for this test alone (a test that empties the
    database cannot share the prebuilt one: tests/prebuilt.py), with people at work."""
    people_at_work()
    yield
    default_storage.delete("photos/backup-test.jpg")


@flushes
def test_a_restore_into_an_empty_database_gives_identical_figures(own_county_at_work, tmp_path):
    before = figures()
    backup(tmp_path / "b.zip")
    call_command("flush", "--noinput")
    default_storage.delete("photos/backup-test.jpg")
    assert not Project.objects.exists()

    restore(tmp_path / "b.zip")

    assert figures() == before
    assert default_storage.open("photos/backup-test.jpg").read() == b"\xff\xd8 a photo"


def test_a_forced_restore_replaces_newer_data_with_the_backup(county_at_work, tmp_path, client):
    before = figures()
    backup(tmp_path / "b.zip")
    Project.objects.filter(pk__in=Project.objects.values("pk")[:10]).update(name="改动")
    load(a_portfolio(5, 2026))
    client.force_login(User.objects.get(username="office"))

    restore(tmp_path / "b.zip", "--force")

    assert figures() == before
    assert not Project.objects.filter(name="改动").exists()
    assert not Session.objects.exists()  # nobody stays signed in across a restore
    assert client.get(reverse("dashboard")).status_code == 302


def test_a_forced_restore_keeps_the_audit_trail_and_adds_the_backups_entries(tmp_path):
    load(a_portfolio(3, 2026))
    record(category=AuditEntry.Category.COMMAND, action="备份前的操作", username="office")
    backup(tmp_path / "b.zip")
    record(category=AuditEntry.Category.COMMAND, action="备份后的操作", username="office")
    before = {(e.at, e.action) for e in AuditEntry.objects.all()}

    restore(tmp_path / "b.zip", "--force")

    after = list(AuditEntry.objects.values_list("at", "action"))
    assert before <= set(after)  # nothing of the trail is lost, times unchanged
    assert len(after) == len(set(after))  # the backup's own entries are not doubled
    assert [a for _, a in after].count("备份前的操作") == 1


def test_it_refuses_to_restore_over_existing_data_without_force(tmp_path):
    load(a_portfolio(3, 2026))
    backup(tmp_path / "b.zip")

    with pytest.raises(CommandError, match="当前数据库中已有数据.*--force"):
        restore(tmp_path / "b.zip")


def rewrite(source, target, change) -> None:
    """Copy an archive member by member, letting ``change`` alter (name, bytes)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            name, data = change(item.filename, old.read(item.filename))
            new.writestr(name, data)


@flushes
def test_a_damaged_backup_is_refused_with_a_clear_message(tmp_path):
    load(a_portfolio(3, 2026))
    backup(tmp_path / "b.zip")
    call_command("flush", "--noinput")

    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes((tmp_path / "b.zip").read_bytes()[:-2000])
    with pytest.raises(CommandError, match="文件已损坏"):
        restore(truncated)

    def edit_a_figure(name, data):
        return name, data.replace(b'"amount": "1.0000"', b'"amount": "9.0000"', 1)

    rewrite(tmp_path / "b.zip", tmp_path / "edited.zip", edit_a_figure)
    with pytest.raises(CommandError, match="data.jsonl 的校验值不符"):
        restore(tmp_path / "edited.zip")
    assert not Project.objects.exists()


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("会议纪要")
    with pytest.raises(CommandError, match="不是 zip 格式的备份文件"):
        restore(tmp_path / "notes.txt")

    ledger = tmp_path / "ledger.xlsx"
    call_command("ledger_template", "-o", str(ledger), stdout=io.StringIO())
    with pytest.raises(CommandError, match="不是本系统的备份文件"):
        restore(ledger)

    with pytest.raises(CommandError, match="找不到备份文件"):
        restore(tmp_path / "missing.zip")


@flushes
def test_a_backup_from_another_schema_version_is_refused(tmp_path):
    load(a_portfolio(3, 2026))
    backup(tmp_path / "b.zip")
    call_command("flush", "--noinput")

    def older_schema(name, data):
        if name != "manifest.json":
            return name, data
        manifest = json.loads(data)
        manifest["schema"]["projects"] = "0001_initial"
        return name, json.dumps(signing.sign(manifest)).encode()  # a genuine older backup

    rewrite(tmp_path / "b.zip", tmp_path / "old.zip", older_schema)
    with pytest.raises(CommandError, match="数据库结构版本与本系统不同"):
        restore(tmp_path / "old.zip")


# Moving between databases: back up on this test's database, restore on the other kind.
POSTGRES_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
# One per test process: two runs at once (SQLite and PostgreSQL suites) must not share it.
MOVE_DATABASE = f"kp_sec_move_{os.getpid()}"


@pytest.fixture
def other_database(tmp_path):
    if connection.vendor == "postgresql":
        yield f"sqlite:///{tmp_path / 'moved.sqlite3'}"
        return
    psycopg = pytest.importorskip("psycopg")
    try:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {MOVE_DATABASE}")
            admin.execute(f"CREATE DATABASE {MOVE_DATABASE}")
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    yield POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{MOVE_DATABASE}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {MOVE_DATABASE}")


def on(database_url: str, *args: str, media) -> str:
    env = os.environ | {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "MEDIA_ROOT": str(media),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


# Every table of the database a command runs on, and the figures' commands' output for each
# period, as JSON: read in one process after the restore (each command's Django start-up
# took longer than its work).
READ_BACK = f"""
import io, json
from django.core.management import call_command
from tests.backup.snapshot import database
figures = []
for year, month in {PERIODS!r}:
    for command in ("portfolio_summary", "rankings"):
        out = io.StringIO()
        call_command(command, year=year, month=month, json=True, stdout=out)
        figures.append(json.loads(out.getvalue()))
print(json.dumps({{"tables": database(), "figures": figures}}, default=str, sort_keys=True))
"""


def tables(data: dict) -> dict:
    """A snapshot as JSON reads it back, less its last audit entry: the backup or restore
    command's own, made after the backup was read."""
    data = json.loads(json.dumps(data, default=str, sort_keys=True))
    data["audit.AuditEntry"].pop()
    return data


@pytest.mark.slow  # migrate and restore on the other database, in subprocesses
def test_a_backup_moves_to_the_other_database_with_the_same_figures(
    county_at_work, other_database, tmp_path
):
    backup(tmp_path / "b.zip")
    here = tables(snapshot.database())
    here_figures = []
    for year, month in PERIODS:
        for command in ("portfolio_summary", "rankings"):
            out = io.StringIO()
            call_command(command, year=year, month=month, json=True, stdout=out)
            here_figures.append(json.loads(out.getvalue()))
    target = other_database
    media = tmp_path / "media"

    on(target, "migrate", "--noinput", "-v0", media=media)
    on(target, "restore", str(tmp_path / "b.zip"), media=media)
    read_back = json.loads(on(target, "shell", "-v", "0", "-c", READ_BACK, media=media))

    there = tables(read_back["tables"])
    assert there.keys() == here.keys()
    for label, rows in here.items():  # every row of every table, on the other database
        assert there[label] == rows, f"{label} differs on the other database"
    # portfolio_summary and rankings --json for each period, the same on both databases
    assert read_back["figures"] == here_figures
    assert (media / "photos" / "backup-test.jpg").read_bytes() == b"\xff\xd8 a photo"


@pytest.mark.django_db(transaction=True)
def test_a_write_committed_during_the_backup_is_not_half_in_it(tmp_path, monkeypatch):
    """REPEATABLE READ: a unit committed by another connection while the backup is being
    written is in none of it, so the manifest's counts still match the data and it restores."""
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite a writer waits for the reading backup; the snapshot is implicit")
    import threading

    from backup.services import archive
    from projects.models import Unit

    load(a_portfolio(3, 2026))
    units_before = Unit.objects.count()
    real_write = archive.serializer.write

    def dump_after_a_concurrent_write(*args, **kwargs):
        def clerk():
            Unit.objects.create(name="备份期间新建的单位")
            connection.close()  # this thread's own connection

        writer = threading.Thread(target=clerk)
        writer.start()
        writer.join()
        return real_write(*args, **kwargs)

    monkeypatch.setattr(archive.serializer, "write", dump_after_a_concurrent_write)
    backup(tmp_path / "b.zip")
    monkeypatch.undo()

    assert Unit.objects.count() == units_before + 1  # the write did commit
    restore(tmp_path / "b.zip", "--force")
    assert Unit.objects.count() == units_before
