"""Every uploaded workbook (the ledger, 导入填报员) is opened here, and costs no more time or memory
than its size on disk allows, whatever it declares.

An .xlsx is a zip of XML parts, and a small zip can declare a great deal: a shared-string table
of millions of one-letter strings (89 KB for two million), a sheet dimension of all 17 billion
cells, a row numbered a hundred million, a part that unzips a thousand times its size. So:

1. Before anything is parsed: the file's size; that it is a real .xlsx (an OLE2 .xls or a
   macro-enabled .xlsm is refused by name and by content); and what every part unzips to, from
   the zip's own directory (``zipfile`` never unzips a part past the size it declares), at most
   ``RATIO`` times the file's size (a genuine workbook unzips to 5–30 times) and at most the
   caller's limit.
2. The shared-string table, the one part openpyxl holds whole, is read by ``_strings`` below
   instead of openpyxl's own reader, a string at a time, stopping at the first string past a
   budget that again grows with the file's size: one string per byte of the file (a genuine
   distinct string costs 2.3–2.8 compressed bytes) and ``TEXT_PER_BYTE`` characters, within
   the caller's limits. It is found through the workbook's content types, as openpyxl finds it,
   whatever the part is called.
3. Sheets are streamed (openpyxl read-only) row element by row element, as the rows are in
   the file: the declared dimension is ignored, a row that is not there is not made up (a row
   numbered 100,000,000 is one row, refused because Excel stops at 1,048,576, not a hundred
   million empty ones), and each row is cut to the width the caller reads.

Anything openpyxl cannot parse (bad XML, a shared-string index out of range, ``abc`` in a
number cell), found while opening or later while rows are read, is one refusal: ``DAMAGED``.
"""

import io
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS as SHARED_STRINGS_TYPE
from openpyxl.xml.constants import SHEET_MAIN_NS

KB = 1024
MB = 1024 * KB
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CELL_TEXT = 32_767  # the most characters Excel puts in one cell

# Budgets that grow with the file's size (see the module's docstring), each with a floor so a
# small genuine workbook is never refused by them.
RATIO = 100  # unzipped bytes per byte of file
UNZIPPED_FLOOR = 1 * MB
STRINGS_PER_BYTE = 1
STRINGS_FLOOR = 1_000
TEXT_PER_BYTE = 32  # characters of the shared strings per byte of file
TEXT_FLOOR = 1_000_000

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAVE_AS_XLSX = "请在 Excel 中“另存为”Excel 工作簿（*.xlsx）后再导入"
DAMAGED = f"无法读取该工作簿，文件可能已损坏。{SAVE_AS_XLSX}"
ABNORMAL = "内容异常，拒绝导入。请删除多余内容后另存再导入"

Source = bytes | str | Path | IO[bytes]


@dataclass(frozen=True)
class Limits:
    """What one kind of upload may hold at most, whatever its size."""

    max_bytes: int  # the file
    max_unzipped: int  # every part, unzipped
    max_strings: int  # entries of the shared-string table
    max_text: int  # characters of the shared-string table


@dataclass(frozen=True)
class Budget:
    """The limits for one file: its kind's, lowered for a small file."""

    unzipped: int
    strings: int
    text: int

    @classmethod
    def of(cls, limits: Limits, size: int) -> "Budget":
        return cls(
            unzipped=min(limits.max_unzipped, max(UNZIPPED_FLOOR, RATIO * size)),
            strings=min(limits.max_strings, max(STRINGS_FLOOR, STRINGS_PER_BYTE * size)),
            text=min(limits.max_text, max(TEXT_FLOOR, TEXT_PER_BYTE * size)),
        )


class WorkbookRefused(Exception):
    """The file cannot be read; ``reason`` says why, in Chinese, for the person who sent it."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def row_ref(sheet: str, row: int) -> str:
    """A row of an uploaded sheet, as every import's message names it, leading a problem or
    inside one (与项目台账!2重复): ``sheet!row``, Excel's own way of naming a sheet's cell and
    the form DESIGN.md §4 pins for the ledger's problems (``sheet!row: column: reason``)."""
    return f"{sheet}!{row}"


def size_text(limit: int) -> str:
    """A byte limit as a clerk reads it: ``20 MB`` or ``512 KB``."""
    if limit >= MB:
        return f"{round(limit / MB, 1):g} MB"
    return f"{max(limit // KB, 1)} KB"


def too_large(limits: Limits) -> str:
    return f"文件超过{size_text(limits.max_bytes)}的大小上限，请拆分后分批导入"


class Sheet:
    """One worksheet, read lazily: ``header()`` and ``rows()`` each parse it from the top."""

    def __init__(self, worksheet: Any) -> None:
        self.worksheet = worksheet
        self.title: str = worksheet.title

    def _parsed(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """(row number, its cells) for each row element in the file, in the file's order."""
        book = self.worksheet.parent
        with book._archive.open(self.worksheet._worksheet_path) as source:
            # What openpyxl's read-only sheet runs under iter_rows, without the padding that
            # makes up the rows the file does not hold.
            parser = WorkSheetParser(
                source, self.worksheet._shared_strings, data_only=True, epoch=book.epoch,
                date_formats=book._date_formats, timedelta_formats=book._timedelta_formats,
            )  # fmt: skip
            for number, cells in parser.parse():
                if number > EXCEL_MAX_ROWS or number < 1:
                    raise WorkbookRefused(
                        f"工作表“{self.title}”超过Excel的{EXCEL_MAX_ROWS}行上限，文件内容异常"
                    )
                yield number, cells

    def header(self) -> tuple:
        """Row 1's values (empty when the sheet has no row 1)."""
        return guarded(self._header)

    def _header(self) -> tuple:
        for number, cells in self._parsed():
            if number != 1 or not cells:
                return ()
            return _values(cells, max(cell["column"] for cell in cells))
        return ()

    def rows(self, width: int, *, first: int = 2) -> Iterator[tuple[int, tuple]]:
        """(row number, its first ``width`` values) of each non-blank row from row ``first``,
        as the rows are in the file. Damage found on the way refuses the workbook."""
        try:
            for number, cells in self._parsed():
                if number < first:
                    continue
                values = _values(cells, width)
                if any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
                    yield number, values
        except WorkbookRefused:
            raise
        except Exception:  # cells are parsed lazily: a damaged sheet fails here, not on load
            raise WorkbookRefused(DAMAGED) from None


def _values(cells: list[dict[str, Any]], width: int) -> tuple:
    values: list[Any] = [None] * width
    for cell in cells:
        column = cell["column"]
        if 1 <= column <= width:
            value = cell["value"]
            if isinstance(value, str) and len(value) > EXCEL_MAX_CELL_TEXT:
                raise WorkbookRefused(_cell_too_long())
            values[column - 1] = value
    return tuple(values)


def _cell_too_long() -> str:
    return f"有单元格超过Excel的{EXCEL_MAX_CELL_TEXT}字上限，{ABNORMAL}"


class Book:
    """An opened workbook: its sheets in the workbook's order."""

    def __init__(self, book: Any) -> None:
        self.sheets = [Sheet(worksheet) for worksheet in book.worksheets]


@contextmanager
def opened(source: Source, *, filename: str, limits: Limits) -> Iterator[Book]:
    """The checked workbook, open while the block runs. Raises ``WorkbookRefused`` when the
    file itself cannot be read (also for damage found later, while its rows are read)."""
    file, ours = _as_file(source)
    try:
        size = _file_size(file)
        if size > limits.max_bytes:
            raise WorkbookRefused(too_large(limits))
        if not size:
            raise WorkbookRefused("文件是空的")
        budget = Budget.of(limits, size)
        _check_container(file, filename, budget)
        try:
            reader = _BoundedReader(file, budget)
            reader.read()
        except WorkbookRefused:
            raise
        except Exception:  # openpyxl raises many kinds for a damaged file
            raise WorkbookRefused(DAMAGED) from None
        try:
            yield guarded(lambda: Book(reader.wb))
        finally:
            reader.wb.close()
    finally:
        if ours:
            file.close()


def guarded(read):
    """``read()``, with openpyxl's many errors for a damaged part turned into one refusal."""
    try:
        return read()
    except WorkbookRefused:
        raise
    except Exception:
        raise WorkbookRefused(DAMAGED) from None


def _as_file(source: Source) -> tuple[IO[bytes], bool]:
    """A seekable binary file for ``source``, and whether we opened it (and must close it)."""
    if isinstance(source, bytes):
        return io.BytesIO(source), True
    if isinstance(source, (str, Path)):
        return open(source, "rb"), True
    return source, False


def _file_size(file: IO[bytes]) -> int:
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(0)
    return size


def _check_container(file: IO[bytes], filename: str, budget: Budget) -> None:
    lower = filename.lower()
    magic = file.read(len(OLE2_MAGIC))
    file.seek(0)
    if magic == OLE2_MAGIC or lower.endswith(".xls"):
        raise WorkbookRefused(f"不支持旧版 Excel 97-2003（.xls）文件。{SAVE_AS_XLSX}")
    if lower.endswith(".xlsm"):
        raise WorkbookRefused(f"不接受含宏的工作簿（.xlsm）。{SAVE_AS_XLSX}")
    if not zipfile.is_zipfile(file):
        raise WorkbookRefused(
            f"该文件不是有效的 Excel 工作簿（.xlsx），可能已损坏或并非 Excel 文件。{SAVE_AS_XLSX}"
        )
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise WorkbookRefused(f"该文件不是有效的 Excel 工作簿（.xlsx）。{SAVE_AS_XLSX}")
            unzipped = sum(info.file_size for info in infos)
            if unzipped > budget.unzipped:
                raise WorkbookRefused(f"工作簿解压后超过{size_text(budget.unzipped)}，{ABNORMAL}")
            content_types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise WorkbookRefused(DAMAGED) from None
    if b"macroEnabled" in content_types or any(n.endswith("vbaProject.bin") for n in names):
        raise WorkbookRefused(f"不接受含宏的工作簿（.xlsm）。{SAVE_AS_XLSX}")
    file.seek(0)


class _BoundedReader(ExcelReader):
    """openpyxl's read-only workbook reader, with the shared-string table read by ``_strings``."""

    def __init__(self, file: IO[bytes], budget: Budget) -> None:
        super().__init__(file, read_only=True, data_only=True)
        self.budget = budget

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS_TYPE)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = _strings(source, self.budget)

    def read_worksheets(self) -> None:
        """openpyxl's for a read-only workbook (a chartsheet read, each sheet's relations read),
        but each sheet's declared size read from its head (``_HeadSized``)."""
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)  # type: ignore[arg-type]
                continue
            if (rels := get_rels_path(rel.target)) in self.valid_files:
                get_dependents(self.archive, rels)
            worksheet = _HeadSized(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state  # type: ignore[assignment]
            self.wb._sheets.append(worksheet)  # type: ignore[attr-defined]


DIMENSION, SHEET_DATA = (f"{SHEET_MAIN_NS} {name}" for name in ("dimension", "sheetData"))


class _Found(Exception):
    """The head of a sheet has been read."""


class _HeadSized(ReadOnlyWorksheet):
    """openpyxl's read-only sheet, its declared dimension read from the XML before its rows.
    openpyxl's own looks for it up to the end of ``sheetData`` and so parsed every sheet that
    declares none (ours, written streaming) to its end once more before its rows were read: a
    city ledger's 500,000 rows twice (docs/performance.md)."""

    def _get_size(self) -> None:
        found: list[str] = []

        def start(name: str, attributes: dict[str, str]) -> None:
            if name == DIMENSION:
                found.append(attributes.get("ref", ""))
            if name in (DIMENSION, SHEET_DATA):
                raise _Found

        parser = _parser()
        parser.StartElementHandler = start
        with self._get_source() as source:  # type: ignore[attr-defined]
            try:
                while chunk := source.read(CHUNK):
                    parser.Parse(chunk, False)
            except _Found:
                pass
        if found:
            bounds: tuple[Any, Any, Any, Any] = range_boundaries(found[0])
            self._min_column, self._min_row, self._max_column, self._max_row = bounds


SI, T, RUN = (f"{SHEET_MAIN_NS} {name}" for name in ("si", "t", "r"))
CHUNK = 64 * KB


def _no_document_type(*args: object) -> None:
    raise WorkbookRefused(DAMAGED)


def _parser() -> expat.XMLParserType:
    """expat's parser for a part of the workbook, names as "namespace name", with no document
    type allowed: no entity can be declared, so none expands ("billion laughs")."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _no_document_type
    parser.EntityDeclHandler = _no_document_type
    return parser


def _strings(source: IO[bytes], budget: Budget) -> list[str]:
    """The shared-string table, a string at a time, refused at the first string past the
    budget: the time and memory it costs are the budget's, not what the file declares.

    expat's own parser, fed 64 KB at a time, with no document type allowed (so no entity can
    be declared: no "billion laughs"). openpyxl's reader built an object per string through
    the pure-Python parser defusedxml provides, six times slower (docs/security.md)."""
    strings: list[str] = []
    open_tags: list[str] = []
    parts: list[str] = []
    state = {"length": 0, "text": 0}

    def start(name: str, attributes: object) -> None:
        open_tags.append(name)
        if name == SI:
            parts.clear()
            state["length"] = 0

    def end(name: str) -> None:
        open_tags.pop()
        if name != SI:
            return
        # openpyxl drops "x005F_" the same way (its escape of "_").
        strings.append("".join(parts).replace("x005F_", ""))
        if len(strings) > budget.strings:
            raise WorkbookRefused(
                f"工作簿中不同的文字超过{budget.strings}条（按文件大小的上限），{ABNORMAL}"
            )

    def text(data: str) -> None:
        # A cell's text is its own <t> and its runs' <t>, not the phonetic guide (<rPh>).
        if open_tags[-1:] != [T] or not (open_tags[-2:-1] == [SI] or open_tags[-3:-1] == [SI, RUN]):
            return
        parts.append(data)
        state["length"] += len(data)
        state["text"] += len(data)
        if state["length"] > EXCEL_MAX_CELL_TEXT:
            raise WorkbookRefused(_cell_too_long())
        if state["text"] > budget.text:
            raise WorkbookRefused(
                f"工作簿中的文字超过{budget.text}个字（按文件大小的上限），{ABNORMAL}"
            )

    parser = _parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    while chunk := source.read(CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return strings
