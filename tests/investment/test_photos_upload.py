"""The photo page's upload (investment/services/photos.py ``photos_upload``): the chosen files are
checked by count and size before they are read, then decoded, and stored all or none."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from investment.models import ReportPhoto
from investment.services.photos import photos_upload
from tests.investment.test_report_photos import jpeg_with_gps, report

__all__ = ["report"]  # the fixture


def upload(name: str = "现场.jpg", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_with_gps() if data is None else data)


def test_it_stores_every_chosen_photo_with_the_caption(report, cast):
    stored = photos_upload(
        report=report,
        user=cast.reporter,
        uploads=[upload("一.jpg"), upload("二.jpg")],
        caption="基础",
    )

    assert [photo.caption for photo in stored] == ["基础", "基础"]
    assert report.photos.count() == 2


def test_it_refuses_an_empty_choice(report, cast):
    with pytest.raises(ValidationError, match="请选择要上传的照片"):
        photos_upload(report=report, user=cast.reporter, uploads=[])


def test_it_refuses_more_photos_than_a_report_holds_before_reading_them(report, settings, cast):
    settings.PHOTO_MAX_PER_REPORT = 1
    files = [upload("一.jpg"), upload("二.jpg")]

    with pytest.raises(ValidationError, match="每份月报最多上传1张照片。"):
        photos_upload(report=report, user=cast.reporter, uploads=files)
    assert all(f.tell() == 0 for f in files)


def test_it_refuses_a_file_over_the_size_limit_naming_it(report, settings, cast):
    settings.PHOTO_MAX_BYTES = 1024 * 1024

    with pytest.raises(ValidationError, match="照片“大.jpg”超过1 MB，请压缩后再上传。"):
        photos_upload(
            report=report, user=cast.reporter, uploads=[upload(), upload("大.jpg", b"\0" * 2**21)]
        )
    assert ReportPhoto.objects.count() == 0


def test_it_stores_none_when_one_file_is_not_an_image(report, cast):
    with pytest.raises(ValidationError, match="照片“假.jpg”：文件不是有效的图片"):
        photos_upload(
            report=report, user=cast.reporter, uploads=[upload(), upload("假.jpg", b"<html>")]
        )
    assert ReportPhoto.objects.count() == 0
