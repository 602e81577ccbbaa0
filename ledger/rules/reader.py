"""Opening an uploaded ledger and streaming its known sheets as plain rows.

The file is opened by `core.workbooks`, the one reader of every uploaded workbook: checked
before openpyxl parses it (size, a real .xlsx, what it unzips to, a shared-string table within
a budget that grows with the file's size) and read as it is, not as it declares. Here: which
sheets are the ledger's, their headers, and each row read only up to the last column whose
header the sheet knows, so a row with a stray cell in column XFD costs no more than any other.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings

from core import workbooks
from core.workbooks import Limits, Sheet, Source, WorkbookRefused
from ledger.rules.cells import normalize_header
from ledger.rules.schema import INSTRUCTIONS, SHEETS


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
        return f"{workbooks.row_ref(self.sheet, self.row)}: {self.column}: {self.reason}"


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


def limits() -> Limits:
    """The ledger's limits, from the settings (a city's whole export is about 20 MB)."""
    return Limits(
        max_bytes=settings.LEDGER_MAX_BYTES,
        max_unzipped=settings.LEDGER_MAX_UNZIPPED_BYTES,
        max_strings=settings.LEDGER_MAX_SHARED_STRINGS,
        max_text=settings.LEDGER_MAX_SHARED_CHARS,
    )


def file_too_large() -> Problem:
    return Problem(workbooks.too_large(limits()))


def _refused(error: WorkbookRefused) -> LedgerImportError:
    return LedgerImportError([Problem(error.reason)])


class LedgerBook:
    """An opened workbook: its known sheets by name, and the names it ignored."""

    def __init__(self, book: workbooks.Book):
        self.worksheets: dict[str, Sheet] = {}
        self.ignored: list[str] = []
        for sheet in book.sheets:
            name = sheet.title.strip()
            if name == INSTRUCTIONS:
                continue
            if name in SHEETS and name not in self.worksheets:
                self.worksheets[name] = sheet
            else:
                self.ignored.append(sheet.title)

    @property
    def names(self) -> list[str]:
        return list(self.worksheets)

    def row_estimate(self) -> int:
        """About how many rows the known sheets hold, without reading them: for the progress
        bar and whether an upload is imported in the background. A sheet's declared dimension
        when it has one (Excel, WPS), else its XML's size over the bytes a row takes in its first
        64 KB (our exports, written streaming, declare none). Never trusted beyond that."""
        return sum(_rows_in(sheet) for sheet in self.worksheets.values())

    def sheet(self, name: str) -> RawSheet:
        """The sheet's header, with its rows still to be read (lazily)."""
        try:
            return _open_sheet(self.worksheets[name], name)
        except WorkbookRefused as error:
            raise _refused(error) from None


@contextmanager
def opened(source: Source, *, filename: str) -> Iterator[LedgerBook]:
    """The checked workbook, open while the block runs. Raises ``LedgerImportError`` when
    the file itself cannot be read (also for damage found later, while its rows are read)."""
    try:
        with workbooks.opened(source, filename=filename, limits=limits()) as book:
            yield LedgerBook(book)
    except WorkbookRefused as error:
        raise _refused(error) from None


def read_workbook(data: bytes, *, filename: str) -> tuple[list[RawSheet], list[str]]:
    """Every known sheet of ``data`` with its rows read into lists (small workbooks, tests)."""
    with opened(data, filename=filename) as book:
        sheets = []
        for name in book.names:
            raw = book.sheet(name)
            raw.rows = iter(list(raw.rows))
            sheets.append(raw)
        return sheets, book.ignored


def _rows_in(sheet: Sheet) -> int:
    worksheet = sheet.worksheet
    try:
        declared = worksheet.max_row
        if declared and declared > 1:
            return int(declared) - 1
        archive = worksheet.parent._archive
        size = archive.getinfo(worksheet._worksheet_path).file_size
        with archive.open(worksheet._worksheet_path) as source:
            head = source.read(64 * 1024)
    except Exception:  # an estimate: a sheet it cannot size counts for nothing
        return 0
    rows = head.count(b"<row ") + head.count(b"<x:row ")
    if not head or not rows:
        return 0
    return max(0, round(rows * size / len(head)) - 1)  # less the header


def _open_sheet(sheet: Sheet, name: str) -> RawSheet:
    raw = RawSheet(name=name, columns={})
    known = set(SHEETS[name].headers)
    for index, value in enumerate(sheet.header()):
        key = normalize_header(value)
        if key in raw.columns:
            raw.duplicate_headers.append(key)
        elif key:
            raw.columns[key] = index
    width = max((i + 1 for key, i in raw.columns.items() if key in known), default=0)
    if width:
        raw.rows = _rows(sheet, width)
    return raw


def _rows(sheet: Sheet, width: int) -> Iterator[tuple[int, tuple]]:
    try:
        yield from sheet.rows(width)
    except WorkbookRefused as error:
        raise _refused(error) from None
