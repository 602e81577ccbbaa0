"""Server-side SVG charts: the same markup in a page and, later, in the PDF briefing.

Plain SVG built here rather than a charting library: the charts are few and simple (a line
against the schedule, horizontal bars), the markup stays small and readable, fonts are the
page's own (CJK labels render wherever the page's font does), and no JavaScript is needed.
Every label is escaped.
"""

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from investment import rules

WIDTH = 560
FONT = 'font-family="inherit" font-size="12"'


def _number(value: Decimal) -> str:
    """A rate as pages write it: 1 decimal, half-up (rules.for_page; float formatting rounds
    0.25 to 0.2 where the page beside the chart says 0.3)."""
    return f"{rules.for_page(value):.1f}"


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | None], str]],
    top: Decimal = Decimal(100),
) -> SafeString:
    """Lines over ``labels``; each series is (name, values in percent, colour)."""
    height, left, right, bottom, head = 260, 44, 16, 28, 30
    plot_w, plot_h = WIDTH - left - right, height - bottom - head
    values = [v for _, vs, _ in series for v in vs if v is not None]
    top = max([top, *values]) if values else top
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return left + i * step

    def y(v: Decimal) -> float:
        return head + plot_h - float(v) / float(top) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" class="chart" role="img" aria-label="{escape(title)}">',
        f'<text x="{left}" y="18" {FONT} font-weight="bold">{escape(title)}</text>',
    ]
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        gy = head + plot_h - fraction * plot_h
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{gy:.1f}" y2="{gy:.1f}" stroke="#d9e2ec"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{gy + 4:.1f}" {FONT} text-anchor="end" fill="#616e7c">{_number(top * Decimal(str(fraction)))}%</text>'
        )
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - 8}" {FONT} text-anchor="middle" fill="#616e7c">{escape(label)}</text>'
        )
    for index, (name, vs, colour) in enumerate(series):
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(vs) if v is not None)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
        )
        parts += [
            f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"><title>{escape(name)} {escape(labels[i])}：{_number(v)}%</title></circle>'
            for i, v in enumerate(vs)
            if v is not None
        ]
        lx = WIDTH - right - 150 + index * 80
        parts.append(f'<rect x="{lx}" y="8" width="12" height="4" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 16}" y="14" {FONT}>{escape(name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


BAR_ROW, BAR_HEAD = 22, 30
# Bars on one A4 page of the briefing: its charts are 150 mm wide (static/css/pdf.css), so a bar
# is 22 / 560 × 150 = 5.9 mm, and 36 of them with the title 221 mm of the page's 255.
BARS_A_PAGE = 36


def _top(items: Sequence[tuple[str, Decimal | None]], reference: Decimal | None) -> Decimal:
    values = [v for _, v in items if v is not None] + ([reference] if reference is not None else [])
    return max(values) if values and max(values) > 0 else Decimal(1)


def bar_charts(
    *,
    title: str,
    items: Sequence[tuple[str, Decimal | None]],
    reference: Decimal | None = None,
    per_chart: int = BARS_A_PAGE,
) -> list[SafeString]:
    """`bar_chart` cut into charts of ``per_chart`` bars, each on a page of its own in the PDF
    (a city's 200 units in one chart ran off its page: WeasyPrint cut the SVG after 45), on one
    scale; titled 1/N, 2/N… when there are several."""
    chunks = [items[i : i + per_chart] for i in range(0, len(items), per_chart)] or [items]
    top = _top(items, reference)
    return [
        bar_chart(
            title=title if len(chunks) == 1 else f"{title}（{number}/{len(chunks)}）",
            items=chunk,
            reference=reference,
            top=top,
        )  # fmt: skip
        for number, chunk in enumerate(chunks, 1)
    ]


def bar_chart(
    *,
    title: str,
    items: Sequence[tuple[str, Decimal | None]],
    unit: str = "%",
    reference: Decimal | None = None,
    colour: str = "#1f4e79",
    top: Decimal | None = None,
) -> SafeString:
    """Horizontal bars, one per (label, value); an optional reference line (序时进度). ``top``,
    the value of a full bar, is the largest value here unless given (`bar_charts`' pages share one)."""
    row, left, right, head = BAR_ROW, 150, 60, BAR_HEAD
    height = head + row * max(len(items), 1) + 10
    plot_w = WIDTH - left - right
    top = top or _top(items, reference)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" class="chart" role="img" aria-label="{escape(title)}">',
        f'<text x="8" y="18" {FONT} font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(items):
        y = head + i * row
        width = float(value or 0) / float(top) * plot_w
        parts.append(
            f'<text x="{left - 8}" y="{y + 14}" {FONT} text-anchor="end">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{left}" y="{y + 3}" width="{width:.1f}" height="{row - 8}" fill="{colour}" rx="2"/>'
        )
        amount = (
            f"{value:.0f}" if unit == "个" and value is not None else _number(value or Decimal(0))
        )
        shown = "—" if value is None else f"{amount}{unit}"
        parts.append(
            f'<text x="{left + width + 4:.1f}" y="{y + 14}" {FONT} fill="#616e7c">{shown}</text>'
        )
    if reference is not None:
        rx = left + float(reference) / float(top) * plot_w
        parts.append(
            f'<line x1="{rx:.1f}" x2="{rx:.1f}" y1="{head - 4}" y2="{height - 6}" stroke="#c0392b" stroke-dasharray="4 3"/>'
        )
        # Near the right edge the label ends at the line instead of starting there.
        at_edge = rx > WIDTH - right - 40
        anchor, lx = ("end", rx - 4) if at_edge else ("start", rx + 4)
        parts.append(
            f'<text x="{lx:.1f}" y="{head - 6}" {FONT} fill="#c0392b" text-anchor="{anchor}">'
            f"序时进度{_number(reference)}%</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
