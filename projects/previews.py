"""A previewed upload waits on the server until it is confirmed, and is imported once.

The preview stores the uploaded file (streamed, never whole in memory) under a random token
and notes it in the session with the file's SHA-256; the confirmation form carries only the
token and the checksum, so a file of any size the preview accepted can be confirmed (the form
no longer carries the file back: a 1.95 MB list was 2.6 MB of base64, past Django's 2.5 MB
request limit). The file confirmed is exactly the file previewed in that tab, whatever other
previews the person opened since. A preview nobody confirms is deleted after a day.

``claim`` makes the import itself happen once: it records the token inside the import's
transaction, and a second confirmation of the same preview (another tab, a double click),
even at the same moment, finds it there and is told the file was imported already.

A confirmation reads the file only after its claim (``claimed``): once, checked against the
preview's SHA-256, and those very bytes are imported. Before the claim it reads and deletes
nothing, so confirmations of one preview at the same moment read it one at a time, and a tab
refused before its claim never takes the file from the tab that imports it. (Six tabs once made
no account at all: each checked and counted the file before claiming it; one read a wrong
slice of it — the test storage gives every opening of a file one shared position — was told
不一致 and deleted the file, and the other five found it gone.)
"""

import contextlib
import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from projects.models import ConfirmedUpload, User

MAX_AGE = timedelta(days=1)  # a preview nobody confirmed by then is dropped
PER_SESSION = 5  # previews one person may keep open (one per tab)
ALREADY = "该文件已经导入（在另一个标签页或窗口中确认过），本次没有重复导入。"
GONE = "没有待确认的导入（该预览已导入、已被取消或已过期），请重新上传文件。"


@dataclass(frozen=True)
class Pending:
    token: str
    path: str
    filename: str
    sha256: str
    rows: int | None = None  # what the preview counted; None: not known (kept before it was)


class Previews:
    """The previews of one kind (``folder`` in storage, ``key`` in the session)."""

    def __init__(self, *, key: str, folder: str) -> None:
        self.key = key
        self.folder = folder

    def _entries(self, request: Any) -> dict[str, dict[str, Any]]:
        entries = request.session.get(self.key)
        return dict(entries) if isinstance(entries, dict) else {}

    def keep(self, upload: Any) -> Pending:
        """Store ``upload`` (a Django uploaded file) for its preview; anyone's stale previews
        are deleted. It can be confirmed once ``offer`` notes it in the session."""
        self.drop_stale()
        token = uuid.uuid4().hex
        path = default_storage.save(f"{self.folder}/{token}.xlsx", upload)  # in chunks
        return Pending(token, path, upload.name or "", checksum(path))

    def offer(self, request: Any, pending: Pending, *, rows: int) -> None:
        """Note the preview of ``rows`` rows in the session, for its confirmation; the oldest
        previews of the session beyond the last few are deleted."""
        entries = self._entries(request)
        entries[pending.token] = {
            "path": pending.path,
            "filename": pending.filename,
            "sha256": pending.sha256,
            "rows": rows,
        }
        for old in list(entries)[:-PER_SESSION]:
            delete(entries.pop(old)["path"])
        request.session[self.key] = entries

    def take(self, request: Any, token: str, sha256: str) -> Pending:
        """The preview ``token`` names, taken out of the session for its confirmation; a
        ValidationError when there is none (imported, cancelled, expired) or the form's
        checksum is not its own. Its file is neither read nor deleted here: that waits for the
        claim (``claimed``), which another tab confirming it at the same moment may win."""
        entries = self._entries(request)
        entry = entries.pop(token, None)
        request.session[self.key] = entries
        if entry is None:
            raise ValidationError(GONE)
        rows = entry.get("rows")
        pending = Pending(
            token, entry["path"], entry["filename"], entry["sha256"],
            rows if isinstance(rows, int) else None,
        )  # fmt: skip
        if sha256 != pending.sha256:
            raise ValidationError(changed(pending.filename))
        return pending

    def drop_stale(self) -> None:
        """Delete anyone's preview left unconfirmed for longer than ``MAX_AGE``."""
        try:
            names = default_storage.listdir(self.folder)[1]
        except FileNotFoundError:
            return
        stale_before = timezone.now() - MAX_AGE
        for name in names:
            path = f"{self.folder}/{name}"
            try:
                if default_storage.get_modified_time(path) < stale_before:
                    default_storage.delete(path)
            except FileNotFoundError:
                continue  # confirmed or cancelled meanwhile


def changed(filename: str) -> str:
    return f"要确认的文件与预览的“{filename}”不一致，未导入任何数据。请重新上传并预览。"


def opened(pending: Pending) -> IO[bytes]:
    """The previewed file, for reading; a ValidationError if it has gone meanwhile."""
    try:
        return default_storage.open(pending.path, "rb")
    except FileNotFoundError:
        raise ValidationError(GONE) from None


def checksum(path: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(path, "rb") as stored:
        for chunk in stored.chunks():
            digest.update(chunk)
    return digest.hexdigest()


def delete(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        default_storage.delete(path)


def claim(*, token: str, kind: str, user: User | None) -> None:
    """Record, inside the caller's transaction, that preview ``token`` is being imported;
    ValidationError(ALREADY) if it was. A confirmation running at the same moment waits on
    the token's unique index until this transaction ends, then fails here (or, if this one
    rolled back, goes ahead)."""
    if ConfirmedUpload.objects.filter(token=token).exists():
        raise ValidationError(ALREADY)
    try:
        with transaction.atomic():
            ConfirmedUpload.objects.create(token=token, kind=kind, confirmed_by=user)
    except IntegrityError:
        raise ValidationError(ALREADY) from None


def claimed(pending: Pending, *, kind: str, user: User | None, max_bytes: int) -> bytes:
    """Claim ``pending`` inside the caller's transaction (``claim``), then read its file once:
    the bytes to import, checked to be the file previewed (its SHA-256), at most ``max_bytes``
    (what the preview accepted). A ValidationError (rolling the claim back with the caller's
    transaction) when it was imported already, is gone, or is not the file previewed."""
    claim(token=pending.token, kind=kind, user=user)
    try:
        with default_storage.open(pending.path, "rb") as stored:
            data = stored.read(max_bytes + 1)
    except FileNotFoundError:
        raise ValidationError(GONE) from None
    if len(data) > max_bytes or hashlib.sha256(data).hexdigest() != pending.sha256:
        raise ValidationError(changed(pending.filename))
    return data
