"""Progress photos: checked, re-encoded and thumbnailed before they are stored.

A photo arrives from a phone in the field. We accept only real JPEG or PNG images within
size and pixel limits (a renamed HTML file, a truncated file or a decompression bomb is
refused), rotate it upright, and re-encode it as a fresh JPEG: the re-encoding drops every
metadata block, GPS position included.
"""

import io
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from investment.models import MonthlyReport, ReportPhoto
from investment.services import refuse_locked, require_own_unit, require_role
from projects.models import User

ACCEPTED_FORMATS = {"JPEG", "PNG"}
THUMBNAIL_SIZE = (320, 320)


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
                raise ValidationError("照片像素过大，请缩小后再上传。")
            image.load()  # decodes fully: a truncated or forged file fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError("照片像素过大，请缩小后再上传。") from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError("文件不是有效的图片，请上传 JPEG 或 PNG 照片。") from None
    return image


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue()


@transaction.atomic
def photo_add(*, report: MonthlyReport, user: User, data: bytes, caption: str = "") -> ReportPhoto:
    require_role(user, User.Role.REPORTER, User.Role.OFFICER)
    require_own_unit(user, report.plan)
    refuse_locked(report.plan.year, report.month)
    if report.photos.count() >= settings.PHOTO_MAX_PER_REPORT:
        raise ValidationError(f"每份月报最多上传{settings.PHOTO_MAX_PER_REPORT}张照片。")
    image = ImageOps.exif_transpose(_open_checked(data)).convert("RGB")
    thumbnail = image.copy()
    thumbnail.thumbnail(THUMBNAIL_SIZE)
    name = f"{uuid.uuid4().hex}.jpg"
    photo = ReportPhoto(
        report=report,
        width=image.width,
        height=image.height,
        caption=caption.strip()[:200],
        uploaded_by=user,
    )
    photo.image.save(name, ContentFile(_jpeg(image)), save=False)
    photo.thumbnail.save(name, ContentFile(_jpeg(thumbnail)), save=False)
    photo.save()
    return photo
