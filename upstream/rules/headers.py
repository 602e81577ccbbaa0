"""A template's header block: which rows are headers, where the data starts, and the title of
each column (its header text joined down the header rows).

Upstream templates put a title row merged across the table above the headers, often a row such
as 填报单位：…  单位：万元, then one or more header rows whose group headers are merged across
the columns they head (投资完成情况 over 本月 and 累计) and whose single headers are merged down
(序号, 项目名称); a statistics table adds a row of column codes (甲 乙 1 2 3) under them. The
block is guessed here and the office confirms or changes the rows on the template's page.
"""

import re
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from upstream.rules.fields import plain

SCANNED_ROWS = 30  # the header block is looked for in the first rows
MAX_HEADER_ROWS = 10
WIDE = 0.6  # a header row covers at least this share of the table's columns
CODE = re.compile(r"^([甲乙丙丁戊]|\d{1,3})$")


@dataclass(frozen=True)
class Grid:
    """A sheet's values by (row, column), 1-based, and its merged ranges as (min_row, min_col,
    max_row, max_col)."""

    values: dict[tuple[int, int], Any]
    merged: tuple[tuple[int, int, int, int], ...]
    max_row: int
    max_column: int

    def anchor(self, row: int, column: int) -> tuple[int, int]:
        """The cell holding the value shown at (row, column): a merged range's top left."""
        for top, left, bottom, right in self.merged:
            if top <= row <= bottom and left <= column <= right:
                return top, left
        return row, column

    def shown(self, row: int, column: int) -> str:
        value = self.values.get(self.anchor(row, column))
        return "" if value is None else str(value).strip()


@dataclass(frozen=True)
class Layout:
    header_first: int
    header_last: int
    data_start: int


@dataclass(frozen=True)
class Column:
    number: int  # 1-based
    letter: str
    title: str  # the header text of every header row, each merged cell once, joined by "/"


def _anchors(grid: Grid, row: int) -> set[tuple[int, int]]:
    """The distinct non-empty cells seen along a row (a merged cell once)."""
    return {
        grid.anchor(row, column)
        for column in range(1, grid.max_column + 1)
        if grid.shown(row, column)
    }


def _covered(grid: Grid, row: int) -> int:
    return sum(1 for column in range(1, grid.max_column + 1) if grid.shown(row, column))


def _width(grid: Grid) -> int:
    rows = range(1, min(grid.max_row, SCANNED_ROWS) + 1)
    return max((_covered(grid, row) for row in rows), default=0)


def guess_layout(grid: Grid) -> Layout:
    """The first row that is wide (three or more headers covering most of the table) starts the
    header block; rows merged down from it, and the row under a group header merged across,
    belong to it; a row of column codes (甲 乙 1 2 3) under it is skipped by the data."""
    width = _width(grid)
    first = 1
    for row in range(1, min(grid.max_row, SCANNED_ROWS) + 1):
        if len(_anchors(grid, row)) >= 3 and _covered(grid, row) >= WIDE * width:
            first = row
            break
    last = first
    grown = True
    while grown and last - first + 1 < MAX_HEADER_ROWS:
        grown = False
        for top, left, bottom, right in grid.merged:
            if first <= top <= last and bottom > last and grid.values.get((top, left)) is not None:
                last, grown = min(bottom, first + MAX_HEADER_ROWS - 1), True
            across = left < right and grid.values.get((top, left)) is not None
            if first <= top <= last and top == last and across and bottom == top:
                last, grown = top + 1, True
    data = last + 1
    while data <= grid.max_row and _is_code_row(grid, data):
        data += 1
    return Layout(first, last, data)


def _is_code_row(grid: Grid, row: int) -> bool:
    texts = [grid.shown(row, column) for column in range(1, grid.max_column + 1)]
    filled = [text for text in texts if text]
    return len(filled) >= 3 and all(CODE.match(text) for text in filled)


def layout_problem(layout: Layout, *, rows: int) -> str:
    """Why the office's header rows cannot be used ("" when they can)."""
    first, last, data = layout.header_first, layout.header_last, layout.data_start
    if first < 1 or last < first:
        return "表头结束行不能在表头起始行之前。"
    if last - first + 1 > MAX_HEADER_ROWS:
        return f"表头最多{MAX_HEADER_ROWS}行。"
    if data <= last:
        return "数据起始行应在表头结束行之后。"
    if first > rows:
        return f"模板只有{rows}行，表头起始行超出了模板。"
    if data > rows + MAX_HEADER_ROWS:
        return "数据起始行离表头太远，请核对。"
    return ""


def column_titles(grid: Grid, layout: Layout) -> list[Column]:
    """Each column of the table with its title: the header rows' texts top-down, a merged
    cell read once (序号 merged down is 序号, not 序号/序号); columns up to the last titled one."""
    columns = []
    for number in range(1, grid.max_column + 1):
        parts: list[str] = []
        seen: set[tuple[int, int]] = set()
        for row in range(layout.header_first, layout.header_last + 1):
            anchor = grid.anchor(row, number)
            text = " ".join(grid.shown(row, number).split())
            if anchor in seen or not text:
                continue
            seen.add(anchor)
            if not parts or plain(parts[-1]) != plain(text):
                parts.append(text)
        columns.append(Column(number, get_column_letter(number), "/".join(parts)))
    while columns and not columns[-1].title:
        columns.pop()
    return columns
