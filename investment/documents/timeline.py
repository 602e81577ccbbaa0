"""节点作战图 drawn as SVG: the same markup in the page, the project sheet and the A3 wall chart.

A row is a project (for one project, a milestone): its name and unit (its status) at the left,
its milestones on the month axis, a note at the right (a set: a row on the lag list, its warning's
level and reasons as 滞后预警 gives them, their details in the hover title; else the overdue
milestones, else the next one due; one project: the dates). Each milestone is a hollow diamond at its planned date
and, once done by the period end, a dot at its actual date, joined by a line; one overdue at the
period end is a dashed line from its planned date to the period end (the red vertical line).
Colours are the statuses' (`projects.deadlines.Timeliness`), named in the legend with their
counts. A date outside the axis is drawn at its edge (a planned one before it as an arrow), its
date in the hover title. Every label is escaped; the chart is wider than a phone and scrolls in
its box, the page's with the name column kept in view (``pinned``).

The wall chart (`wall_chart_pdf`) is A3 landscape in the WALL layout (whole project and unit
names, each unit named once over its projects), each page with the legend and the month axis
again, a unit's projects kept on one page where they fit (``wall_chart_pages``).
"""

import calendar
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from itertools import groupby
from typing import NamedTuple

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.pdf import render_pdf
from investment.models import WarningLevel
from investment.selectors.timeline import Mark, Status, Timeline, TimelineRow

COLOURS = {
    Status.ON_TIME: "#1a7f37",
    Status.DONE_LATE: "#b7791f",
    Status.OVERDUE: "#c0392b",
    Status.NOT_YET_DUE: "#2b6cb0",
}
FONT = 'font-family="inherit" font-size="12"'
MUTED, GRID, STRONG_GRID = "#616e7c", "#d9e2ec", "#9aa5b1"
WARNING_COLOURS: dict[str, str] = {WarningLevel.RED: "#c0392b", WarningLevel.YELLOW: "#b7791f"}

PAD, LEGEND_H, HEADER_H, ROW_H = 8, 30, 38, 26
NAMES, BODY, BOTH = "names", "body", "both"  # which part of a pinned chart a drawing goes in
# A3 landscape (420 × 297 mm, 12 and 14 mm margins: about 1,497 × 1,017 px) holds the WALL chart
# at about 13 pt: this many rows under the legend and the axis; the first page, under the title,
# FIRST_PAGE_ROWS. A unit's projects start a new page rather than run over one when the page is
# at least two thirds full (``wall_chart_pages``).
ROWS_PER_A3 = 31
FIRST_PAGE_ROWS = 28


class Layout(NamedTuple):
    """The columns' widths: name, unit (or status), the months, the note."""

    label: int
    side: int
    plot: int
    note: int


# a set: the page (1,110 px: it fits the page's box at 1,280 px and wider, the names kept in view
# when it scrolls on a narrower screen), and A3 landscape at about 12 pt
WIDE = Layout(208, 84, 594, 198)
COMPACT = Layout(132, 72, 420, 200)  # one project: the page, and A4 portrait at about 7 pt
WALL = Layout(300, 180, 620, 260)  # a set on the A3 wall chart: whole names and units


def _text_width(text: str) -> float:
    """About how wide ``text`` is at 12 px: a CJK character 12, anything else 7."""
    return sum(12 if ord(ch) > 0x2E80 else 7 for ch in text)


def _fit(text: str, width: float) -> str:
    """``text`` cut with … to fit ``width``."""
    if _text_width(text) <= width:
        return text
    while text and _text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _day(day: date, year: int) -> str:
    return (
        f"{day.month}月{day.day}日" if day.year == year else f"{day.year}年{day.month}月{day.day}日"
    )


class _Axis:
    """Where a date falls on the month axis (a day's share of its month)."""

    def __init__(self, chart: Timeline, left: float, plot: int):
        self.chart, self.left = chart, left
        self.month_w = plot / chart.months
        self.right = left + self.month_w * chart.months

    def x(self, day: date) -> float:
        first = self.chart.first
        months = (day.year - first.year) * 12 + day.month - first.month
        share = (day.day - 1) / calendar.monthrange(day.year, day.month)[1]
        return min(max(self.left + (months + share) * self.month_w, self.left), self.right)

    def end_x(self) -> float:
        """The period end: the end of its last day."""
        return self.x(self.chart.end + timedelta(days=1))


def _legend(chart: Timeline, start: float) -> list[str]:
    """The statuses' colours with their counts and the marks' meanings, from ``start``."""
    parts: list[str] = []
    x: float = start + PAD
    y = 18
    for status, label, count in chart.counts:
        colour = COLOURS[Status(status)]
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" rx="2" fill="{colour}"/>')
        text = f"{label} {count}"
        parts.append(f'<text x="{x + 16}" y="{y}" {FONT}>{escape(text)}</text>')
        x += 16 + _text_width(text) + 16
    x += 8
    parts.append(_diamond(x + 6, y - 4, MUTED))
    parts.append(f'<text x="{x + 16}" y="{y}" {FONT} fill="{MUTED}">计划完成</text>')
    x += 16 + 48 + 14
    parts.append(f'<circle cx="{x + 6}" cy="{y - 4}" r="4.5" fill="{MUTED}"/>')
    parts.append(f'<text x="{x + 16}" y="{y}" {FONT} fill="{MUTED}">实际完成</text>')
    x += 16 + 48 + 14
    parts.append(
        f'<line x1="{x + 6}" x2="{x + 6}" y1="{y - 11}" y2="{y + 3}" stroke="{COLOURS[Status.OVERDUE]}" '
        'stroke-dasharray="3 2" stroke-width="1.5"/>'
    )
    end = f"截至{chart.end.year}年{chart.end.month}月底"
    parts.append(f'<text x="{x + 14}" y="{y}" {FONT} fill="{MUTED}">{end}</text>')
    return parts


def _header(chart: Timeline, axis: _Axis, top: float, bottom: float) -> list[str]:
    """Years and months above the plot, and the month lines down through the rows."""
    parts = []
    step = 1 if axis.month_w >= 34 else 3 if axis.month_w >= 14 else 6 if axis.month_w >= 7 else 12
    for index in range(chart.months + 1):
        x = axis.left + index * axis.month_w
        year, month = chart.month_of(index) if index < chart.months else (0, 0)
        strong = month in (1, 4, 7, 10) or index in (0, chart.months)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top + 16}" y2="{bottom}" '
            f'stroke="{STRONG_GRID if strong else GRID}"/>'
        )
        if index == chart.months:
            break
        if month == 1 or index == 0:
            parts.append(
                f'<text x="{x + 3:.1f}" y="{top + 12}" {FONT} font-weight="bold">{year}年</text>'
            )
        if (month - 1) % step == 0:
            centre, anchor = (x + axis.month_w / 2, "middle") if step == 1 else (x + 3, "start")
            parts.append(
                f'<text x="{centre:.1f}" y="{top + 32}" {FONT} text-anchor="{anchor}" '
                f'fill="{MUTED}">{month}月</text>'
            )
    return parts


def _diamond(x: float, y: float, colour: str, size: float = 6) -> str:
    points = f"{x:.1f},{y - size:.1f} {x + size:.1f},{y:.1f} {x:.1f},{y + size:.1f} {x - size:.1f},{y:.1f}"
    return f'<polygon points="{points}" fill="#fff" stroke="{colour}" stroke-width="1.8"/>'


def _titled(shown: str, full: str, hover: bool) -> str:
    """``shown`` with ``full`` as its hover title (in a page; a PDF has no hover, and WeasyPrint
    lays out each title as text: a third of the wall chart's time)."""
    return f"<title>{escape(full)}</title>{shown}" if hover else shown


def _mark(mark: Mark, axis: _Axis, y: float, hover: bool) -> str:
    colour = COLOURS[Status(mark.status)]
    planned = axis.x(mark.planned)
    said = f"{mark.name}（{mark.kind}）：计划{mark.planned:%Y-%m-%d}"
    if mark.actual:
        said += f"，实际{mark.actual:%Y-%m-%d}"
    parts = [f'<g class="node {mark.status}">' + _titled("", f"{said}，{mark.status_label}", hover)]
    if mark.status == Status.OVERDUE:
        parts.append(
            f'<line x1="{planned:.1f}" x2="{axis.end_x():.1f}" y1="{y}" y2="{y}" stroke="{colour}" '
            'stroke-width="2" stroke-dasharray="4 3"/>'
        )
    if mark.actual:
        actual = axis.x(mark.actual)
        parts.append(
            f'<line x1="{planned:.1f}" x2="{actual:.1f}" y1="{y}" y2="{y}" stroke="{colour}" stroke-width="2"/>'
        )
    if mark.planned < axis.chart.first:  # planned before the axis: an arrow at its edge
        x = axis.left
        points = f"{x:.1f},{y} {x + 7:.1f},{y - 5} {x + 7:.1f},{y + 5}"
        parts.append(f'<polygon points="{points}" fill="{colour}" class="before-axis"/>')
    else:
        parts.append(_diamond(planned, y, colour))
    if mark.actual:
        parts.append(f'<circle cx="{axis.x(mark.actual):.1f}" cy="{y}" r="4.5" fill="{colour}"/>')
    parts.append("</g>")
    return "".join(parts)


def _note(row: TimelineRow, by_project: bool, year: int) -> tuple[str, str, str]:
    """(text, colour, hover title) at the right of a row."""
    text, colour = _note_text(row, by_project, year)
    warning = row.warning if by_project else None
    return text, colour, warning.summary if warning is not None else text


def _note_text(row: TimelineRow, by_project: bool, year: int) -> tuple[str, str]:
    if not by_project:
        mark = row.marks[0]
        actual = f" 实际{mark.actual:%Y-%m-%d}" if mark.actual else ""
        return f"计划{mark.planned:%Y-%m-%d}{actual}", MUTED
    if row.warning is not None:  # on the lag list: its reasons, as 滞后预警 lists them
        reasons = "、".join(reason.reason for reason in row.warning.reasons)
        return f"{row.warning.level_label}预警：{reasons}", WARNING_COLOURS[row.warning.level]
    if row.overdue:
        names = "、".join(mark.name for mark in row.overdue)
        return f"逾期{len(row.overdue)}个：{names}", COLOURS[Status.OVERDUE]
    upcoming = row.next_due
    if upcoming:
        return f"下一节点：{upcoming.name} {_day(upcoming.planned, year)}", MUTED
    if row.marks:
        return "本年度节点均已完成", COLOURS[Status.ON_TIME]
    return "本年度无节点", MUTED


def timeline_svg(
    chart: Timeline,
    *,
    rows: Sequence[TimelineRow] | None = None,
    link: Callable[[int], str] | None = None,
    hover: bool = True,
    pinned: bool = False,
    wall: bool = False,
) -> SafeString:
    """The chart of ``rows`` (default: all of ``chart``'s), with its legend and month axis;
    ``link`` gives a project's page address for its name, ``hover`` the full names and dates as
    hover titles (a page's; not a PDF's). ``pinned`` (the page's): the name column is a picture
    of its own beside the rest (the same drawing cut in two at the column's edge), so the page
    keeps it in view while the month axis scrolls sideways on a phone. ``wall`` (the A3 wall
    chart's): the WALL layout, a unit named once over its projects with a line above it."""
    rows = chart.rows if rows is None else rows
    layout = WALL if wall and chart.by_project else WIDE if chart.by_project else COMPACT
    label_w, side_w, note_w = layout.label, layout.side, layout.note
    left = PAD + label_w + side_w
    axis = _Axis(chart, left, layout.plot)
    width = axis.right + 10 + note_w + PAD
    top = LEGEND_H
    first_row = top + HEADER_H
    height = first_row + ROW_H * max(len(rows), 1) + PAD
    cut = PAD + label_w if pinned else 0  # where the name column ends
    # In drawing order, each with where it goes: the name column (NAMES), the rest (BODY), or
    # both (the row bands, the line under the header).
    parts: list[tuple[str, str]] = [(BODY, part) for part in _legend(chart, cut)]
    for index in range(len(rows)):
        if index % 2:
            band = first_row + index * ROW_H
            parts.append(
                (
                    BOTH,
                    f'<rect x="0" y="{band}" width="{width:.0f}" height="{ROW_H}" fill="#f5f7fa"/>',
                )
            )
    bottom = first_row + ROW_H * max(len(rows), 1)
    parts.append((NAMES, f'<text x="{PAD}" y="{top + 32}" {FONT} font-weight="bold">'
                         f'{"项目" if chart.by_project else "节点"}</text>'))  # fmt: skip
    parts.append((BODY, f'<text x="{PAD + label_w}" y="{top + 32}" {FONT} font-weight="bold">'
                        f'{"责任单位" if chart.by_project else "状态"}</text>'))  # fmt: skip
    parts.append((BODY, f'<text x="{axis.right + 10:.1f}" y="{top + 32}" {FONT} font-weight="bold">'
                        f'{"节点情况 / 预警原因" if chart.by_project else "计划 / 实际完成"}</text>'))  # fmt: skip
    parts += [(BODY, part) for part in _header(chart, axis, top, bottom)]
    parts.append(
        (
            BOTH,
            f'<line x1="0" x2="{width:.0f}" y1="{first_row}" y2="{first_row}" stroke="{STRONG_GRID}"/>',
        )
    )
    for index, row in enumerate(rows):
        y = first_row + index * ROW_H + ROW_H / 2
        label = escape(_fit(row.label, label_w - 10))
        named = _titled(label, row.label, hover)
        text = f'<text x="{PAD}" y="{y + 4}" {FONT} class="row-label">{named}</text>'
        if link and row.project_id is not None and chart.by_project:
            text = f'<a href="{escape(link(row.project_id))}">{text}</a>'
        parts.append((NAMES, text))
        side, side_colour = (row.side, MUTED)
        if wall and index and rows[index - 1].side == row.side:
            side = ""  # the unit's name is on its first row (of the page)
        elif wall and index:
            line = first_row + index * ROW_H
            parts.append(
                (BOTH, f'<line x1="0" x2="{width:.0f}" y1="{line}" y2="{line}" stroke="{STRONG_GRID}"/>')
            )  # fmt: skip
        if not chart.by_project:  # a milestone's row: its status, in its colour
            side, side_colour = row.marks[0].status_label, COLOURS[Status(row.marks[0].status)]
        side = escape(_fit(side, side_w - 8))
        parts.append(
            (
                BODY,
                f'<text x="{PAD + label_w}" y="{y + 4}" {FONT} fill="{side_colour}">{side}</text>',
            )
        )
        parts += [(BODY, _mark(mark, axis, y, hover)) for mark in row.marks]
        note, colour, title = _note(row, chart.by_project, chart.year)
        parts.append(
            (BODY, f'<text x="{axis.right + 10:.1f}" y="{y + 4}" {FONT} fill="{colour}" class="row-note">'
                   f"{_titled(escape(_fit(note, note_w)), title, hover)}</text>")
        )  # fmt: skip
    if not rows:
        parts.append(
            (
                BODY,
                f'<text x="{left + 8}" y="{first_row + 17}" {FONT} fill="{MUTED}">没有项目</text>',
            )
        )
    end_x = axis.end_x()
    parts.append(
        (BODY, f'<line x1="{end_x:.1f}" x2="{end_x:.1f}" y1="{top + 16}" y2="{bottom}" '
               f'stroke="{COLOURS[Status.OVERDUE]}" stroke-width="1.5" stroke-dasharray="3 2" class="period-end"/>')
    )  # fmt: skip
    title = f"{chart.year}年节点作战图（截至{chart.end.month}月底）"
    if not pinned:
        return _svg(0, width, height, title, [part for _, part in parts])
    names = [part for where, part in parts if where != BODY]
    body = [part for where, part in parts if where != NAMES]
    return mark_safe(
        '<div class="timeline-split"><div class="timeline-pin">'
        + _svg(0, cut, height, "项目名称", names, extra=" timeline-names")
        + "</div>"
        + _svg(cut, width - cut, height, title, body)
        + "</div>"
    )


def _svg(
    x: float, width: float, height: float, label: str, parts: list[str], *, extra: str = ""
) -> SafeString:
    """An <svg> showing the drawing from ``x`` across ``width``, at one pixel a unit."""
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x:.0f} 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" class="timeline-chart{extra}" role="img" '
        f'aria-label="{escape(label)}">' + "".join(parts) + "</svg>"
    )


def wall_chart_pages(chart: Timeline) -> list[SafeString]:
    """The chart in A3 pages (``wall_paged``), each with its legend and axis."""
    return [
        timeline_svg(chart, rows=page, hover=False, wall=True) for page in wall_paged(chart.rows)
    ]


def wall_paged(rows: Sequence[TimelineRow]) -> list[list[TimelineRow]]:
    """``rows`` cut into A3 pages: ``FIRST_PAGE_ROWS`` on the first (under the title),
    ``ROWS_PER_A3`` on the others; a unit's projects start a new page rather than run over one,
    unless that would leave the page less than two thirds full or the unit has more projects
    than a page holds. At least one page (an empty chart says 没有项目)."""
    pages: list[list[TimelineRow]] = [[]]

    def room() -> int:
        return (FIRST_PAGE_ROWS if len(pages) == 1 else ROWS_PER_A3) - len(pages[-1])

    for _, grouped in groupby(rows, key=lambda row: row.side):
        group = list(grouped)
        if room() < len(group) <= ROWS_PER_A3 and room() * 3 <= ROWS_PER_A3:
            pages.append([])
        for row in group:
            if not room():
                pages.append([])
            pages[-1].append(row)
    return pages


def wall_chart_pdf(chart: Timeline, *, scope: str, generated: date) -> bytes:
    """The A3-landscape wall chart of a set: its title, what it covers, its pages."""
    return render_pdf(
        "investment/timeline_pdf.html",
        {"chart": chart, "pages": wall_chart_pages(chart), "scope": scope, "generated": generated},
    )
