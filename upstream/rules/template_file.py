"""An uploaded template file, checked before it is kept and read whole.

A template is a header block and a few rows (a county's filled one a few hundred), so the limits
are far below the ledger's. The file first passes `core.workbooks` (its size; a real .xlsx, not
.xls or .xlsm; what its parts unzip to and its shared strings, in proportion to its size; a sheet
streamed row by row, so a row numbered a million is one row, refused), then the worksheets' XML
is held to ``MAX_SHEET_XML`` unzipped together and every XML part to ``MAX_XML`` (declared by the
zip itself: openpyxl reads every sheet and the styles whole, here and at each download), and only
then is the first sheet read whole by openpyxl, formats and merged cells included, for the
columns and the export.
A formula anywhere in that sheet is refused: the export writes values, and a template's formula
(a 合计 row, a reference) would be copied into rows it was not written for.
"""

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from core.workbooks import KB, MB, Limits, WorkbookRefused, opened, size_text
from upstream.rules.headers import Grid

MAX_BYTES = 2 * MB
LIMITS = Limits(max_bytes=MAX_BYTES, max_unzipped=20 * MB, max_strings=50_000, max_text=2_000_000)
MAX_SHEET_XML = 2 * MB  # every sheet; one of 2,000 filled rows of 15 columns is about 1 MB
MAX_XML = 3 * MB  # every part openpyxl parses: the sheets, styles, shared strings, …
XML_PARTS = (".xml", ".rels", ".vml")
MAX_MERGED = 2_000
MAX_ROWS = 2_000
MAX_COLUMNS = 100
NAME_LENGTH = 120


class TemplateRefused(Exception):
    """The file cannot be a template; ``reason`` says why, in Chinese."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class TemplateFile:
    sheet: str  # the first worksheet's name: the one filled
    grid: Grid


def read_template(data: bytes, *, filename: str) -> TemplateFile:
    """The template's first sheet, or ``TemplateRefused`` saying why not."""
    if not filename.lower().endswith(".xlsx"):
        raise TemplateRefused(
            "上报模板应为Excel工作簿（.xlsx）。请在Excel中“另存为”.xlsx后再上传。"
        )
    try:
        with opened(data, filename=filename, limits=LIMITS) as book:
            if not book.sheets:
                raise TemplateRefused("该工作簿没有工作表。")
            _check_size(book.sheets[0])
    except WorkbookRefused as refused:
        raise TemplateRefused(refused.reason) from None
    _check_sheet_parts(data)
    try:
        workbook = load_workbook(io.BytesIO(data))
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise TemplateRefused(
            "无法读取该工作簿，文件可能已损坏。请在Excel中另存后再上传。"
        ) from None
    sheet = workbook.worksheets[0]
    cells = list(sheet._cells.values())  # the cells in the file, not the rectangle around them
    _check_formulas(cells)
    values = {
        (cell.row, cell.column): cell.value
        for cell in cells
        if cell.value is not None and not (isinstance(cell.value, str) and not cell.value.strip())
    }
    if not values:
        raise TemplateRefused("模板的第一个工作表是空的，找不到表头。")
    merged = tuple((r.min_row, r.min_col, r.max_row, r.max_col) for r in sheet.merged_cells.ranges)
    if len(merged) > MAX_MERGED:
        raise TemplateRefused(f"模板的合并单元格超过{MAX_MERGED}处，请删除多余的行后再上传。")
    max_row = max([row for row, _ in values] + [r[2] for r in merged])
    max_column = max([column for _, column in values] + [r[3] for r in merged])
    if max_row > MAX_ROWS:
        raise TemplateRefused(_too_many_rows(max_row))
    if max_column > MAX_COLUMNS:
        raise TemplateRefused(_too_many_columns(max_column))
    return TemplateFile(sheet.title, Grid(values, merged, max_row, max_column))


def _check_size(sheet: Any) -> None:
    """Rows and columns within what a template holds, read as the rows are in the file."""
    for number, values in sheet.rows(MAX_COLUMNS + 1, first=1):
        if number > MAX_ROWS:
            raise TemplateRefused(_too_many_rows(number))
        if values[MAX_COLUMNS] is not None:
            raise TemplateRefused(_too_many_columns(MAX_COLUMNS + 1))


def _too_many_rows(row: int) -> str:
    return f"模板超过{MAX_ROWS}行（第{row}行有内容）。上报模板只需表头和格式行，请删除多余的行后再上传。"


def _too_many_columns(column: int) -> str:
    return (
        f"模板超过{MAX_COLUMNS}列（{get_column_letter(column)}列有内容），请删除多余的列后再上传。"
    )


def _check_sheet_parts(data: bytes) -> None:
    """What openpyxl will parse whole (every sheet, not only the first; the styles; …), from the
    sizes the zip declares: openpyxl takes about 2.5 s a megabyte, and the download reads the
    file again each time (1.9 MB of other sheets took 19 s, 17 MB of styles 46 s)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [info for info in archive.infolist() if info.filename.endswith(XML_PARTS)]
    sheets = [info.file_size for info in parts if info.filename.startswith("xl/worksheets/")]
    if sum(sheets) > MAX_SHEET_XML:
        raise TemplateRefused(
            f"工作表解压后合计超过{size_text(MAX_SHEET_XML)}（含其他工作表、大量空行或格式）。"
            "上报模板只读取第一个工作表，请删除其他工作表，只保留表头和格式行后另存再上传。"
        )
    if sum(info.file_size for info in parts) > MAX_XML:
        raise TemplateRefused(
            f"工作簿的内容解压后超过{size_text(MAX_XML)}（多为大量单元格格式或样式）。"
            "请把表头和格式行复制到新建的工作簿中另存后再上传。"
        )


def _check_formulas(cells: list[Any]) -> None:
    for cell in sorted(cells, key=lambda cell: (cell.row, cell.column)):
        if cell.data_type == "f":
            raise TemplateRefused(
                f"模板的{cell.coordinate}单元格含有公式，导出时无法照填。"
                "请删除公式（或复制后“选择性粘贴为数值”）后另存再上传。"
            )


__all__ = ["KB", "MAX_BYTES", "TemplateFile", "TemplateRefused", "read_template"]
