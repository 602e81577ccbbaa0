"""The 挂图作战 board's month cells as HTML: a page of 300 rows × 12 months is 3,600 cells,
and written by the template language each took most of the page's time (0.2 ms a cell).
The same markup the board's template wrote, built once per row here; every value escaped,
by the standard library's ``html.escape`` (what Django's ``escape`` calls, without its check
for lazy strings: ``format_html``'s escaping of 3,000 cells cost a city's page 0.05 s of its
0.17 s of CPU)."""

from html import escape

from django.utils.safestring import SafeString, mark_safe

from core import formatting
from investment.selectors.progress import BoardCell, BoardRow, Colour


def board_cells(row: BoardRow) -> SafeString:
    """The row's ``<td>`` of each month: its colour, the figures behind it as the title, and
    the completion rate (待报 for a month awaiting its report, 未到开工期 before the start)."""
    planned = row.progress.planned_start
    return mark_safe("".join(_cell(cell, planned) for cell in row.cells))  # escaped in _cell


def _cell(cell: BoardCell, planned: object) -> str:
    title = (
        f"{cell.month}月累计完成{formatting.wan(cell.completed)}万元，"
        f"完成率{formatting.percent(cell.completion_rate)}，"
        f"序时进度{formatting.percent(cell.time_progress)}"
    )
    if cell.missing:
        title += f"；{cell.month}月报表已过截止日未报送"
    if cell.before_start:
        start = f"{planned:%Y-%m-%d}" if planned else ""
        title += f"；计划{start}开工，{cell.month}月底{cell.label}"
    if cell.colour == Colour.PENDING:
        content = "待报"
    elif cell.before_start:
        content = f'<small class="before-start">{escape(cell.label)}</small>'
    elif cell.missing:
        content = f'{escape(formatting.percent(cell.completion_rate))}<small class="missing-mark">未报</small>'
    else:
        content = escape(formatting.percent(cell.completion_rate))
    missing = " missing-report" if cell.missing else ""
    return f'<td class="cell {escape(cell.colour)}{missing}" title="{escape(title)}">{content}</td>'
