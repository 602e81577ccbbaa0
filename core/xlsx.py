"""The one XLSX renderer: sheets of rows in, a workbook's bytes out.

Every Excel download (the ledger and its template, the board, the lag list, the rankings,
funds, findings, data quality, the audit log) is written here: a write-only workbook, a
styled header, the first row frozen, amounts and dates as typed cells, formula-looking text
kept as text. The rows come from the apps' row generators (a view never builds a file by
hand); the file's Chinese name from `core.filenames`, sent through Django's
``content_disposition_header`` (RFC 6266, RFC 5987 ``filename*``)."""

import io
from collections.abc import Iterable, Sequence
from datetime import date
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
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _header_cell(sheet, header: str) -> Cell:
    cell = WriteOnlyCell(sheet, value=header)
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center")
    return cell


def _cell(sheet, value):
    # openpyxl writes dates and decimals; its stubs list only datetime and float.
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
        cell.number_format = AMOUNT_FORMAT
        return cell
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return _text_cell(sheet, value)
    return value


def _text_cell(sheet, value: str) -> Cell:
    """A clerk's text that looks like a formula, kept as text Excel will not evaluate.

    openpyxl makes any string starting with "=" a formula; forcing the type to a string stores
    it as a plain shared string, and quotePrefix marks it the way Excel marks text typed after
    an apostrophe, so it stays text even when someone edits the cell. The value itself is
    unchanged (no added apostrophe), so an export still re-imports exactly.
    """
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell
