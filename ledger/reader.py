"""Opening an uploaded workbook safely and streaming its sheets as plain rows.

A ledger arrives from a chat group, so the file is checked before openpyxl parses it:
its size, that it is a real .xlsx (not an old .xls, not a macro-enabled .xlsm) and what it
unzips to. Sheets are then read in openpyxl's read-only mode one row at a time, and each row
only up to the last column whose header the sheet knows: a row with a stray cell in column
XFD costs no more than any other, and a sheet of Excel's full 1,048,576 rows never sits in
memory as a whole.
"""

import io
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import openpyxl
from django.conf import settings

from ledger.cells import normalize_header
from ledger.schema import INSTRUCTIONS, SHEETS

EXCEL_MAX_ROWS = 1_048_576


@dataclass(frozen=True)
class Problem:
    """One reason an import cannot go ahead, shown as ``sheet!row: column: reason``."""

    reason: str
    sheet: str = ""
    row: int = 0
    column: str = ""

    def __str__(self) -> str:
        if not self.sheet:
            return self.reason
        return f"{self.sheet}!{self.row}: {self.column}: {self.reason}"


class LedgerImportError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class RawSheet:
    name: str
    columns: dict[str, int]  # normalized header → 0-based column index
    # (row number, values) of the non-blank rows, read lazily: iterate once.
    rows: Iterator[tuple[int, tuple]] = field(default_factory=lambda: iter(()))
    duplicate_headers: list[str] = field(default_factory=list)


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAVE_AS_XLSX = "请在 Excel 中“另存为”Excel 工作簿（*.xlsx）后再导入"
DAMAGED = f"无法读取该工作簿，文件可能已损坏。{SAVE_AS_XLSX}"
SHARED_STRINGS = "xl/sharedStrings.xml"

Source = bytes | str | Path | IO[bytes]


def _size(limit: int) -> str:
    """A byte limit as a clerk reads it: ``20 MB`` or ``512 KB``."""
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{max(limit // 1024, 1)} KB"


def file_too_large() -> Problem:
    return Problem(f"文件超过{_size(settings.LEDGER_MAX_BYTES)}的大小上限，请拆分后分批导入")


def _refuse(reason: str) -> LedgerImportError:
    return LedgerImportError([Problem(reason)])


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


def _check_container(file: IO[bytes], filename: str) -> None:
    lower = filename.lower()
    magic = file.read(len(OLE2_MAGIC))
    file.seek(0)
    if magic == OLE2_MAGIC or lower.endswith(".xls"):
        raise _refuse(f"不支持旧版 Excel 97-2003（.xls）文件。{SAVE_AS_XLSX}")
    if lower.endswith(".xlsm"):
        raise _refuse(f"不接受含宏的工作簿（.xlsm）。{SAVE_AS_XLSX}")
    if not zipfile.is_zipfile(file):
        raise _refuse(
            f"该文件不是有效的 Excel 工作簿（.xlsx），可能已损坏或并非 Excel 文件。{SAVE_AS_XLSX}"
        )
    file.seek(0)
    with zipfile.ZipFile(file) as archive:
        names = set(archive.namelist())
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise _refuse(f"该文件不是有效的 Excel 工作簿（.xlsx）。{SAVE_AS_XLSX}")
        content_types = archive.read("[Content_Types].xml")
        if b"macroEnabled" in content_types or any(n.endswith("vbaProject.bin") for n in names):
            raise _refuse(f"不接受含宏的工作簿（.xlsm）。{SAVE_AS_XLSX}")
        infos = archive.infolist()
        unzipped = sum(info.file_size for info in infos)
        # Sheets are streamed, but openpyxl holds the shared-string table in memory whole.
        shared = sum(info.file_size for info in infos if info.filename == SHARED_STRINGS)
    file.seek(0)
    if unzipped > settings.LEDGER_MAX_UNZIPPED_BYTES:
        limit = _size(settings.LEDGER_MAX_UNZIPPED_BYTES)
        raise _refuse(f"工作簿解压后超过{limit}，内容异常，拒绝导入。请删除多余内容后另存再导入")
    if shared > settings.LEDGER_MAX_SHARED_BYTES:
        limit = _size(settings.LEDGER_MAX_SHARED_BYTES)
        raise _refuse(
            f"工作簿中的文字内容解压后超过{limit}，拒绝导入。请拆分后分批导入，或删除多余内容后另存"
        )


class LedgerBook:
    """An opened workbook: its known sheets by name, and the names it ignored."""

    def __init__(self, book):
        self.book = book
        self.worksheets: dict[str, object] = {}
        self.ignored: list[str] = []
        for worksheet in book.worksheets:
            name = worksheet.title.strip()
            if name == INSTRUCTIONS:
                continue
            if name in SHEETS and name not in self.worksheets:
                self.worksheets[name] = worksheet
            else:
                self.ignored.append(worksheet.title)

    @property
    def names(self) -> list[str]:
        return list(self.worksheets)

    def sheet(self, name: str) -> RawSheet:
        """The sheet's header, with its rows still to be read (lazily)."""
        return _guarded(lambda: _open_sheet(self.worksheets[name], name))


@contextmanager
def opened(source: Source, *, filename: str) -> Iterator[LedgerBook]:
    """The checked workbook, open while the block runs. Raises ``LedgerImportError`` when
    the file itself cannot be read (also for damage found later, while its rows are read)."""
    file, ours = _as_file(source)
    try:
        size = _file_size(file)
        if size > settings.LEDGER_MAX_BYTES:
            raise _refuse(f"文件超过{_size(settings.LEDGER_MAX_BYTES)}的大小上限，请拆分后分批导入")
        if not size:
            raise _refuse("文件是空的")
        _check_container(file, filename)
        try:
            book = openpyxl.load_workbook(file, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a damaged file
            raise _refuse(DAMAGED) from None
        try:
            yield _guarded(lambda: LedgerBook(book))
        finally:
            book.close()
    finally:
        if ours:
            file.close()


def _guarded(read):
    """``read()``, with openpyxl's many errors for a damaged part turned into one refusal."""
    try:
        return read()
    except LedgerImportError:
        raise
    except Exception:
        raise _refuse(DAMAGED) from None


def read_workbook(data: bytes, *, filename: str) -> tuple[list[RawSheet], list[str]]:
    """Every known sheet of ``data`` with its rows read into lists (small workbooks, tests)."""
    with opened(data, filename=filename) as book:
        sheets = []
        for name in book.names:
            raw = book.sheet(name)
            raw.rows = iter(list(raw.rows))
            sheets.append(raw)
        return sheets, book.ignored


def _open_sheet(worksheet, name: str) -> RawSheet:
    # The declared dimension is the writer's claim, not the truth: read what is there.
    worksheet.reset_dimensions()
    header = next(worksheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
    raw = RawSheet(name=name, columns={})
    if header is None:
        return raw
    known = set(SHEETS[name].headers)
    for index, value in enumerate(header):
        key = normalize_header(value)
        if key in raw.columns:
            raw.duplicate_headers.append(key)
        elif key:
            raw.columns[key] = index
    width = max((i + 1 for key, i in raw.columns.items() if key in known), default=0)
    if width:
        raw.rows = _rows(worksheet, name, width)
    return raw


def _rows(worksheet, name: str, width: int) -> Iterator[tuple[int, tuple]]:
    """Non-blank rows up to column ``width``, as they come; damage found on the way refuses
    the workbook."""
    rows = worksheet.iter_rows(min_row=2, max_col=width, values_only=True)
    number = 1
    try:
        for number, values in enumerate(rows, start=2):
            if any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
                yield number, values
    except LedgerImportError:
        raise
    except Exception:  # cells are parsed lazily: a damaged sheet fails here, not on load
        raise _refuse(DAMAGED) from None
    if number > EXCEL_MAX_ROWS:
        raise _refuse(f"工作表“{name}”超过Excel的{EXCEL_MAX_ROWS}行上限，文件内容异常")
