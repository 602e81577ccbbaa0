"""Building real .xlsx files for tests, the way a clerk's ledger arrives."""

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook

from ledger.rules.results import ImportResult
from ledger.services.importer import import_ledger

PROJECT_HEADERS: list[Any] = [
    "项目代码",
    "项目名称",
    "责任单位",
    "项目级别",
    "建设性质",
    "总投资(万元)",
    "年度",
    "年度计划投资(万元)",
    "实际开(复)工日期",
]
REPORT_HEADERS: list[Any] = ["项目代码", "年度", "月份", "本月完成投资(万元)"]


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    """A workbook whose sheets hold the given rows; the first row is the header."""
    book = Workbook()
    book.remove(book.worksheets[0])
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def load(sheets: dict[str, list[list]], **kwargs) -> ImportResult:
    return import_ledger(data=xlsx(sheets), filename="台账.xlsx", **kwargs)


def read_back(data: bytes) -> dict[str, list[tuple]]:
    """Every sheet of a workbook as lists of row tuples, each as wide as the sheet's widest
    (a row whose last cells are blank reads shorter in read-only mode)."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    sheets = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        width = max((len(row) for row in rows), default=0)
        sheets[sheet.title] = [row + (None,) * (width - len(row)) for row in rows]
    return sheets


def code(serial: int, year: int = 2024, division: str = "510623") -> str:
    """A national project code of the right shape."""
    return f"{year}-{division}-47-01-{serial:06d}"


def a_portfolio(size: int, year: int) -> dict[str, list[list]]:
    """``size`` projects on year ``year``'s list over 7 units and the three levels,
    each with a plan of 10 万元 and a January report of 1 万元."""
    projects, reports = [PROJECT_HEADERS], [REPORT_HEADERS]
    for serial in range(1, size + 1):
        project_code = code(serial, year=year)
        level = ("省重点", "市重点", "县重点")[serial % 3]
        unit = f"单位{serial % 7}"
        projects.append([project_code, f"项目{serial}", unit, level, "新建", 10, year, 10, None])
        reports.append([project_code, year, 1, 1])
    return {"项目台账": projects, "月度投资": reports}


def split(total: Decimal, parts: int) -> list[Decimal]:
    """``total`` in ``parts`` amounts with 2 decimals that add up to it exactly."""
    share = (total / parts).quantize(Decimal("0.01"))
    return [share] * (parts - 1) + [total - share * (parts - 1)]


def a_small_county(reports: Sequence[list] = ()) -> ImportResult:
    """Three 2024 projects started on 5 January: two of 县住建局 (城关污水处理厂, plan 500 万元;
    城关保障房, 300) and one of 营盘镇 (营盘公路改建, 300); ``reports`` as 月度投资 rows."""
    return load(
        {
            "项目台账": [
                PROJECT_HEADERS,
                [
                    code(1),
                    "城关污水处理厂",
                    "县住建局",
                    "县重点",
                    "新建",
                    1000,
                    2024,
                    500,
                    "2024-01-05",
                ],
                [code(2), "城关保障房", "县住建局", "县重点", "新建", 800, 2024, 300, "2024-01-05"],
                [code(3), "营盘公路改建", "营盘镇", "县重点", "新建", 800, 2024, 300, "2024-01-05"],
            ],
            "月度投资": [REPORT_HEADERS, *reports],
        }
    )
