"""Hostile workbooks (issue 22): small files that declare a great deal, and damaged ones.

Each builder takes its size as an argument: the tests build small ones (and assert the
refusal comes before the work), `benchmarks/workbook_bombs.py` the sizes the issue measured.
They are made from a genuine workbook written by openpyxl, with one part rewritten.
"""

import io
import os
import re
import zipfile
from collections.abc import Callable

from openpyxl import Workbook

PEOPLE_HEADERS = ["用户名", "姓名", "手机号", "所属单位"]
LEDGER_HEADERS = ["项目代码", "年度", "月份", "本月完成投资(万元)"]  # 月度投资
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def workbook(title: str, rows: list[list]) -> bytes:
    """A one-sheet workbook whose text is in a shared-string table, as Excel saves it (openpyxl
    itself writes each text into its cell)."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return _shared(buffer.getvalue())


SHARED_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
INLINE = re.compile(
    rb'(<c r="[A-Z]+\d+")(?: s="(\d+)")? t="inlineStr"(?: s="(\d+)")?><is><t>(.*?)</t></is>'
)


def _shared(data: bytes, part: str = STRINGS) -> bytes:
    texts: dict[bytes, int] = {}  # each text once, as Excel keeps it

    def to_index(match: re.Match) -> bytes:
        index = texts.setdefault(match.group(4), len(texts))
        style = match.group(2) or match.group(3)
        styled = b' s="%s"' % style if style else b""
        return match.group(1) + styled + b' t="s"><v>%d</v>' % index

    sheet = INLINE.sub(to_index, zipfile.ZipFile(io.BytesIO(data)).read(SHEET))
    table = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"".join(b"<si><t>%s</t></si>" % text for text in texts)
        + b"</sst>"
    )
    override = b'<Override PartName="/%s" ContentType="%s" /></Types>' % (
        part.encode(), SHARED_TYPE)  # fmt: skip
    return rewrite(
        data,
        {
            SHEET: sheet,
            "[Content_Types].xml": lambda xml: xml.replace(b"</Types>", override),
            part: table,
        },
    )


def people(rows: list[list]) -> bytes:
    return workbook("填报员", [PEOPLE_HEADERS, *rows])


def ledger(rows: list[list]) -> bytes:
    return workbook("月度投资", [LEDGER_HEADERS, *rows])


def rewrite(data: bytes, parts: dict[str, Callable[[bytes], bytes] | bytes]) -> bytes:
    """The same zip with some parts changed (a callable) or added (bytes), deflated hard."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            change = parts.get(info.filename)
            if callable(change):
                content = change(content)
            elif change is not None:
                content = change
            target.writestr(info.filename, content)
        for name, added in parts.items():
            if name not in source.namelist() and isinstance(added, bytes):
                target.writestr(name, added)
    return out.getvalue()


def many_strings(base: bytes, count: int, *, part: str = STRINGS) -> bytes:
    """``base`` whose shared-string table (under ``part``, which the content types name) also
    holds ``count`` one-letter strings: two million in 89 KB, and openpyxl made an object of
    each. Written a megabyte at a time, so 45 million cost the builder no 765 MB."""
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(f"/{STRINGS}".encode(), f"/{part}".encode())
            if info.filename != STRINGS:
                target.writestr(info.filename, content)
                continue
            head, _, tail = content.rpartition(b"</sst>")
            with target.open(part, "w", force_zip64=True) as table:
                table.write(head)
                chunk = b"<si><t>a</t></si>" * 65_536
                for _ in range(count // 65_536):
                    table.write(chunk)
                table.write(b"<si><t>a</t></si>" * (count % 65_536))
                table.write(b"</sst>" + tail)
    return out.getvalue()


def strings_elsewhere(base: bytes, count: int) -> bytes:
    """The same table under another part name: openpyxl finds it through the content types,
    so a limit on ``xl/sharedStrings.xml`` by its name did not apply."""
    return many_strings(base, count, part="xl/words.xml")


def ballast(data: bytes, size: int) -> bytes:
    """``data`` with ``size`` bytes that do not compress (a picture, say) in a part of its own:
    a larger file, so larger budgets, with nothing more to read."""
    return rewrite(data, {"xl/media/image1.png": os.urandom(size)})


def long_text(data: bytes, text: str, length: int) -> bytes:
    """``data`` whose shared string ``text`` is made ``length`` characters long (openpyxl
    itself cuts a text at Excel's 32,767)."""
    longer = (text * (length // len(text) + 1))[:length]
    return rewrite(data, {STRINGS: lambda xml: xml.replace(
        b"<t>%s</t>" % text.encode(), b"<t>%s</t>" % longer.encode())})  # fmt: skip


def long_units(rows: int, length: int) -> bytes:
    """``rows`` reporters whose 所属单位 is ``length`` characters long, each a different one
    (the closest-unit suggestion compared every one with every unit)."""
    stem = "县城市管理局" * (length // 6 + 1)
    return people([[f"user{n}", f"姓名{n}", "", f"{n}{stem}"[:length]] for n in range(1, rows + 1)])


def declaring(base: bytes, dimension: str) -> bytes:
    """``base`` with its sheet's declared dimension replaced (``A1:XFD1048576``: every cell
    Excel has; ``A1:D2``: fewer rows than it holds)."""
    return rewrite(
        base,
        {
            SHEET: lambda xml: re.sub(
                rb'<dimension ref="[^"]+"', b'<dimension ref="%s"' % (dimension.encode()), xml
            )
        },  # fmt: skip
    )


def row_numbered(base: bytes, number: int) -> bytes:
    """``base`` whose last row is numbered ``number`` (openpyxl made up every row between)."""

    def change(xml: bytes) -> bytes:
        last = max(int(n) for n in re.findall(rb'<row r="(\d+)"', xml))
        xml = xml.replace(b'<row r="%d"' % last, b'<row r="%d"' % number)
        return re.sub(rb'(<c r="[A-Z]+)%d"' % last, rb'\g<1>%d"' % number, xml)

    return rewrite(base, {SHEET: change})


def with_sheet_xml(base: bytes, change: Callable[[bytes], bytes]) -> bytes:
    return rewrite(base, {SHEET: change})


def bad_sheet_xml(base: bytes) -> bytes:
    """The sheet's XML cut in the middle of a row."""
    return with_sheet_xml(base, lambda xml: xml[: xml.index(b"</sheetData>") - 7])


def bad_string_index(base: bytes) -> bytes:
    """A text cell pointing past the end of the shared-string table."""
    return with_sheet_xml(
        base, lambda xml: re.sub(rb'(<c r="A2"[^>]*t="s"[^>]*><v>)\d+', rb"\g<1>999999", xml)
    )


def malformed_number(base: bytes) -> bytes:
    """A number cell (column C of row 2) holding text that is no number."""
    return with_sheet_xml(
        base, lambda xml: re.sub(rb'(<c r="C2"[^>]*t="n"[^>]*><v>)[^<]+', rb"\g<1>12abc", xml)
    )
