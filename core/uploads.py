"""Attachments (rectification evidence, fund documents): checked by content, not by name.

A file is accepted when its first bytes are those of a PDF, a JPEG or PNG image, or an Office
Open XML document (.docx/.xlsx, which are zip files), and its name says the same; anything else
(an executable renamed .pdf, an HTML page, a macro-enabled .docm) is refused with a message a
clerk understands. Files are stored under a random name and always served as downloads.
"""

import io
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import FileResponse, HttpRequest

if TYPE_CHECKING:
    from core.models import StoredFile

# extension: (content type, magic prefix)
KINDS = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
}
ACCEPTED = "PDF、JPG、PNG、DOCX、XLSX"
# The part every genuine .docx / .xlsx has; a macro-enabled file carries vbaProject.bin.
OFFICE_PARTS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


@dataclass(frozen=True)
class Attachment:
    name: str  # the clerk's own file name, for display and download
    storage_name: str  # random, so no user-given name reaches the file system
    content_type: str
    data: bytes


def _clean_name(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name.strip() or "附件"
    return "".join(ch for ch in base if ch.isprintable())[-120:]


def check_attachment(name: str, data: bytes) -> Attachment:
    name = _clean_name(name)
    limit_mb = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
    if len(data) > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(f"附件“{name}”超过{limit_mb} MB，请压缩后再上传。")
    if not data:
        raise ValidationError(f"附件“{name}”是空文件。")
    extension = PurePath(name).suffix.lower()
    if extension not in KINDS:
        raise ValidationError(f"附件“{name}”的格式不支持，只接受 {ACCEPTED} 文件。")
    content_type, magic = KINDS[extension]
    if not data.startswith(magic):
        raise ValidationError(f"附件“{name}”的内容与扩展名不符，请上传真实的 {ACCEPTED} 文件。")
    if extension in OFFICE_PARTS:
        _check_office(name, data, OFFICE_PARTS[extension])
    return Attachment(
        name=name,
        storage_name=f"{uuid.uuid4().hex}{extension}",
        content_type=content_type,
        data=data,
    )


def _check_office(name: str, data: bytes, required_part: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = set(archive.namelist())
    except zipfile.BadZipFile:
        raise ValidationError(f"附件“{name}”已损坏，无法打开。") from None
    if required_part not in parts:
        raise ValidationError(f"附件“{name}”不是有效的 Office 文档。")
    if any(part.lower().endswith("vbaproject.bin") for part in parts):
        raise ValidationError(f"附件“{name}”含有宏，不能上传。")


def check_attachments(files: Iterable["UploadedFile[bytes]"]) -> list[Attachment]:
    """Every uploaded file checked before anything is stored (all or nothing)."""
    files = list(files)
    if len(files) > settings.ATTACHMENT_MAX_FILES:
        raise ValidationError(f"一次最多上传{settings.ATTACHMENT_MAX_FILES}个附件。")
    checked = []
    for upload in files:
        name = upload.name or ""
        if (upload.size or 0) > settings.ATTACHMENT_MAX_BYTES:  # refused before it is read
            raise ValidationError(
                f"附件“{_clean_name(name)}”超过"
                f"{settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB，请压缩后再上传。"
            )
        checked.append(check_attachment(name, upload.read()))
    return checked


def download(stored: "StoredFile") -> FileResponse:
    """A kept attachment as a download, under the clerk's own file name, never shown inline."""
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.name,
        content_type=stored.content_type,
    )


def upload_limit(request: HttpRequest | None) -> int:
    """The largest file the request's page accepts: its own in `UPLOAD_LIMITS` (the ledger
    upload's), the photo and attachment limits everywhere else."""
    match = getattr(request, "resolver_match", None)
    usual = max(settings.PHOTO_MAX_BYTES, settings.ATTACHMENT_MAX_BYTES)
    own: dict[str, int] = {
        name: getattr(settings, limit) for name, limit in settings.UPLOAD_LIMITS.items()
    }
    if match is not None:
        return own.get(match.url_name, usual)
    return max(usual, *own.values())


class SizeLimitedUploadHandler(FileUploadHandler):
    """Counts each uploaded file's bytes as they arrive, first in the handler chain.

    Up to one byte past the page's limit is passed on (to memory for a small file, to a
    temporary file on disk otherwise); the rest of an oversized file is read from the request
    and dropped. The file the view receives is then just over the limit, so the view's own
    size check refuses it with its usual message, and a 200 MB upload never sits anywhere.
    """

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.limit = upload_limit(self.request) + 1
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        allowed = self.limit - self.received
        self.received += len(raw_data)
        if allowed <= 0:
            return None  # the next handlers never see it
        return raw_data[:allowed]

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or disk) gives the file
