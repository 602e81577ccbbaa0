"""上报模板 uploads that are not what they say: an empty file, an .xls or a password-protected
workbook renamed .xlsx, a PDF, the house's workbook bombs (a dimension of every cell, a row
numbered a million, two million shared strings, a cut sheet, a string index past the table, text
in a number cell), a formula, other sheets far larger than the first. Each is refused on the page
in one Chinese line, quickly, and leaves no template and no file behind."""

import io
import re
import time

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests import bombs
from upstream.models import UpstreamTemplate

HEADERS = ["序号", "项目名称", "责任单位", "总投资", "本月完成投资", "备注"]
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def template(extra=None) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "进展表"
    sheet.append(["市重点项目进展表"])
    sheet.append(HEADERS)
    if extra:
        extra(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_formula(book) -> None:
    book.active["D3"] = "=SUM(D4:D9)"


def with_notes(book) -> None:
    book.create_sheet("填报说明")["A1"] = "说明"


def base() -> bytes:
    return bombs.workbook(
        "进展表", [["市重点项目进展表"], HEADERS, [1, "项目", "县住建局", 100, 5, ""]]
    )


def other_sheet(megabytes: float) -> bytes:
    """A template whose second sheet (填报说明) unzips to ``megabytes``: openpyxl reads it whole
    although only the first is the template (1.9 MB of other sheets took 19 s to upload)."""
    row = b"".join(
        b'<c r="%s%%d"><v>12345</v></c>' % letter.encode() for letter in "ABCDEFGHIJKLMNO"
    )
    count = int(megabytes * 1024 * 1024 / len(row))
    rows = b"".join(b'<row r="%d">' % n + row.replace(b"%d", b"%d" % n) + b"</row>"
                    for n in range(1, count + 1))  # fmt: skip
    return bombs.ballast(bombs.rewrite(template(with_notes), {"xl/worksheets/sheet2.xml": lambda xml:
        re.sub(rb"<sheetData>.*</sheetData>|<sheetData\s*/>", b"<sheetData>" + rows + b"</sheetData>", xml,
               flags=re.S)}), 200_000)  # fmt: skip


def styles(megabytes: float) -> bytes:
    """A template whose styles unzip to ``megabytes`` (17 MB of them took 46 s to upload)."""
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    count = int(megabytes * 1024 * 1024 / len(xf))
    return bombs.ballast(bombs.rewrite(template(), {"xl/styles.xml": lambda xml: re.sub(
        rb'<cellXfs count="\d+">', b'<cellXfs count="%d">' % count + xf * count, xml)}), 200_000)  # fmt: skip


REFUSED = {
    "xls改名": lambda: OLE2 + b"\x00" * 4096,
    "加密工作簿": lambda: OLE2 + b"EncryptionInfo\x00EncryptedPackage" + b"\x00" * 8192,
    "PDF改名": lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n",
    "文本改名": lambda: "序号,项目名称\n1,项目\n".encode(),
    "百万行号": lambda: bombs.row_numbered(base(), 1_000_000),
    "两百万共享字符串": lambda: bombs.many_strings(base(), 2_000_000),
    "另名字符串表": lambda: bombs.strings_elsewhere(base(), 2_000_000),
    "截断的表": lambda: bombs.bad_sheet_xml(base()),
    "字符串索引越界": lambda: bombs.bad_string_index(base()),
    "公式": lambda: template(with_formula),
    "其他工作表2.1MB": lambda: other_sheet(2.1),
    "样式3.1MB": lambda: styles(3.1),
}


def stored() -> list[str]:
    if not default_storage.exists("upstream-templates"):
        return []
    return default_storage.listdir("upstream-templates")[1]


def upload(cast, data: bytes):
    client = Client(raise_request_exception=True)
    client.force_login(cast.officer)
    file = io.BytesIO(data)
    file.name = "市表.xlsx"
    started = time.monotonic()
    page = client.post(reverse("upstream_list"), {"title": "市表", "file": file})
    return page, time.monotonic() - started


@pytest.mark.parametrize("name", REFUSED)
def test_a_hostile_file_is_refused_quickly_in_chinese_and_nothing_is_kept(cast, name):
    data = REFUSED[name]()
    before = stored()

    page, took = upload(cast, data)

    text = page.content.decode()
    assert page.status_code == 200 and "“市表.xlsx”不能作为上报模板：" in text
    # Refused before the sheets are parsed: 19 s and 46 s before; a few seconds on two busy cores
    assert took < 12, f"{name}: {took:.1f} s"
    assert not UpstreamTemplate.objects.exists()
    assert stored() == before


def test_an_empty_file_is_refused_by_the_form(cast):
    before = stored()  # the worker's earlier tests may have left theirs

    page, _ = upload(cast, b"")

    assert "所提交的是空文件。" in page.content.decode()
    assert not UpstreamTemplate.objects.exists() and stored() == before


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(lambda: bombs.declaring(base(), "A1:XFD1048576"), id="全表维度"),
        pytest.param(lambda: other_sheet(1.5), id="其他工作表1.5MB"),
        pytest.param(lambda: styles(1), id="样式1MB"),
    ],
)
def test_a_file_within_the_limits_whatever_it_declares_is_kept_and_downloads_quickly(cast, data):
    """A dimension of every cell Excel has is ignored (the cells in the file are read); other
    sheets and styles within the limits are kept, and the filled file downloads in seconds."""
    page, took = upload(cast, data())
    template = UpstreamTemplate.objects.get()
    client = Client(raise_request_exception=True)
    client.force_login(cast.officer)

    started = time.monotonic()
    download = client.get(
        reverse("upstream_download", args=[template.pk]), {"year": 2026, "month": 6}
    )

    assert page.status_code == 302 and took < 10  # a shared machine: 2 to 6 s here
    assert download.status_code == 200 and time.monotonic() - started < 10
    assert load_workbook(io.BytesIO(download.content)).worksheets[0]["B2"].value == "项目名称"
