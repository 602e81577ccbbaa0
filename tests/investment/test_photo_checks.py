"""The photo rules of DESIGN.md §3 (investment/rules/photo_facts.py, investment/selectors/photo_checks.py):
a photo sent again for another report is found by its perceptual hash (``photo_reused``), and
a photo whose camera date is outside its month and 报送 days is found by its EXIF date
(``photo_date``). Both facts are read on upload, before the JPEG is re-encoded without EXIF."""

import io
import random
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from PIL import Image, ImageDraw

from investment.models import MonthlyReport, ReportPhoto
from investment.rules.photo_facts import distance, to_signed, to_unsigned
from investment.selectors.photo_checks import (
    photos_dated_outside,
    reused_photos,
    reused_photos_by_report,
)
from investment.services import reports as services
from investment.services.photos import photo_add, photo_prepare
from projects.models import AnnualPlan
from tests.builders import ledger
from tests.cast import Cast
from tests.prebuilt import prebuilt
from tests.workbooks import code

# ---------------------------------------------------------------- pictures made for the tests


def picture(seed: int, size: tuple[int, int] = (1200, 900)) -> Image.Image:
    """A site photo stand-in: a sky, a ground and random blocks and discs (the structure a
    perceptual hash reads), with a sprinkle of noise."""
    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(width // 8, width // 2), rng.randrange(height // 8, height // 2)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        shape = draw.rectangle if rng.random() < 0.5 else draw.ellipse
        shape((x, y, x + w, y + h), fill=colour)
    for _ in range(2000):
        draw.point((rng.randrange(width), rng.randrange(height)), fill=(255, 255, 255))
    return image


def jpeg(image: Image.Image, *, quality: int = 90, exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    image.save(
        buffer, format="JPEG", quality=quality, exif=exif if exif is not None else Image.Exif()
    )
    return buffer.getvalue()


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def shot_on(when: str, *, tag: int = 36867) -> bytes:
    """A JPEG whose camera wrote ``when`` ("2026:10:03 14:22:05") as DateTimeOriginal (36867,
    in the Exif IFD), DateTimeDigitized (36868, there too) or DateTime (306, in IFD0)."""
    exif = Image.Exif()
    if tag == 306:
        exif[306] = when
    else:
        exif.get_ifd(0x8769)[tag] = when
    return jpeg(picture(1), exif=exif)


def with_garbage_exif(data: bytes) -> bytes:
    """``data`` (a JPEG) with an APP1 Exif segment of random bytes after its start marker."""
    garbage = b"Exif\x00\x00" + random.Random(7).randbytes(300)
    segment = b"\xff\xe1" + (len(garbage) + 2).to_bytes(2, "big") + garbage
    return data[:2] + segment + data[2:]


# ------------------------------------------------------------------------------ the reports


@prebuilt
def photo_reports_county() -> None:
    """October 2026's report of 甲 (县住建局) and September's of 乙 (营盘镇), drafts of the
    units' reporters. Built once per process."""
    cast = Cast()
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "甲", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2026, "年度计划投资(万元)": 50, "实际开(复)工日期": "2026-01-05"},
                {"项目代码": code(2), "项目名称": "乙", "责任单位": "营盘镇", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2026, "年度计划投资(万元)": 50, "实际开(复)工日期": "2026-01-05"},
            ]
        }
    )  # fmt: skip
    services.report_save(
        plan=AnnualPlan.objects.get(project__code=code(1)),
        month=10,
        user=cast.reporter,
        amount=Decimal(5),
    )
    services.report_save(
        plan=AnnualPlan.objects.get(project__code=code(2)),
        month=9,
        user=cast.other_reporter,
        amount=Decimal(5),
    )


@pytest.fixture
def reports(photo_reports_county, cast):
    """October 2026's report of 甲 (县住建局) and September's of 乙 (营盘镇)."""
    return (
        MonthlyReport.objects.get(plan__project__code=code(1), month=10),
        MonthlyReport.objects.get(plan__project__code=code(2), month=9),
    )


# --------------------------------------------------------------------------------- the hash


def test_a_re_saved_and_resized_jpeg_keeps_its_hash_within_four_bits():
    original = photo_prepare(jpeg(picture(1), quality=95))
    smaller = picture(1).resize((720, 540))
    resent = photo_prepare(jpeg(smaller, quality=40))

    assert original.phash is not None and resent.phash is not None
    assert distance(original.phash, resent.phash) <= 4


def test_a_different_picture_is_far_from_it():
    one, other = photo_prepare(jpeg(picture(1))), photo_prepare(jpeg(picture(2)))

    assert distance(one.phash, other.phash) > 16


@pytest.mark.parametrize("unsigned", [0, 1, 2**63 - 1, 2**63, 2**64 - 1])
def test_the_unsigned_hash_is_stored_as_a_signed_bigint_and_read_back(reports, cast, unsigned):
    stored = to_signed(unsigned)
    assert -(2**63) <= stored < 2**63
    photo = photo_add(report=reports[0], user=cast.reporter, data=jpeg(picture(1)))
    ReportPhoto.objects.filter(pk=photo.pk).update(phash=stored)

    assert to_unsigned(ReportPhoto.objects.get(pk=photo.pk).phash) == unsigned
    assert distance(stored, unsigned) == 0


def test_an_upload_stores_its_hash_and_its_history_row_has_it_too(reports, cast):
    photo = photo_add(report=reports[0], user=cast.reporter, data=jpeg(picture(1)))

    assert photo.phash == photo_prepare(jpeg(picture(1))).phash
    assert photo.history.get().phash == photo.phash


# ------------------------------------------------------------------------ rule photo_reused


def test_the_same_picture_in_another_projects_report_is_found_with_where_it_was(reports, cast):
    october, september = reports
    earlier = photo_add(report=september, user=cast.other_reporter, data=jpeg(picture(1)))
    again = photo_add(
        report=october,
        user=cast.reporter,
        data=jpeg(picture(1).resize((800, 600)), quality=50),
        caption="主体施工",
    )

    [found] = reused_photos(october, max_bits=4)

    assert (found.photo_id, found.other_photo_id) == (again.pk, earlier.pk)
    assert (found.other_report_id, found.other_project) == (september.pk, "乙")
    assert (found.other_year, found.other_month) == (2026, 9)
    assert found.distance <= 4
    assert found.message.startswith("照片“主体施工”与2026年9月“乙”的照片")
    # and the other way round: the September report's photo is found in October's
    [back] = reused_photos(september, max_bits=4)
    assert (back.other_project, back.other_month, back.label) == ("甲", 10, "第1张照片")


def test_an_identical_file_says_identical(reports, cast):
    october, september = reports
    photo_add(report=september, user=cast.other_reporter, data=jpeg(picture(1)))
    photo_add(report=october, user=cast.reporter, data=jpeg(picture(1)))

    [found] = reused_photos(october, max_bits=4)

    assert found.distance == 0
    assert found.message == "第1张照片与2026年9月“乙”的照片相同"


def test_a_different_picture_is_not_a_reuse(reports, cast):
    october, september = reports
    photo_add(report=september, user=cast.other_reporter, data=jpeg(picture(1)))
    photo_add(report=october, user=cast.reporter, data=jpeg(picture(2)))

    assert reused_photos(october, max_bits=4) == []


def test_two_photos_of_the_same_report_are_not_another_report(reports, cast):
    october, _ = reports
    photo_add(report=october, user=cast.reporter, data=jpeg(picture(1)))
    photo_add(report=october, user=cast.reporter, data=jpeg(picture(1)))

    assert reused_photos(october, max_bits=4) == []


def test_the_threshold_is_the_callers(reports, cast):
    october, september = reports
    photo_add(report=september, user=cast.other_reporter, data=jpeg(picture(1)))
    resent = photo_add(report=october, user=cast.reporter, data=jpeg(picture(1)))
    ReportPhoto.objects.filter(pk=resent.pk).update(
        phash=to_signed(to_unsigned(resent.phash) ^ 0b111)
    )

    assert [f.distance for f in reused_photos(october, max_bits=3)] == [3]
    assert reused_photos(october, max_bits=2) == []


def test_a_photo_stored_before_hashes_matches_once_the_command_backfills_it(reports, cast):
    october, september = reports
    earlier = photo_add(report=september, user=cast.other_reporter, data=jpeg(picture(1)))
    photo_add(report=october, user=cast.reporter, data=jpeg(picture(1)))
    ReportPhoto.objects.filter(pk=earlier.pk).update(phash=None)
    assert reused_photos(october, max_bits=4) == []

    out = io.StringIO()
    call_command("photo_hashes", stdout=out)

    assert "已补算1张照片的哈希" in out.getvalue()
    assert [f.other_photo_id for f in reused_photos(october, max_bits=4)] == [earlier.pk]
    assert ReportPhoto.objects.get(pk=earlier.pk).taken_on is None  # EXIF is gone from the file
    assert earlier.history.count() == 1  # the backfill is no change of the photo


def test_several_reports_are_checked_in_one_scan(reports, cast, django_assert_num_queries):
    october, september = reports
    photo_add(report=september, user=cast.other_reporter, data=jpeg(picture(1)))
    photo_add(report=october, user=cast.reporter, data=jpeg(picture(1)))
    photo_add(report=october, user=cast.reporter, data=jpeg(picture(3)))

    # each report's photos, the hashes of all photos, the matches with their projects
    with django_assert_num_queries(4):
        found = reused_photos_by_report([october, september], max_bits=4)

    assert [f.other_project for f in found[october.pk]] == ["乙"]
    assert [f.other_project for f in found[september.pk]] == ["甲"]


# --------------------------------------------------------------------------- the EXIF date


@pytest.mark.parametrize(
    ("exif_date", "tag", "taken"),
    [
        ("2026:10:03 14:22:05", 36867, date(2026, 10, 3)),  # DateTimeOriginal
        ("2026:10:04 08:00:00", 36868, date(2026, 10, 4)),  # DateTimeDigitized
        ("2026:10:05 09:30:00", 306, date(2026, 10, 5)),  # DateTime
        ("2026-10-06 09:30:00", 36867, date(2026, 10, 6)),  # dashes, as some cameras write
        ("0000:00:00 00:00:00", 36867, None),  # a camera with no clock set
        ("2026:02:30 10:00:00", 36867, None),
        ("昨天", 36867, None),
    ],
)
def test_the_capture_date_is_read_from_the_upload_before_it_is_re_encoded(exif_date, tag, taken):
    prepared = photo_prepare(shot_on(exif_date, tag=tag))

    assert prepared.taken_on == taken
    assert not Image.open(io.BytesIO(prepared.image)).getexif()  # and the JPEG stored has none


def test_date_time_original_wins_over_the_date_the_file_was_written():
    exif = Image.Exif()
    exif[306] = "2026:12:01 10:00:00"  # edited later
    exif.get_ifd(0x8769)[36867] = "2026:10:03 14:22:05"

    assert photo_prepare(jpeg(picture(1), exif=exif)).taken_on == date(2026, 10, 3)


def test_garbage_exif_is_no_date_and_no_refusal():
    prepared = photo_prepare(with_garbage_exif(jpeg(picture(1))))

    assert prepared.taken_on is None
    assert prepared.phash is not None


def test_a_png_without_exif_has_no_date():
    assert photo_prepare(png(picture(1))).taken_on is None


# -------------------------------------------------------------------------- rule photo_date


def october_photo(reports, cast, when: str) -> ReportPhoto:
    return photo_add(report=reports[0], user=cast.reporter, data=shot_on(when))


@pytest.mark.parametrize(
    "when",
    ["2026:10:01 00:00:01", "2026:10:31 23:59:59", "2026:11:05 18:00:00"],  # 5 Nov: the due day
)
def test_a_photo_taken_in_the_month_or_up_to_the_due_day_is_not_flagged(reports, cast, when):
    photo = october_photo(reports, cast, when)

    assert photo.taken_on is not None
    assert photos_dated_outside(reports[0], due_day=5) == []


@pytest.mark.parametrize("when", ["2026:09:30 23:59:59", "2026:11:06 08:00:00"])
def test_a_photo_taken_before_the_month_or_after_the_due_day_is_flagged(reports, cast, when):
    photo = october_photo(reports, cast, when)

    [found] = photos_dated_outside(reports[0], due_day=5)

    assert (found.photo_id, found.taken_on) == (photo.pk, photo.taken_on)


def test_the_message_names_the_date_the_month_and_the_due_day(reports, cast):
    october_photo(reports, cast, "2026:08:03 10:00:00")

    [found] = photos_dated_outside(reports[0], due_day=5)

    assert found.message == "第1张照片拍摄于2026年8月3日，不在2026年10月及报送期（至11月5日）内"


def test_the_due_day_is_the_years_setting(reports, cast):
    october_photo(reports, cast, "2026:11:06 08:00:00")

    assert photos_dated_outside(reports[0], due_day=10) == []


def test_a_photo_with_no_exif_date_is_not_flagged(reports, cast):
    photo_add(report=reports[0], user=cast.reporter, data=png(picture(1)))

    assert photos_dated_outside(reports[0], due_day=5) == []


def test_decembers_photos_may_be_taken_up_to_januarys_due_day(cast):
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "甲", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2026, "年度计划投资(万元)": 50, "实际开(复)工日期": "2026-01-05"},
            ]
        }
    )  # fmt: skip
    december = services.report_save(
        plan=AnnualPlan.objects.get(), month=12, user=cast.reporter, amount=Decimal(5)
    )
    for when in ("2027:01:05 10:00:00", "2027:01:06 10:00:00"):
        photo_add(report=december, user=cast.reporter, data=shot_on(when))

    [found] = photos_dated_outside(december, due_day=5)

    assert found.taken_on == date(2027, 1, 6)
    assert found.message.endswith("不在2026年12月及报送期（至1月5日）内")
