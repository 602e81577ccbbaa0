"""Opening an uploaded workbook safely and reading its sheets into plain rows.

A ledger arrives from a chat group, so the file is checked before openpyxl parses it:
its size, that it is a real .xlsx (not an old .xls, not a macro-enabled .xlsm), what it
unzips to, and the dimensions its sheets declare.
"""

import io
import zipfile
from dataclasses import dataclass, field

import openpyxl
from django.conf import settings

from ledger.cells import normalize_header
from ledger.schema import INSTRUCTIONS, SHEETS


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
    rows: list[tuple[int, tuple]] = field(default_factory=list)  # (row number, values)
    duplicate_headers: list[str] = field(default_factory=list)


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAVE_AS_XLSX = "请在 Excel 中“另存为”Excel 工作簿（*.xlsx）后再导入"


def _size(limit: int) -> str:
    """A byte limit as a clerk reads it: ``20 MB`` or ``512 KB``."""
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{max(limit // 1024, 1)} KB"


def _refuse(reason: str) -> LedgerImportError:
    return LedgerImportError([Problem(reason)])


def _check_container(data: bytes, filename: str) -> None:
    lower = filename.lower()
    if data.startswith(OLE2_MAGIC) or lower.endswith(".xls"):
        raise _refuse(f"不支持旧版 Excel 97-2003（.xls）文件。{SAVE_AS_XLSX}")
    if lower.endswith(".xlsm"):
        raise _refuse(f"不接受含宏的工作簿（.xlsm）。{SAVE_AS_XLSX}")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _refuse(
            f"该文件不是有效的 Excel 工作簿（.xlsx），可能已损坏或并非 Excel 文件。{SAVE_AS_XLSX}"
        )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise _refuse(f"该文件不是有效的 Excel 工作簿（.xlsx）。{SAVE_AS_XLSX}")
        content_types = archive.read("[Content_Types].xml")
        if b"macroEnabled" in content_types or any(n.endswith("vbaProject.bin") for n in names):
            raise _refuse(f"不接受含宏的工作簿（.xlsm）。{SAVE_AS_XLSX}")
        unzipped = sum(info.file_size for info in archive.infolist())
        if unzipped > settings.LEDGER_MAX_UNZIPPED_BYTES:
            limit = _size(settings.LEDGER_MAX_UNZIPPED_BYTES)
            raise _refuse(
                f"工作簿解压后超过{limit}，内容异常，拒绝导入。请删除多余内容后另存再导入"
            )


def read_workbook(data: bytes, *, filename: str) -> tuple[list[RawSheet], list[str]]:
    """The sheets of an .xlsx as raw rows, and the sheets it ignored (unknown names).

    Raises ``LedgerImportError`` when the file itself cannot be read.
    """
    if len(data) > settings.LEDGER_MAX_BYTES:
        raise _refuse(f"文件超过{_size(settings.LEDGER_MAX_BYTES)}的大小上限，请拆分后分批导入")
    if not data:
        raise _refuse("文件是空的")
    _check_container(data, filename)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise _refuse(f"无法读取该工作簿，文件可能已损坏。{SAVE_AS_XLSX}") from None

    sheets: list[RawSheet] = []
    ignored: list[str] = []
    try:
        for worksheet in book.worksheets:
            name = worksheet.title.strip()
            if name == INSTRUCTIONS:
                continue
            if name not in SHEETS:
                ignored.append(worksheet.title)
                continue
            sheets.append(_read_sheet(worksheet, name))
    except LedgerImportError:
        raise
    except Exception:  # cells are parsed lazily: a damaged sheet fails here, not on load
        raise _refuse(f"无法读取该工作簿，文件可能已损坏。{SAVE_AS_XLSX}") from None
    finally:
        book.close()
    return sheets, ignored


def _read_sheet(worksheet, name: str) -> RawSheet:
    max_rows = settings.LEDGER_MAX_ROWS
    max_columns = settings.LEDGER_MAX_COLUMNS
    declared_rows, declared_columns = worksheet.max_row or 0, worksheet.max_column or 0
    if declared_rows > max_rows + 1 or declared_columns > max_columns:
        raise _refuse(
            f"工作表“{name}”的范围为{declared_rows}行×{declared_columns}列，"
            f"超过{max_rows}行×{max_columns}列的上限。数据确实这么多时请拆分后分批导入；"
            "若是多余的空行空列，请删除后另存再导入"
        )
    # The declared dimension passed the check, but read only the cells really present.
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(values_only=True)
    header = next(rows, None)
    raw = RawSheet(name=name, columns={})
    if header is None:
        return raw
    for index, value in enumerate(header):
        key = normalize_header(value)
        if key in raw.columns:
            raw.duplicate_headers.append(key)
        elif key:
            raw.columns[key] = index
    for number, values in enumerate(rows, start=2):
        if number > max_rows + 1:
            raise _refuse(f"工作表“{name}”超过{max_rows}行的上限，请拆分后分批导入")
        if values and any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
            raw.rows.append((number, values))
    return raw
