"""Progress photos: only real images, re-encoded without GPS, seen only within scope."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from investment.models import ReportPhoto
from investment.selectors.portfolio import units_not_reported
from investment.services import reports as services
from investment.services.photos import photo_add
from projects.models import AnnualPlan
from tests.builders import ledger
from tests.workbooks import code


@pytest.fixture
def report(cast):
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "甲", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50, "实际开(复)工日期": "2024-01-05"},
                {"项目代码": code(2), "项目名称": "乙", "责任单位": "营盘镇", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50, "实际开(复)工日期": "2024-01-05"},
            ]
        }
    )  # fmt: skip
    reporter = cast.reporter
    plan = AnnualPlan.objects.get(project__code=code(1))
    return services.report_save(plan=plan, month=3, user=reporter, amount=Decimal(5))


def jpeg_with_gps(size=(1200, 900)) -> bytes:
    image = Image.new("RGB", size, (40, 120, 200))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (34.0, 16.0, 0.0), 3: "E", 4: (108.0, 56.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_a_photo_is_re_encoded_without_its_gps_and_gets_a_thumbnail(report, cast):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)

    photo = photo_add(report=report, user=cast.reporter, data=original, caption="主体施工")

    stored = Image.open(photo.image.open("rb"))
    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert (photo.width, photo.height) == (1200, 900)
    assert max(Image.open(photo.thumbnail.open("rb")).size) == 320


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "不是有效的图片"),
        (jpeg_with_gps()[:400], "不是有效的图片"),
    ],
)
def test_a_file_that_is_not_a_whole_image_is_refused(report, data, message, cast):
    with pytest.raises(ValidationError, match=message):
        photo_add(report=report, user=cast.reporter, data=data)
    assert ReportPhoto.objects.count() == 0


def test_a_gif_is_refused(report, cast):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")

    with pytest.raises(ValidationError, match="只接受 JPEG 或 PNG"):
        photo_add(report=report, user=cast.reporter, data=buffer.getvalue())


def test_an_image_bomb_and_an_oversized_file_are_refused(report, settings, cast):
    settings.PHOTO_MAX_PIXELS = 1000 * 1000
    buffer = io.BytesIO()
    Image.new("L", (4000, 4000)).save(buffer, format="PNG")  # tiny file, 16 megapixels

    with pytest.raises(ValidationError, match="像素过大"):
        photo_add(report=report, user=cast.reporter, data=buffer.getvalue())

    settings.PHOTO_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="照片超过"):
        photo_add(report=report, user=cast.reporter, data=jpeg_with_gps())


def test_a_locked_month_refuses_photos(report, cast):
    services.period_lock(
        year=2024,
        month=3,
        user=cast.officer,
        confirmed_units=[u.unit_id for u in units_not_reported(year=2024, month=3)],
    )

    with pytest.raises(ValidationError, match="已锁定"):
        photo_add(report=report, user=cast.reporter, data=jpeg_with_gps())


def test_photos_are_uploaded_and_served_only_within_scope(client, report, cast):
    client.force_login(cast.reporter)
    upload = SimpleUploadedFile("现场.jpg", jpeg_with_gps(), content_type="image/jpeg")
    client.post(reverse("report_photos", args=[report.pk]), {"photo": upload, "caption": "现场"})
    photo = ReportPhoto.objects.get()

    assert client.get(reverse("photo_file", args=[photo.pk, "thumb"])).status_code == 200

    client.force_login(cast.other_reporter)  # 营盘镇's
    assert client.get(reverse("photo_file", args=[photo.pk, "full"])).status_code == 404
    assert client.get(reverse("report_photos", args=[report.pk])).status_code == 404


def png(size: tuple[int, int], mode: str = "1") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def test_a_270_byte_png_of_65536_by_1_pixels_is_refused_with_a_message(report, cast):
    strip = png((65536, 1), mode="RGB")
    assert len(strip) == 270

    with pytest.raises(ValidationError, match="照片的宽或高超过20000像素（这张为65536×1）"):
        photo_add(report=report, user=cast.reporter, data=strip)
    assert ReportPhoto.objects.count() == 0


@pytest.mark.parametrize(
    "size", [(65536, 1), (1, 65536), (65500, 1), (20001, 1), (1, 20001), (20001, 2999)]
)
def test_a_side_above_20000_pixels_is_refused_whatever_the_other(report, size, cast):
    with pytest.raises(ValidationError, match="照片的宽或高超过20000像素"):
        photo_add(report=report, user=cast.reporter, data=png(size))


@pytest.mark.parametrize("size", [(1, 1), (2, 1), (20000, 1), (1, 20000), (20000, 3)])
def test_tiny_and_long_thin_photos_within_the_limits_are_stored(report, size, cast):
    photo = photo_add(report=report, user=cast.reporter, data=png(size))

    assert (photo.width, photo.height) == size
    thumb = Image.open(photo.thumbnail.open("rb"))
    assert max(thumb.size) <= 320 and min(thumb.size) >= 1


def test_the_photo_page_answers_an_extreme_png_with_a_message_not_a_500(client, report, cast):
    client.force_login(cast.reporter)
    upload = SimpleUploadedFile("长条.png", png((65536, 1), mode="RGB"), content_type="image/png")

    response = client.post(
        reverse("report_photos", args=[report.pk]), {"photo": upload}, follow=True
    )

    assert response.status_code == 200
    assert "照片“长条.png”：照片的宽或高超过20000像素" in response.content.decode()
    assert ReportPhoto.objects.count() == 0


def test_the_photo_page_takes_several_photos_at_once_or_none(client, report, cast):
    client.force_login(cast.reporter)
    url = reverse("report_photos", args=[report.pk])

    def upload(name, data):
        return SimpleUploadedFile(name, data, content_type="image/jpeg")

    page = client.post(
        url, {"photo": [upload("1.jpg", jpeg_with_gps()), upload("2.jpg", jpeg_with_gps())]},
        follow=True,
    ).content.decode()  # fmt: skip
    assert "已上传2张照片" in page
    page = client.post(
        url, {"photo": [upload("3.jpg", jpeg_with_gps()), upload("坏.jpg", b"not an image")]},
        follow=True,
    ).content.decode()  # fmt: skip
    assert "照片“坏.jpg”：文件不是有效的图片" in page
    assert ReportPhoto.objects.count() == 2


def test_photos_show_on_the_project_page_and_three_on_the_one_page_sheet(client, report, cast):
    """Thumbnails of the sheet's year up to its month, newest first, in one row that keeps
    the sheet of eleven months and six milestones on one page."""
    from pypdf import PdfReader

    from projects.models import Milestone

    reporter_ = cast.reporter
    plan = report.plan
    for month in (1, 2, 4, 12):
        monthly = services.report_save(
            plan=plan, month=month, user=reporter_, amount=Decimal(1), progress="主体施工" * 12
        )
        buffer = io.BytesIO()
        Image.new("RGB", (640, 480), (20 * month, 120, 200)).save(buffer, format="JPEG")
        photo_add(report=monthly, user=reporter_, data=buffer.getvalue(), caption=f"{month}月现场")
    for index in range(6):
        Milestone.objects.create(
            project=plan.project, name=f"节点{index}", planned_date=f"2024-{index + 1:02d}-01"
        )
    client.force_login(reporter_)

    page = client.get(reverse("project_detail", args=[plan.project_id])).content.decode()
    assert page.count('class="photo-strip"') == 4 and page.count("/thumb/") == 4

    response = client.get(
        reverse("project_sheet_pdf", args=[plan.project_id]), {"year": 2024, "month": 11}
    )
    pdf = PdfReader(io.BytesIO(response.content))
    Path("/tmp/month").mkdir(exist_ok=True)
    Path("/tmp/month/project-sheet.pdf").write_bytes(response.content)
    assert len(pdf.pages) == 1
    assert len(pdf.pages[0].images) == 3  # April, February, January: December is after November
    text = pdf.pages[0].extract_text()
    assert "最新进度照片：4月现场（4月）" in text.replace(" ", "") and "12月现场" not in text
    Path("/tmp/month").mkdir(exist_ok=True)
    Path("/tmp/month/project-sheet.pdf").write_bytes(response.content)
