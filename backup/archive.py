"""Backup and restore: the whole database and the uploaded files in one zip.

The archive holds ``data.json`` (every row, ``backup/serializer.py``: it loads into SQLite
or PostgreSQL alike), ``media/…`` (the uploaded photos, evidence, fund documents and ledger
files) and ``manifest.json`` (format, schema version, row counts per model, a SHA-256 for
every member, and an HMAC over all of it with the installation's backup key,
``backup/signing.py``). The data is read inside one transaction (REPEATABLE READ on
PostgreSQL; SQLite's read transaction is a snapshot already), so the figures in a backup
are those of one instant even while clerks keep submitting.
"""

import hashlib
import json
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from backup import serializer, signing

FORMAT = "keyprojects-backup"
# 2: keyed manifest (HMAC), row references by number, times to the microsecond.
VERSION = 2
DATA = "data.json"
MANIFEST = "manifest.json"
MEDIA = "media/"
# Rebuilt by `migrate` (content types, permissions), or sessions: a restore signs everyone
# out, and a backup holding live session keys would let its reader sign in as anyone.
# django-axes' rows (sign-in log, failures, lockouts) are kept: they are part of the trail.
EXCLUDED_APPS = {"contenttypes", "sessions"}
EXCLUDED_MODELS = {"auth.permission"}


class BackupError(Exception):
    """A backup that cannot be restored, with the reason in Chinese for the operator."""


@dataclass(frozen=True)
class Summary:
    rows: int
    files: int
    bytes: int

    def line(self) -> str:
        return f"{self.rows} 条记录，{self.files} 个文件，共 {self.bytes / 1024 / 1024:.1f} MB"


def backed_up_models() -> list:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in EXCLUDED_APPS
        and model._meta.label_lower not in EXCLUDED_MODELS
        and model._meta.managed
        and not model._meta.proxy
    ]


def schema_state() -> dict[str, str]:
    """The latest migration of each backed-up app, as this code has them."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {
        app: name for app, name in sorted(loader.graph.leaf_nodes()) if app not in EXCLUDED_APPS
    }


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _media_files(storage=default_storage, directory: str = ""):
    try:
        folders, files = storage.listdir(directory)
    except FileNotFoundError:  # no upload yet: MEDIA_ROOT does not exist
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for folder in sorted(folders):
        yield from _media_files(storage, f"{directory}/{folder}" if directory else folder)


def _dump(path: Path) -> dict[str, int]:
    """Serialize every backed-up model inside one snapshot; return the row counts read."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # Must be the transaction's first statement: all reads below see one snapshot.
            # (Inside a caller's transaction, as in the tests, that transaction's view holds.)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        # Every row, whatever a model's default manager would filter (dumpdata --all).
        models = backed_up_models()
        counts = {model._meta.label: model._base_manager.count() for model in models}
        with path.open("w", encoding="utf-8") as stream:
            serializer.write(models, stream)
    return counts


def make_backup(output) -> Summary:
    """Write the archive to ``output`` (a path or a binary file object).

    A path is written under a temporary name and renamed at the end, so a failed backup never
    leaves a half-written file that looks like a backup.
    """
    if isinstance(output, str | Path):
        partial = Path(f"{output}.part")
        try:
            with partial.open("wb") as handle:
                summary = _write(handle)
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
        return summary
    return _write(output)


def _write(output) -> Summary:
    with tempfile.TemporaryDirectory() as work:
        data_path = Path(work) / DATA
        counts = _dump(data_path)
        data = data_path.read_bytes()
        checksums = {DATA: _sha256(data)}
        size = len(data)
        # Files after the snapshot: photos are written once under fresh names and never edited,
        # so every file the data names is already there.
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.writestr(DATA, data)
            for name in _media_files():
                with default_storage.open(name, "rb") as handle:
                    content = handle.read()
                archive.writestr(MEDIA + name, content)
                checksums[MEDIA + name] = _sha256(content)
                size += len(content)
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.now().isoformat(),
                "database": connection.vendor,
                "schema": schema_state(),
                "counts": counts,
                "checksums": checksums,
            }
            signed = signing.sign(manifest)  # an edited backup fails this HMAC
            archive.writestr(MANIFEST, json.dumps(signed, ensure_ascii=False, indent=1))
    return Summary(rows=sum(counts.values()), files=len(checksums) - 1, bytes=size)


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError):
        raise BackupError("该文件不是本系统的备份文件（缺少备份清单 manifest.json）。") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("该文件不是本系统的备份文件（备份清单格式不符）。")
    if manifest.get("version") == 1:
        raise BackupError(
            "这是旧版（第 1 版）备份文件：它没有密钥签名，无法确认未被改动，本系统不再恢复。"
            "请用本系统重新备份。"
        )
    if manifest.get("version") != VERSION:
        raise BackupError(f"备份格式版本 {manifest.get('version')} 与本系统（{VERSION}）不符。")
    try:
        signing.verify(manifest)
    except signing.SignatureError as error:
        raise BackupError(str(error)) from None
    return manifest


def _open(source) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError):
        raise BackupError("无法打开备份文件：文件已损坏，或者不是 zip 格式的备份文件。") from None


def _verified(archive: zipfile.ZipFile, manifest: dict) -> None:
    checksums = manifest.get("checksums") or {}
    if DATA not in checksums:
        raise BackupError("备份清单不完整（缺少数据文件的校验值），备份文件不可用。")
    for name, expected in checksums.items():
        try:
            content = archive.read(name)
        except KeyError:
            raise BackupError(f"备份文件不完整：缺少 {name}。") from None
        except (zipfile.BadZipFile, zlib.error, EOFError):
            raise BackupError(f"备份文件已损坏：{name} 无法读取。") from None
        if _sha256(content) != expected:
            raise BackupError(f"备份文件已损坏：{name} 的校验值不符。")


# The audit trail is never replaced by a restore: its rows are only ever added (安全审计).
# A forced restore keeps every entry the database has and adds the backup's entries it lacks.
AUDIT = "audit.auditentry"


def _replaced_models() -> list:
    return [m for m in backed_up_models() if m._meta.label_lower != AUDIT]


def database_has_data() -> bool:
    return any(model._base_manager.exists() for model in _replaced_models())


def restore_backup(source, *, force: bool = False) -> Summary:
    """Load an archive into this database and media storage; all or nothing for the data."""
    archive = _open(source)
    with archive:
        manifest = read_manifest(archive)
        _verified(archive, manifest)
        if manifest.get("schema") != schema_state():
            raise BackupError(
                "备份所用的数据库结构版本与本系统不同。请先用与备份时相同版本的程序恢复，"
                "再升级程序并运行 migrate。"
            )
        if database_has_data() and not force:
            raise BackupError(
                "当前数据库中已有数据，为防止覆盖，未执行恢复。"
                "确认要用备份替换全部现有数据时，请加 --force 参数。"
            )
        objects = json.loads(archive.read(DATA))
        audit = [o for o in objects if o["model"] == AUDIT]
        with tempfile.TemporaryDirectory() as work:
            data_path = Path(work) / DATA
            data_path.write_text(json.dumps([o for o in objects if o["model"] != AUDIT]))
            with transaction.atomic():
                if force:
                    _wipe()
                call_command("loaddata", str(data_path), verbosity=0)
                _add_audit_entries(audit)
                _check_counts(manifest["counts"])
        files = [name for name in manifest["checksums"] if name.startswith(MEDIA)]
        size = len(archive.read(DATA))
        for name in files:
            content = archive.read(name)
            target = name.removeprefix(MEDIA)
            if default_storage.exists(target):
                default_storage.delete(target)
            default_storage.save(target, ContentFile(content))
            size += len(content)
    return Summary(rows=sum(manifest["counts"].values()), files=len(files), bytes=size)


def _wipe() -> None:
    """Delete every backed-up row, dependants first (the reverse of dumpdata's order).

    Sessions go too: a session names a user by id, and after the restore that id may be
    someone else's account.
    """
    from django.core import serializers

    if apps.is_installed("django.contrib.sessions"):
        from django.contrib.sessions.models import Session

        Session.objects.all().delete()
    ordered = serializers.sort_dependencies([(None, _replaced_models())])
    for model in reversed(ordered):
        model._base_manager.all().delete()
    # Deleting the rows above writes "deleted" entries into the model history
    # (django-simple-history); those belong to no backup, so they go as well.
    for model in ordered:
        if hasattr(model, "instance_type"):  # a historical model
            model._base_manager.all().delete()


def _add_audit_entries(entries: list[dict]) -> None:
    """The backup's audit entries that this database does not hold yet, under new numbers
    where the backup's number is taken by another entry (a backup of another installation)."""
    from django.contrib.auth import get_user_model

    from audit.models import AuditEntry

    def value(name: str, raw):
        return AuditEntry._meta.get_field(name).to_python(raw)

    def same(entry: AuditEntry, fields: dict) -> bool:
        # The JSON keeps times to the millisecond.
        close = abs(entry.at - value("at", fields["at"])) < timedelta(milliseconds=1)
        return close and (entry.username, entry.action, entry.target) == (
            fields["username"],
            fields["action"],
            fields["target"],
        )

    held = AuditEntry.objects.in_bulk([entry["pk"] for entry in entries])
    users = set(get_user_model().objects.values_list("pk", flat=True)) if entries else set()
    new = []
    for entry in entries:
        fields = dict(entry["fields"])
        if entry["pk"] in held and same(held[entry["pk"]], fields):
            continue
        user = fields.pop("user", None)
        new.append(
            AuditEntry(
                pk=None if entry["pk"] in held else entry["pk"],
                user_id=user if user in users else None,
                **{name: value(name, raw) for name, raw in fields.items()},
            )
        )
    for entry in new:  # raw, as loaddata does: keeps each entry's own time (auto_now_add)
        entry.save_base(raw=True)
    if connection.vendor == "postgresql" and new:
        _reset_sequence(AuditEntry)


def _reset_sequence(model) -> None:
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)


def _check_counts(expected: dict[str, int]) -> None:
    for model in backed_up_models():
        label = model._meta.label
        got = model._base_manager.count()
        if model._meta.label_lower == AUDIT:
            if got < expected.get(label, 0):
                raise BackupError(
                    f"恢复后审计记录少于备份中的 {expected.get(label, 0)} 条，已撤销恢复。"
                )
            continue
        if got != expected.get(label, 0):
            raise BackupError(
                f"恢复后 {label} 的记录数为 {got}，备份中为 {expected.get(label, 0)}，已撤销恢复。"
            )
