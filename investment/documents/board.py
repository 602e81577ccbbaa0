"""The 挂图作战 board's month cells as HTML: a page of 300 rows × 12 months is 3,600 cells,
and written by the template language each took most of the page's time (0.2 ms a cell).
The same markup the board's template wrote, built once per row here; every value escaped."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from core import formatting
from investment.selectors.progress import BoardCell, BoardRow, Colour


def board_cells(row: BoardRow) -> SafeString:
    """The row's ``<td>`` of each month: its colour, the figures behind it as the title, and
    the completion rate (待报 for a month awaiting its report, 未到开工期 before the start)."""
    planned = row.progress.planned_start
    return format_html_join(
        "", '<td class="cell {}{}" title="{}">{}</td>', (_cell(cell, planned) for cell in row.cells)
    )


def _cell(cell: BoardCell, planned: object) -> tuple[str, str, str, SafeString | str]:
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
    content: SafeString | str
    if cell.colour == Colour.PENDING:
        content = "待报"
    elif cell.before_start:
        content = format_html('<small class="before-start">{}</small>', cell.label)
    elif cell.missing:
        content = format_html(
            '{}<small class="missing-mark">未报</small>', formatting.percent(cell.completion_rate)
        )
    else:
        content = formatting.percent(cell.completion_rate)
    return (cell.colour, " missing-report" if cell.missing else "", title, content)
