"""The template filled for a period: the office's own file, with the covered projects written
from the data's first row, everything above it kept as it was (title, header rows, merged
cells, column widths, print settings).

Rows the template had from the data's first row down (an example row, a 合计 row) are cleared
first, their merged cells undone (one reaching into them from above ends above them); each written cell takes the style of the template's first data
row in its column (or, with no data row, of the last header row), amounts and dates a number
format when that style has none, and text that Excel would read as a formula stays text.
"""

import io
from copy import copy
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from core.xlsx import AMOUNT_FORMAT, DATE_FORMAT, FORMULA_TRIGGERS
from investment.rules.periods import Period
from upstream.models import TemplateColumn, UpstreamTemplate
from upstream.rules.fields import FIELD, Kind, cell_value
from upstream.selectors import Row, covered_rows, template_bytes

FORMATS = {Kind.AMOUNT: AMOUNT_FORMAT, Kind.DATE: DATE_FORMAT, Kind.RATE: "0.00"}


def mapped_rows(
    columns: list[TemplateColumn], rows: list[Row], period: Period
) -> list[list[object]]:
    """Each project's cells, column by column as mapped (the preview's table, the file's rows)."""
    return [
        [
            cell_value(
                column.source,
                column.text,
                row,
                serial=serial,
                year=period.year,
                month=period.month,
            )
            for column in columns
        ]
        for serial, row in enumerate(rows, start=1)
    ]


def filled_template(template: UpstreamTemplate, period: Period) -> bytes:
    columns = list(template.columns.order_by("number"))
    rows = mapped_rows(columns, covered_rows(template, period), period)
    book = load_workbook(io.BytesIO(template_bytes(template)))
    sheet = book[template.sheet] if template.sheet in book.sheetnames else book.worksheets[0]
    start = template.data_start
    styles, height = _row_style(sheet, template, columns)
    _clear_from(sheet, start)
    for offset, values in enumerate(rows):
        number = start + offset
        for column, value in zip(columns, values, strict=True):
            cell: Any = sheet.cell(row=number, column=column.number)  # _style: openpyxl's own
            # the style's indexes into the workbook's own tables, as openpyxl's docs copy a
            # style (copying each font, border … object per cell cost 10 ms a row)
            cell._style = copy(styles[column.number])
            field = FIELD.get(column.source)
            if field is not None and field.kind in FORMATS and cell.number_format == "General":
                cell.number_format = FORMATS[field.kind]
                styles[column.number] = copy(cell._style)  # the next rows take it formatted
            _write(cell, value)
        if height is not None:
            sheet.row_dimensions[number].height = height
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row_style(
    sheet: Worksheet, template: UpstreamTemplate, columns: list[TemplateColumn]
) -> tuple[dict[int, Any], float | None]:
    """Each column's style, from the first data row when the template styles it, else from
    the last header row; and that row's height."""
    data_row = template.data_start
    styled = any(sheet.cell(row=data_row, column=c.number).has_style for c in columns)
    source = data_row if styled else template.header_last
    cells: dict[int, Any] = {c.number: sheet.cell(row=source, column=c.number) for c in columns}
    styles = {number: cell._style for number, cell in cells.items()}
    return styles, sheet.row_dimensions[source].height if styled else None


def _clear_from(sheet: Worksheet, start: int) -> None:
    """Clear the rows from ``start`` down; a merged cell reaching into them from above (序号
    merged down, a 填报说明 beside the table) ends above them, so no written value is hidden."""
    for merged in list(sheet.merged_cells.ranges):
        if merged.max_row < start:
            continue
        top, left, right = merged.min_row, merged.min_col, merged.max_col
        sheet.unmerge_cells(str(merged))
        if top < start and (start - 1 > top or right > left):
            sheet.merge_cells(start_row=top, start_column=left, end_row=start - 1, end_column=right)
    if sheet.max_row >= start:
        sheet.delete_rows(start, sheet.max_row - start + 1)


def _write(cell: Any, value: object) -> None:
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"  # a clerk's text, never a formula (core.xlsx does the same)
        cell.quotePrefix = True
