"""An uploaded ledger between its preview and its confirmation, for the upload page and for the
background jobs that preview and import a large one (``ledger/tasks.py``).

The file waits in storage under a random token, with the list of every change its preview found
(JSON lines) and the preview's ``fingerprint``; the confirmation imports exactly that file, and
only if it would still do what the preview showed (``import_ledger``'s ``expected``).
"""

import contextlib
import hashlib
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from ledger.rules.reader import LedgerImportError, opened
from ledger.rules.results import ImportResult
from ledger.services.importer import import_ledger
from projects.models import User

PENDING_FOLDER = "ledger-uploads"
PENDING_MAX_AGE = timedelta(days=1)  # a preview nobody confirmed by then is dropped
Progress = Callable[..., None]


def upload_keep(upload: UploadedFile[Any]) -> tuple[str, str]:
    """Store an upload for its preview: (its token, its path in storage)."""
    drop_stale()
    token = uuid.uuid4().hex
    return token, default_storage.save(f"{PENDING_FOLDER}/{token}.xlsx", upload)  # in chunks


def upload_rows(path: str, filename: str) -> int:
    """About how many rows the stored workbook holds (``LedgerBook.row_estimate``); raises
    ``LedgerImportError`` when the file itself cannot be read."""
    with default_storage.open(path, "rb") as stored, opened(stored, filename=filename) as book:
        return book.row_estimate()


def upload_preview(
    *, path: str, filename: str, user: User | None, progress: Progress | None = None
) -> tuple[ImportResult, dict[str, Any]]:
    """The stored upload's preview (a dry run), and what its confirmation needs; a refused file
    is deleted and its ``LedgerImportError`` raised."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as changes:
        try:
            with default_storage.open(path, "rb") as stored:
                result = import_ledger(
                    file=stored,
                    filename=filename,
                    user=user,
                    dry_run=True,
                    changes=changes,
                    progress=progress,
                )
        except LedgerImportError:
            default_storage.delete(path)
            raise
        changes.seek(0)
        changes_path = default_storage.save(
            path.removesuffix(".xlsx") + ".changes.jsonl", File(changes)
        )
    entry = {
        "path": path,
        "changes": changes_path,
        "filename": filename,
        "sha256": checksum(path),
        # what the preview showed it would do: the confirmation must do exactly that
        "fingerprint": result.fingerprint(),
    }
    return result, entry


def upload_import(
    *, entry: dict[str, Any], token: str, user: User | None, progress: Progress | None = None
) -> ImportResult:
    """Import the previewed upload (``entry``, confirmed as ``token``), then drop its files."""
    try:
        with default_storage.open(entry["path"], "rb") as stored:
            return import_ledger(
                file=stored,
                filename=entry["filename"],
                user=user,
                expected=entry.get("fingerprint"),
                preview=token,
                progress=progress,
            )
    finally:
        delete(entry)


def shown(result: ImportResult, changes: int) -> dict[str, Any]:
    """What the preview page shows of ``result`` (its first ``changes`` changes), as JSON."""
    return {
        "lines": result.lines(),
        "changes_nothing": result.changes_nothing,
        "units_created": result.units_created,
        "similar_units": result.similar_units,
        "batches_created": result.batches_created,
        "new_projects": result.new_projects,
        "new_projects_count": result.new_projects_count,
        "new_projects_hidden": result.new_projects_hidden,
        "changes": {"count": result.changes.count},
        "first_changes": [asdict(change) for change in result.changes.first[:changes]],
        "locked": result.locked,
        "locked_rows": result.locked_rows[:50],
        "warnings": result.warnings[:50],
        "warnings_count": result.warnings_count,
    }


def checksum(path: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(path, "rb") as stored:
        for chunk in stored.chunks():
            digest.update(chunk)
    return digest.hexdigest()


def delete(entry: dict[str, Any]) -> None:
    for key in ("path", "changes"):
        if entry.get(key) and default_storage.exists(entry[key]):
            with contextlib.suppress(FileNotFoundError):  # deleted meanwhile by another tab
                default_storage.delete(entry[key])


def drop_stale() -> None:
    """Delete anyone's preview left unconfirmed for longer than ``PENDING_MAX_AGE``."""
    try:  # not exists(): an object store (S3) keeps files by name and has no folder that exists
        names = default_storage.listdir(PENDING_FOLDER)[1]
    except FileNotFoundError:  # nothing uploaded yet
        return
    stale_before = timezone.now() - PENDING_MAX_AGE
    for name in names:
        path = f"{PENDING_FOLDER}/{name}"
        with contextlib.suppress(FileNotFoundError):  # confirmed or cancelled meanwhile
            if default_storage.get_modified_time(path) < stale_before:
                default_storage.delete(path)
