"""Progress photos: checked, re-encoded and thumbnailed before they are stored.

A photo arrives from a phone in the field. We accept only real JPEG or PNG images within
size and pixel limits (a renamed HTML file, a truncated file, a decompression bomb or a
65,536 × 1 strip is refused), rotate it upright, and re-encode it as a fresh JPEG: the
re-encoding drops every metadata block, GPS position included. Before it does, two facts are
read for the data-quality rules (``photo_facts``): the picture's perceptual hash and the capture
date in its EXIF.

``photo_prepare`` does all the checking and encoding in memory, so a page that takes several
photos at once can check every one of them before it writes anything.
"""

import datetime
import io
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from audit.services import audited
from core import journal
from core.capabilities import can, require
from core.errors import error_text
from core.versioning import delete_recorded, locked, save_recorded
from investment.models import MonthlyReport, ReportPhoto
from investment.rules import photo_facts
from investment.services import quality
from investment.services.reports import EDITABLE, is_locked, refuse_locked
from projects.models import User

ACCEPTED_FORMATS = {"JPEG", "PNG"}
THUMBNAIL_SIZE = (320, 320)
# JPEG cannot hold a side above 65,500 pixels; no camera or phone panorama comes near 20,000.
MAX_SIDE = 20_000
TOO_LARGE = "照片像素过大，请缩小后再上传。"


@dataclass(frozen=True)
class PreparedPhoto:
    """A checked photo, re-encoded and thumbnailed, not stored yet."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int
    name: str = ""  # the uploaded file's name, for messages
    phash: int | None = None  # photo_facts.perceptual_hash: signed, as stored
    taken_on: datetime.date | None = None  # from the upload's EXIF, which the JPEG drops


def _open_checked(data: bytes) -> Image.Image:
    if len(data) > settings.PHOTO_MAX_BYTES:
        raise ValidationError(
            f"照片超过{settings.PHOTO_MAX_BYTES // (1024 * 1024)} MB，请压缩后再上传。"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError("只接受 JPEG 或 PNG 格式的照片。")
            if image.width * image.height > settings.PHOTO_MAX_PIXELS:
                raise ValidationError(TOO_LARGE)
            if max(image.width, image.height) > MAX_SIDE:
                raise ValidationError(
                    f"照片的宽或高超过{MAX_SIDE}像素（这张为{image.width}×{image.height}），"
                    "请裁剪或缩小后再上传。"
                )
            image.load()  # decodes fully: a truncated or forged file fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(TOO_LARGE) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError("文件不是有效的图片，请上传 JPEG 或 PNG 照片。") from None
    return image


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    try:
        image.save(buffer, format="JPEG", quality=85, optimize=True)
    except (OSError, ValueError):  # whatever the checks above did not foresee is still no 500
        raise ValidationError("这张照片无法处理，请换一张照片或转存为 JPEG 后再上传。") from None
    return buffer.getvalue()


def photo_prepare(data: bytes, *, name: str = "") -> PreparedPhoto:
    """Check one uploaded file and re-encode it; a ValidationError says what is wrong."""
    try:
        original = _open_checked(data)
        image = ImageOps.exif_transpose(original).convert("RGB")
    except ValidationError as error:
        if not name:
            raise
        raise ValidationError(f"照片“{name}”：{error_text(error)}") from None
    thumbnail = image.copy()
    thumbnail.thumbnail(THUMBNAIL_SIZE)
    return PreparedPhoto(
        _jpeg(image),
        _jpeg(thumbnail),
        image.width,
        image.height,
        name,
        # The upright picture, as stored: a backfill from the stored JPEG hashes the same.
        phash=photo_facts.perceptual_hash(image),
        taken_on=photo_facts.taken_on(original),
    )


# A photo as it arrives: an uploaded file, or (file name, content) from a test or a command.
Upload: TypeAlias = "UploadedFile[bytes] | tuple[str, bytes]"


def _too_big(name: str) -> ValidationError:
    return ValidationError(
        f"照片“{name}”超过{settings.PHOTO_MAX_BYTES // (1024 * 1024)} MB，请压缩后再上传。"
    )


def read_uploads(uploads: Sequence[Upload]) -> list[tuple[str, bytes]]:
    """The chosen photos as (name, content), refused by count and by size before a file is read
    (so a huge upload is never loaded into memory)."""
    limit = settings.PHOTO_MAX_PER_REPORT
    if len(uploads) > limit:
        raise ValidationError(f"每份月报最多上传{limit}张照片。")
    read = []
    for upload in uploads:
        if isinstance(upload, tuple):
            read.append(upload)
            continue
        name = upload.name or ""
        if (upload.size or 0) > settings.PHOTO_MAX_BYTES:
            raise _too_big(name)
        read.append((name, upload.read()))
    return read


def check_room(report: MonthlyReport | None, adding: int) -> None:
    """Refuse more photos than a report may hold (``report`` None: not saved yet)."""
    limit = settings.PHOTO_MAX_PER_REPORT
    held = report.photos.count() if report is not None and report.pk else 0
    if held + adding > limit:
        raise ValidationError(
            f"每份月报最多上传{limit}张照片（已有{held}张，本次选了{adding}张）。"
        )


@audited("上传进度照片")
@transaction.atomic
def photos_store(
    *, report: MonthlyReport, user: User, photos: list[PreparedPhoto], caption: str = ""
) -> list[ReportPhoto]:
    """Store prepared photos of a report the user may write (several at once)."""
    require(user, "report.enter", report.plan)
    refuse_locked(report.plan.year, report.month)
    check_room(report, len(photos))
    stored = []
    for prepared in photos:
        name = f"{uuid.uuid4().hex}.jpg"
        photo = ReportPhoto(
            report=report,
            width=prepared.width,
            height=prepared.height,
            phash=prepared.phash,
            taken_on=prepared.taken_on,
            caption=caption.strip()[:200],
            uploaded_by=user,
        )
        photo.image.save(name, ContentFile(prepared.image), save=False)
        photo.thumbnail.save(name, ContentFile(prepared.thumbnail), save=False)
        stored.append(save_recorded(photo, user=user))
    # The photo rules: this report, and the reports its photos now match (flagged as well)
    quality.judge_photos({report.pk} | quality.photo_matches([report]), user=user)
    return stored


@audited("上传进度照片")
def photos_upload(
    *, report: MonthlyReport, user: User, uploads: Sequence[Upload], caption: str = ""
) -> list[ReportPhoto]:
    """The photo page's upload: the chosen files checked (count, size, then each decoded) and
    stored together, or none of them."""
    if not uploads:
        raise ValidationError("请选择要上传的照片。")
    prepared = [photo_prepare(data, name=name) for name, data in read_uploads(uploads)]
    return photos_store(report=report, user=user, photos=prepared, caption=caption)


@audited("上传进度照片")
def photo_add(*, report: MonthlyReport, user: User, data: bytes, caption: str = "") -> ReportPhoto:
    """One photo from the photo page (or a test): checked, re-encoded, stored."""
    require(user, "report.enter", report.plan)
    refuse_locked(report.plan.year, report.month)
    check_room(report, 1)
    return photos_store(report=report, user=user, photos=[photo_prepare(data)], caption=caption)[0]


def delete_refusal(report: MonthlyReport) -> str | None:
    """Why ``report``'s photos cannot be deleted (None: they can): a report sent or approved
    keeps the photos the office saw, as it keeps its figures; so does a locked month."""
    if report.status not in EDITABLE:
        return f"该报表{report.get_status_display()}，照片不能删除；如需更正请先由项目办退回。"
    if is_locked(year=report.plan.year, month=report.month):
        return f"{report.plan.year}年{report.month}月已锁定，照片不能删除。"
    return None


def can_delete(user: User, report: MonthlyReport) -> bool:
    """Whether the photo page offers 删除 on ``report``'s photos (``photo_delete`` agrees)."""
    return can(user, "report.enter", report) and delete_refusal(report) is None


@audited("删除进度照片")
@transaction.atomic
def photo_delete(*, photo: ReportPhoto, user: User) -> MonthlyReport:
    """Delete a photo of a draft or returned report: the unit's reporter (or the office, who
    may enter reports too). The row goes with its history naming ``user``; its files leave
    storage once the transaction commits (a rollback keeps them)."""
    report = (
        MonthlyReport.objects.select_for_update()
        .select_related("plan__project")
        .get(pk=photo.report_id)
    )
    require(user, "report.enter", report)
    refusal = delete_refusal(report)
    if refusal is not None:
        raise ValidationError(refusal)
    photo = locked(photo)
    files = [(f.storage, name) for f in (photo.image, photo.thumbnail) if (name := f.name)]
    matched = quality.photo_matches([report])  # their photo_reused flags may clear with it
    caption = f"“{photo.caption}”" if photo.caption else ""
    plan = report.plan
    journal.note(f"删除{plan.project.code}{plan.year}年{report.month}月进度照片{caption}")
    delete_recorded(photo, user=user)
    quality.judge_photos({report.pk} | matched, user=user)

    def remove_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)
    return report
