"""The backup's keyed checksum: an edited backup is refused even when its checksums were
recomputed, and a backup still restores on a new machine given the old machine's key."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from backup.rules import signing
from investment.models import MonthlyReport
from projects.models import Project
from tests.workbooks import a_portfolio, load

OLD_MACHINE_KEY = "old-machine-secret-key-4f1e9a7c2b"


@pytest.fixture
def a_backup(settings, tmp_path):
    settings.SECRET_KEY = OLD_MACHINE_KEY
    load(a_portfolio(3, 2026))
    path = tmp_path / "b.zip"
    call_command("backup", "-o", str(path), stdout=io.StringIO())
    return path


def rewrite(source, target, change) -> None:
    """Copy an archive member by member, letting ``change`` alter each member's bytes."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            new.writestr(item.filename, change(item.filename, old.read(item.filename)))


def restore(path) -> str:
    output = io.StringIO()
    call_command("restore", str(path), "--force", stdout=output)
    return output.getvalue()


def edited_with_checksums_recomputed(source, target) -> None:
    """What someone without the key can do: change a figure and fix up the plain SHA-256."""
    edited = {}

    def change(name, data):
        if name == "data.jsonl":
            data = data.replace(b'"amount": "1.0000"', b'"amount": "9.0000"', 1)
            assert b'"amount": "9.0000"' in data
            edited["data.jsonl"] = data
        return data

    rewrite(source, target, change)
    with zipfile.ZipFile(target) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members["manifest.json"])
    manifest["checksums"]["data.jsonl"] = hashlib.sha256(edited["data.jsonl"]).hexdigest()
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_it_refuses_a_backup_whose_data_was_edited_and_checksums_recomputed(a_backup, tmp_path):
    edited = tmp_path / "edited.zip"
    edited_with_checksums_recomputed(a_backup, edited)
    MonthlyReport.objects.update(amount=2)

    with pytest.raises(CommandError, match="签名校验失败.*被改动过.*拒绝恢复"):
        restore(edited)

    assert set(MonthlyReport.objects.values_list("amount", flat=True)) == {2}  # nothing restored


def test_it_refuses_a_backup_re_signed_with_a_key_of_its_editors_own(a_backup, tmp_path, settings):
    edited = tmp_path / "edited.zip"
    edited_with_checksums_recomputed(a_backup, edited)
    settings.SECRET_KEY = "the-editors-own-key"
    forged = tmp_path / "forged.zip"
    rewrite(edited, forged, lambda name, data: (
        json.dumps(signing.sign(json.loads(data))).encode() if name == "manifest.json" else data
    ))  # fmt: skip
    settings.SECRET_KEY = OLD_MACHINE_KEY

    with pytest.raises(CommandError, match="由另一个密钥签名.*BACKUP_KEY"):
        restore(forged)


def test_it_refuses_a_manifest_without_a_signature(a_backup, tmp_path):
    def unsigned(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        del manifest["signature"], manifest["key_id"]
        return json.dumps(manifest).encode()

    rewrite(a_backup, tmp_path / "unsigned.zip", unsigned)
    with pytest.raises(CommandError, match="没有签名"):
        restore(tmp_path / "unsigned.zip")


def test_a_new_machine_restores_once_given_the_old_machines_key(a_backup, settings):
    settings.SECRET_KEY = "a-new-machine-after-the-disaster"
    Project.objects.update(name="改动")

    with pytest.raises(CommandError, match="另一个密钥.*环境变量 BACKUP_KEY") as refusal:
        restore(a_backup)
    assert signing.key_id(OLD_MACHINE_KEY) in str(refusal.value)  # which key is missing
    assert not Project.objects.exclude(name="改动").exists()

    settings.BACKUP_KEY = OLD_MACHINE_KEY
    assert "已从" in restore(a_backup)
    assert not Project.objects.filter(name="改动").exists()


def test_a_backup_made_before_a_backup_key_was_set_still_restores(a_backup, settings, tmp_path):
    settings.BACKUP_KEY = "a-backup-key-set-later-7d2c"  # SECRET_KEY unchanged
    assert "已从" in restore(a_backup)

    call_command("backup", "-o", str(tmp_path / "new.zip"), stdout=io.StringIO())
    with zipfile.ZipFile(tmp_path / "new.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["key_id"] == signing.key_id("a-backup-key-set-later-7d2c")


def test_an_old_unsigned_backup_format_is_refused_by_name(a_backup, tmp_path):
    def version_one(name, data):
        if name != "manifest.json":
            return data
        return json.dumps(json.loads(data) | {"version": 1}).encode()

    rewrite(a_backup, tmp_path / "v1.zip", version_one)
    with pytest.raises(CommandError, match="旧版（第 1 版）备份文件.*没有密钥签名"):
        restore(tmp_path / "v1.zip")
