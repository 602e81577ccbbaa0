"""The one XLSX renderer: sheets of rows in, a workbook's bytes out.

Every Excel download (the ledger and its template, the board, the lag list, the rankings,
funds, findings, data quality, the audit log) is written here: a write-only workbook, a
styled header, the first row frozen, amounts and dates as typed cells, formula-looking text
kept as text. The rows come from the apps' row generators (a view never builds a file by
hand); the file's Chinese name from `core.filenames`, sent through Django's
``content_disposition_header`` (RFC 6266, RFC 5987 ``filename*``)."""

import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
# A text cell starting with one of these is a formula (or DDE) to Excel and LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_STARTS = frozenset(FORMULA_TRIGGERS)  # each one character
DATE_FORMAT = "yyyy-mm-dd"
AMOUNT_FORMAT = "#,##0.00##"


def workbook_response(sheets, filename: str) -> HttpResponse:
    """A download of the workbook of ``sheets`` (see ``render_workbook``) named ``filename``."""
    response = HttpResponse(render_workbook(sheets), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def render_workbook(
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
) -> bytes:
    """Write each (name, headers, rows) as a sheet with a styled header row."""
    book = Workbook(write_only=True)
    for name, headers, rows in sheets:
        sheet = book.create_sheet(title=name)
        for index, header in enumerate(headers):
            width = max(10, min(40, len(header) * 2 + 4))
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        sheet.freeze_panes = "A2"
        sheet.append([_header_cell(sheet, header) for header in headers])
        # From here on the rows' values become cells through `_Cells` (see there).
        sheet._values_to_row = _Cells(sheet)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _header_cell(sheet, header: str) -> Cell:
    cell = WriteOnlyCell(sheet, value=header)
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center")
    return cell


class _Cells:
    """A row's values as the cells openpyxl writes: amounts (``Decimal``) and dates as typed
    cells in ``AMOUNT_FORMAT`` and ``DATE_FORMAT``, anything else as openpyxl binds it, except
    a clerk's text that looks like a formula.

    Such text is kept as text Excel will not evaluate: openpyxl makes any string starting with
    "=" a formula; forcing the type to a string stores it as a plain string, and quotePrefix
    marks it the way Excel marks text typed after an apostrophe, so it stays text even when
    someone edits the cell. The value itself is unchanged (no added apostrophe), so an export
    still re-imports exactly.

    It stands in for the write-only sheet's own ``_values_to_row`` (openpyxl 3.1), which makes
    a cell and a style for every styled value and a new cell after each: the styles took half
    the time of writing a city's board (docs/performance.md). A write-only sheet writes each
    cell before it asks for the next, so one cell of each kind serves every value of its kind,
    its style set once; a value of a type not listed gets a cell of its own, so a style
    openpyxl gives it (a time of day's) never stays on a shared one."""

    def __init__(self, sheet) -> None:
        self.sheet = sheet
        self.plain = WriteOnlyCell(sheet)
        self.amount = WriteOnlyCell(sheet)
        self.amount.number_format = AMOUNT_FORMAT
        self.date = WriteOnlyCell(sheet)
        self.date.number_format = DATE_FORMAT
        self.text = WriteOnlyCell(sheet)
        self.text.quotePrefix = True
        self.kinds: dict[type, Cell] = {
            int: self.plain, float: self.plain, bool: self.plain,
            Decimal: self.amount, date: self.date, datetime: self.date,
        }  # fmt: skip

    def __call__(self, values: Iterable[Any], row: int) -> Iterator[Cell]:
        for column, value in enumerate(values, 1):
            if value is None:
                continue
            if type(value) is str:
                cell = self.text if value[:1] in FORMULA_STARTS else self.plain
            else:
                cell = self.kinds.get(type(value)) or self._other(value)
            cell.value = value
            if cell is self.text:
                cell.data_type = "s"  # not a formula, whatever it starts with
            cell.column, cell.row = column, row
            yield cell

    def _other(self, value: object) -> Cell:
        """The cell of a value of a type not listed (a subclass, a time of day)."""
        if isinstance(value, Cell):
            return value
        if isinstance(value, date):
            return self.date
        if isinstance(value, Decimal):
            return self.amount
        if isinstance(value, str):
            return self.text if value[:1] in FORMULA_STARTS else self.plain
        return WriteOnlyCell(self.sheet)
