"""Backup and restore: the whole database and the uploaded files in one zip.

The archive holds ``data.jsonl`` (every row, one a line: written by ``backup/services/serializer.py``,
loaded by ``backup/services/loader.py``, into SQLite or PostgreSQL alike), ``media/…`` (the uploaded
photos, evidence, fund documents and ledger files) and ``manifest.json`` (format, schema version, row counts per model, a SHA-256 for
every member, and an HMAC over all of it with the installation's backup key,
``backup/rules/signing.py``). The data is read inside one transaction (REPEATABLE READ on
PostgreSQL; SQLite's read transaction is a snapshot already), so the figures in a backup
are those of one instant even while clerks keep submitting.

The files are copied after that instant, while people keep working: a ledger preview
confirmed or cancelled, a photo deleted with its row. A file gone by the time it is copied
is left out, and so is every row of the snapshot that names it if that row is gone from
the database too (deleted with its file just after the snapshot): the backup never holds a
row naming a file it lacks because of the race. A file copied is copied whole (an open file
stays readable when it is deleted). The data is spooled to a temporary file first and goes
into the archive last, without those rows.
"""

import hashlib
import json
import tempfile
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.apps import apps
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.db import connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from backup.rules import signing
from backup.services import loader, serializer
from jobs.services import FILES_FOLDER

if TYPE_CHECKING:
    from audit.models import AuditEntry

# A backup's file: a path, or a binary file object.
ArchiveFile = str | Path | IO[bytes]

FORMAT = "keyprojects-backup"
# 2: keyed manifest (HMAC), JSON Lines, row references by number, times to the microsecond.
VERSION = 2
DATA = "data.jsonl"
CHUNK = 1024 * 1024
MANIFEST = "manifest.json"
MEDIA = "media/"
# Rebuilt by `migrate` (content types, permissions), or sessions: a restore signs everyone
# out, and a backup holding live session keys would let its reader sign in as anyone.
# django-axes' rows (sign-in log, failures, lockouts) are kept: they are part of the trail.
EXCLUDED_APPS = {"contenttypes", "sessions"}
EXCLUDED_MODELS = {"auth.permission"}
# Background jobs and their queue are this installation's work in progress, not its data: never
# backed up, never replaced (a restore run as a job keeps its own row and writes its progress).
# A backup that holds their rows (made before) restores without them. So is the data version
# (`investment.selectors.figure_cache`): the restore's own writes draw a new one.
TRANSIENT = {"jobs.job", "django_tasks_database.dbtaskresult", "investment.dataversion"}
# Where the jobs keep their files (an uploaded backup, a backup made from the page): not media.
JOBS_FOLDER = FILES_FOLDER

# What a backup or restore reports as it goes: ``progress(read=…, total=…, phase=…)``
# (``jobs.services.Progress``); by default nothing.
Report = Callable[..., None]


def _silent(**_: Any) -> None:
    return None


class BackupError(Exception):
    """A backup that cannot be restored, with the reason in Chinese for the operator."""


@dataclass(frozen=True)
class Summary:
    rows: int
    files: int
    bytes: int
    # Rows left out: deleted with their file while the files were being copied.
    left_out: int = 0
    # Files a row of the backup names that were missing (the row is kept, as it stands).
    missing: tuple[str, ...] = ()

    def line(self) -> str:
        line = f"{self.rows} 条记录，{self.files} 个文件，共 {self.bytes / 1024 / 1024:.1f} MB"
        if self.left_out:
            line += f"；备份期间有 {self.left_out} 条记录连同其文件被删除，未计入"
        if self.missing:
            line += f"；{len(self.missing)} 个记录所指的文件不存在：{'、'.join(self.missing[:5])}"
        return line


def backed_up_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in EXCLUDED_APPS
        and model._meta.label_lower not in EXCLUDED_MODELS
        and model._meta.label_lower not in TRANSIENT
        and model._meta.managed
        and not model._meta.proxy
    ]


def schema_state() -> dict[str, str]:
    """The latest migration of each backed-up app, as this code has them."""
    migrations = MigrationLoader(None, ignore_no_migrations=True)
    return {
        app: name for app, name in sorted(migrations.graph.leaf_nodes()) if app not in EXCLUDED_APPS
    }


class _Checksummed:
    """A text stream into a zip member that counts and hashes what goes through, written
    a megabyte at a time."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0
        self._pending: list[str] = []
        self._held = 0  # characters pending

    def write(self, text: str) -> None:
        self._pending.append(text)
        self._held += len(text)
        if self._held >= CHUNK:
            self.flush()

    def write_bytes(self, data: bytes) -> None:
        self.flush()
        self._out(data)

    def flush(self) -> None:
        if self._pending:
            self._out("".join(self._pending).encode())
            self._pending, self._held = [], 0

    def _out(self, data: bytes) -> None:
        self.sha256.update(data)
        self.size += len(data)
        self.raw.write(data)


def _media_files(storage: Storage = default_storage, directory: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(directory)
    except FileNotFoundError:  # no upload yet: the storage has no such folder
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for folder in sorted(folders):
        if not directory and folder == JOBS_FOLDER:
            continue
        yield from _media_files(storage, f"{directory}/{folder}" if directory else folder)


# A stored file's rows: file name → the (model, key) of every row naming it.
Named = dict[str, set[tuple[type[models.Model], object]]]


def _files_named(backed_up: list[type[models.Model]]) -> Named:
    """The files the rows name (photos, evidence, fund attachments), not their history rows,
    which keep naming a file deleted with its row."""
    named: Named = defaultdict(set)
    for model in backed_up:
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if not fields or any(f.name == "history_id" for f in model._meta.concrete_fields):
            continue
        for pk, *names in model._base_manager.values_list("pk", *fields).iterator():
            for name in names:
                if name:
                    named[name].add((model, pk))
    return named


class _Counted:
    """A sink that counts the rows (lines) written through it and reports them, the rows
    taking the bar from ``start`` to ``end`` percent."""

    def __init__(
        self, sink: serializer.Sink, total: int, progress: Report, start: int, end: int
    ) -> None:
        self.sink, self.total, self.progress, self.rows = sink, total, progress, 0
        self.start, self.end = start, end

    def write(self, text: str, /) -> object:
        self.sink.write(text)
        if "\n" in text:
            self.rows += text.count("\n")
            self.progress(
                read=self.rows, written=self.rows, total=self.total, percent=self.percent(self.rows)
            )
        return None

    def loaded(self, *, read: int) -> None:
        """Rows loaded by a restore (``loader.load``'s report)."""
        self.rows = read
        self.progress(read=read, written=read, percent=self.percent(read))

    def percent(self, done: int) -> int:
        return self.start + (self.end - self.start) * done // max(self.total, 1)


def _dump(stream: serializer.Sink, progress: Report = _silent) -> tuple[dict[str, int], Named]:
    """Serialize every backed-up model into ``stream`` inside one snapshot; return the row
    counts read and the files the rows name."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # Must be the transaction's first statement: all reads below see one snapshot.
            # (Inside a caller's transaction, as in the tests, that transaction's view holds.)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        # Every row, whatever a model's default manager would filter (dumpdata --all).
        backed_up = backed_up_models()
        counts = {model._meta.label: model._base_manager.count() for model in backed_up}
        named = _files_named(backed_up)
        progress(total=sum(counts.values()), phase="读取数据")
        serializer.write(backed_up, _Counted(stream, sum(counts.values()), progress, 0, 80))
    return counts, named


def make_backup(output: ArchiveFile, progress: Report = _silent) -> Summary:
    """Write the archive to ``output`` (a path or a binary file object).

    A path is written under a temporary name and renamed at the end, so a failed backup never
    leaves a half-written file that looks like a backup.
    """
    if isinstance(output, str | Path):
        partial = Path(f"{output}.part")
        try:
            with partial.open("wb") as handle:
                summary = _write(handle, progress)
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
        return summary
    return _write(output, progress)


def _member(archive: zipfile.ZipFile, name: str) -> _Checksummed:
    return _Checksummed(archive.open(name, "w", force_zip64=True))


def _copy(archive: zipfile.ZipFile, name: str) -> _Checksummed | None:
    """Copy one stored file into the archive whole; None when it is gone (a preview
    confirmed or cancelled, a photo deleted, since the file list was read)."""
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        return None
    with handle:  # open: deleting the file now no longer cuts it short
        member = _member(archive, MEDIA + name)
        while chunk := handle.read(CHUNK):
            member.write_bytes(chunk)
        member.raw.close()
    return member


def _left_out(vanished: set[str], named: Named) -> tuple[set[tuple[str, object]], set[str]]:
    """Of the rows naming a vanished file: those deleted since the snapshot, to leave out
    (as (model label, key)), and the files still named by a row the database holds."""
    rows: dict[type[models.Model], set[object]] = defaultdict(set)
    for name in vanished:
        for model, pk in named.get(name, ()):
            rows[model].add(pk)
    gone: set[tuple[str, object]] = set()
    for model, keys in rows.items():
        still = set(model._base_manager.filter(pk__in=keys).values_list("pk", flat=True))
        gone |= {(model._meta.label, pk) for pk in keys - still}
    kept = {
        name
        for name in vanished
        for m, pk in named.get(name, ())
        if (m._meta.label, pk) not in gone
    }
    return gone, kept


def _pointing_at(labels: set[str]) -> dict[str, list[tuple[str, str]]]:
    """The models (by label) whose rows point at a row of ``labels``' models or, in turn, at
    theirs: {label: [(foreign key, the model it points at)]}. A row left out takes those rows
    along (deleted with it by its cascade: a template's columns with the template)."""
    pointing: dict[str, list[tuple[str, str]]] = defaultdict(list)
    targets = set(labels)
    while True:
        found = False
        for model in backed_up_models():
            if any(f.name == "history_id" for f in model._meta.concrete_fields):
                continue  # a history row keeps naming a deleted row
            for field in model._meta.concrete_fields:
                if field.related_model is None:
                    continue
                link = (field.name, field.related_model._meta.label)
                if link[1] in targets and link not in pointing[model._meta.label]:
                    pointing[model._meta.label].append(link)
                    targets.add(model._meta.label)
                    found = True
        if not found:
            return {label: links for label, links in pointing.items() if links}


def _copy_data(
    spool: IO[bytes], data: _Checksummed, gone: set[tuple[str, object]]
) -> dict[str, int]:
    """The spooled rows into the archive, leaving out ``gone`` and the rows pointing at them
    (read a line at a time; only a line of a model concerned is parsed). How many rows of
    each model were left out for pointing at one."""
    left: dict[str, set[object]] = defaultdict(set)
    for label, pk in gone:
        left[label.lower()].add(pk)
    pointing = {
        label.lower(): [(name, target.lower()) for name, target in links]
        for label, links in _pointing_at({label for label, _ in gone}).items()
    }
    quoted = {f'"{label}"' for label in set(left) | set(pointing)}
    followed: dict[str, int] = defaultdict(int)
    spool.seek(0)
    for raw in spool:
        line = raw.decode()
        head = line[:120]  # {"model": "investment.reportphoto","pk": …
        if any(name in head for name in quoted):
            row = json.loads(line)
            model, pk = row["model"], row["pk"]
            if pk in left.get(model, ()):
                continue
            links = pointing.get(model, ())
            if any(row["fields"].get(name) in left.get(target, ()) for name, target in links):
                left[model].add(pk)  # its parents are written first (`backed_up_models`' order)
                followed[model] += 1
                continue
        data.write(line)
    data.flush()
    return followed


class _Spool:
    """Text written to a temporary binary file."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw

    def write(self, text: str) -> None:
        self.raw.write(text.encode())


def _write(output: IO[bytes], progress: Report = _silent) -> Summary:
    with (
        tempfile.TemporaryFile() as spool,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
    ):
        counts, named = _dump(_Spool(spool), progress)
        checksums, size, vanished = {}, 0, set()
        # Files after the snapshot: photos are written once under fresh names and never
        # edited, so every file the data names is there, unless deleted since (below).
        names = sorted(set(_media_files()) | set(named))
        progress(phase="复制上传文件", percent=80)
        for copied, name in enumerate(names, 1):
            progress(percent=80 + 15 * copied // len(names))
            member = _copy(archive, name)
            if member is None:
                vanished.add(name)
                continue
            checksums[MEDIA + name] = member.sha256.hexdigest()
            size += member.size
        progress(phase="写入备份文件", percent=95)
        gone, missing = _left_out(vanished, named)
        for label, _ in gone:
            counts[label] -= 1
        data = _member(archive, DATA)
        followed = _copy_data(spool, data, gone)
        for label in counts:
            counts[label] -= followed.get(label.lower(), 0)
        data.raw.close()
        checksums[DATA], size = data.sha256.hexdigest(), size + data.size
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
    return Summary(
        rows=sum(counts.values()),
        files=len(checksums) - 1,
        bytes=size,
        left_out=len(gone),
        missing=tuple(sorted(missing)),
    )


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
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


def _open(source: ArchiveFile) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError):
        raise BackupError("无法打开备份文件：文件已损坏，或者不是 zip 格式的备份文件。") from None


def _verified(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    checksums = manifest.get("checksums") or {}
    if DATA not in checksums:
        raise BackupError("备份清单不完整（缺少数据文件的校验值），备份文件不可用。")
    for name, expected in checksums.items():
        digest = hashlib.sha256()
        try:
            with archive.open(name) as member:
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
        except KeyError:
            raise BackupError(f"备份文件不完整：缺少 {name}。") from None
        except (zipfile.BadZipFile, zlib.error, EOFError):
            raise BackupError(f"备份文件已损坏：{name} 无法读取。") from None
        if digest.hexdigest() != expected:
            raise BackupError(f"备份文件已损坏：{name} 的校验值不符。")


# The audit trail is never replaced by a restore: its rows are only ever added (安全审计).
# A forced restore keeps every entry the database has and adds the backup's entries it lacks.
AUDIT = "audit.auditentry"


def _replaced_models() -> list[type[models.Model]]:
    return [m for m in backed_up_models() if m._meta.label_lower != AUDIT]


def database_has_data() -> bool:
    return any(model._base_manager.exists() for model in _replaced_models())


def restore_backup(
    source: ArchiveFile, *, force: bool = False, progress: Report = _silent
) -> Summary:
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
        # Files first: they are stored under names of their own, so a restore that then
        # fails leaves only unused files, never rows naming files that are missing.
        files = [name for name in manifest["checksums"] if name.startswith(MEDIA)]
        size = archive.getinfo(DATA).file_size
        progress(phase="恢复上传文件")
        for restored, name in enumerate(files, 1):
            progress(percent=20 * restored // len(files))
            target = name.removeprefix(MEDIA)
            if default_storage.exists(target):
                default_storage.delete(target)
            with archive.open(name) as content:
                default_storage.save(target, File(content, name=target))
            size += archive.getinfo(name).file_size
        with transaction.atomic():
            if force:
                _wipe()
            audit = _AuditEntries()
            rows = _Counted(_Nowhere(), sum(manifest["counts"].values()), progress, 20, 98)
            progress(phase="恢复数据", read=0, total=rows.total)
            skipped = dict.fromkeys(TRANSIENT, _skip)  # in a backup made before they were left out
            with archive.open(DATA) as lines:
                loader.load(lines, apart={AUDIT: audit.add, **skipped}, progress=rows.loaded)
            audit.finish()
            _check_counts(manifest["counts"])
            _reset_sequences(backed_up_models())
            progress(phase="核对并提交", percent=99)
            _jobs_of_the_gone()  # last: the running job's row is written aside until here
        if force:
            _sign_everyone_out()
    return Summary(rows=sum(manifest["counts"].values()), files=len(files), bytes=size)


class _Nowhere:
    def write(self, text: str, /) -> object:
        return None


def _skip(rows: list[Any]) -> None:
    return None


def _jobs_of_the_gone() -> None:
    """The jobs whose starter is no longer an account after the restore lose their link, as
    the audit entries do (their rows stay: a job is this installation's, not the backup's)."""
    if not apps.is_installed("jobs"):
        return
    from django.contrib.auth import get_user_model

    job = apps.get_model("jobs", "Job")
    accounts = get_user_model()._base_manager.values("pk")
    job._base_manager.filter(started_by__isnull=False).exclude(started_by__in=accounts).update(
        started_by=None
    )


def _sign_everyone_out() -> None:
    """Every session deleted, right after the restore's commit: a session names a user by id,
    and after the restore that id may be someone else's account. Not inside the restore's
    transaction: there it would lock every session, and each page (the restore's own progress
    page too) saves its session, so it would wait for the whole restore."""
    if apps.is_installed("django.contrib.sessions"):
        from django.contrib.sessions.models import Session

        Session.objects.all()._raw_delete(connection.alias)


def _wipe() -> None:
    """Empty every replaced table with one DELETE each: no row is read into memory and no
    history is written (deleting through the ORM loads every row of a history-tracked
    table and writes a "deleted" history row for each). The foreign keys are checked at
    commit, when the backup's rows are in.

    The audit entries stay, losing their link to a user, as they would if the user were
    deleted (the backup's own entries keep theirs). Sessions go once the restore is in
    (``_sign_everyone_out``).
    """
    from audit.models import AuditEntry

    AuditEntry._base_manager.filter(user__isnull=False).update(user=None)
    for model in _replaced_models():
        for field in model._meta.many_to_many:  # a many-to-many field has a through model
            if field.remote_field.through._meta.auto_created:  # type: ignore[union-attr]
                field.remote_field.through._base_manager.all()._raw_delete(connection.alias)  # type: ignore[union-attr]
        model._base_manager.all()._raw_delete(connection.alias)


class _AuditEntries:
    """What a restore does with the backup's audit entries, a batch at a time: adds those
    this database does not hold yet, each with its own time. An entry whose number another
    entry holds here (a backup of another installation) is added last, under a new number
    given after every restored one (numbering it at once could take a number a later
    batch's entry keeps)."""

    def __init__(self) -> None:
        from audit.models import AuditEntry

        self.model = AuditEntry
        self.users: set[int] | None = None
        self.renumbered: list[AuditEntry] = []

    @staticmethod
    def same(held: "AuditEntry", entry: "AuditEntry") -> bool:
        # Backups of the first format kept times to the millisecond.
        close = abs(held.at - entry.at) < timedelta(milliseconds=1)
        return close and (held.username, held.action, held.target) == (
            entry.username,
            entry.action,
            entry.target,
        )

    def add(self, entries: "list[AuditEntry]") -> None:
        from django.contrib.auth import get_user_model

        if self.users is None:  # read after the users: the backup writes them first
            self.users = set(get_user_model()._base_manager.values_list("pk", flat=True))
        held = self.model._base_manager.in_bulk([entry.pk for entry in entries])
        kept = []
        for entry in entries:
            if entry.pk in held and self.same(held[entry.pk], entry):
                continue
            if entry.user_id not in self.users:
                entry.user_id = None
            if entry.pk in held:
                entry.pk = None
                self.renumbered.append(entry)
            else:
                kept.append(entry)
        loader.insert(self.model, kept)

    def finish(self) -> None:
        _reset_sequences([self.model])
        loader.insert(self.model, self.renumbered, with_keys=False)


def _reset_sequences(models: Sequence[type[models.Model]]) -> None:
    """Number new rows after the restored ones (PostgreSQL's sequences; SQLite's follow)."""
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
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
