"""The figure pages' list tables: the unit ranking, the project ranking, the lag list.

Their rows are the selectors' objects (`UnitScore`, `PlanProgress`, `LagWarning`); sorting a
list table orders those rows in Python, never recomputing a figure.
"""

import itertools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django_tables2.data import TableListData
from django_tables2.utils import OrderBy, OrderByTuple

from core import formatting
from core.tables import NUM, PercentColumn, WanColumn, cell
from investment.models import WarningLevel
from investment.rules import overruns
from investment.selectors.progress import LagRows, LagWarning, Reason
from investment.selectors.rankings import Ranking, UnitScore
from projects.models import AnnualPlan

# A county's whole list (50–300 projects) fits one page of the board and the lag list, so it
# prints as one wall chart; a city's thousands come in pages. Excel exports are always whole.
ROWS_PER_PAGE = 300


class UnitRankingTable(tables.Table):
    """考核排名: one row per unit, best first; 红榜/黑榜 rows marked."""

    rank = tables.Column("名次", attrs=NUM)
    unit = tables.Column("责任单位")
    score = tables.Column("得分", attrs=NUM)
    # then a rate per indicator (``__init__``)
    projects = tables.Column("项目数", attrs=NUM)
    board = tables.Column("榜单", accessor="unit", orderable=False, empty_values=())

    class Meta:
        orderable = False  # a ranking is its order; the Excel export is the page as shown
        empty_text = "该年度没有列入计划的项目。"
        row_attrs = {"class": lambda record, table: table.list_class(record)}
        template_name = "partials/table_drawn.html"  # its rows drawn by `rows_html`

    def __init__(
        self, ranking: Ranking, *, kind: str, explainable: set[str] | None, **kwargs: Any
    ) -> None:
        self.red = {s.unit for s in ranking.red_list}
        self.black = {s.unit for s in ranking.black_list}
        self.explainable = explainable
        self.rate_keys = [indicator.rate_key for indicator in ranking.indicators]
        self.period: dict[str, int | str] = {
            "year": ranking.year,
            "month": ranking.month,
            "kind": kind,
        }
        rates = [
            (
                indicator.rate_key,
                PercentColumn(indicator.rate_label, accessor=f"rates__{indicator.rate_key}"),
            )
            for indicator in ranking.indicators
        ]
        super().__init__(
            ranking.units,
            extra_columns=rates,
            sequence=("rank", "unit", "score", *(key for key, _ in rates), "projects", "board"),
            **kwargs,
        )

    def list_class(self, record: UnitScore) -> str:
        if record.unit in self.red:
            return "red-row"
        return "black-row" if record.unit in self.black else ""

    def render_unit(self, value: str) -> str:
        # A reporter may open only their own unit's deductions; the others stay figures.
        if self.explainable is not None and value not in self.explainable:
            return value
        query = urlencode({**self.period, "explain": value})
        return format_html('<a href="?{}#explain">{}</a>', query, value)

    def render_score(self, value: Decimal) -> str:
        return format_html("<strong>{}</strong>", value)

    def render_board(self, value: str) -> str:
        if value in self.red:
            return mark_safe('<span class="tag approved">红榜</span>')
        if value in self.black:
            return mark_safe('<span class="tag returned">黑榜</span>')
        return ""

    def rows_html(self) -> SafeString:
        """The rows as `templates/partials/table.html` draws them, written at once by this
        table's ``render_*``: drawn cell by cell by django-tables2 (its accessors, a signature
        inspection and attributes a cell), a city's 200 units and 50 projects took 0.16 s of the
        page's 0.20 s of CPU. `tests/investment/test_ranking_tables.py` holds the two equal."""
        return rows_html(
            self,
            (
                (
                    format_html(' class="{}"', self.list_class(s)),
                    (
                        s.rank,
                        self.render_unit(s.unit),
                        self.render_score(s.score),
                        *(formatting.percent(s.rates[key]) for key in self.rate_keys),
                        s.projects,
                        self.render_board(s.unit),
                    ),
                )  # fmt: skip
                for s in (row.record for row in self.paginated_rows)
            ),
        )


class ProjectRankingTable(tables.Table):
    """项目完成率排名: the first rows of `project_ranking`, in its order."""

    rank = tables.Column("名次", empty_values=(), attrs=NUM)
    name = tables.Column("项目")
    unit = tables.Column("责任单位")
    level = tables.Column("级别")
    planned_investment = WanColumn("年度计划(万元)")
    completed = WanColumn("完成(万元)")
    completion_rate = PercentColumn("完成率")

    class Meta:
        orderable = False  # the ranking is the order
        empty_text = "该年度没有列入计划的项目。"
        template_name = "partials/table_drawn.html"  # its rows drawn by `rows_html`

    def render_rank(self) -> int:
        self.counter = getattr(self, "counter", itertools.count(1))
        return next(self.counter)

    def rows_html(self) -> SafeString:
        """The rows as `templates/partials/table.html` draws them, written at once (as
        `UnitRankingTable.rows_html`)."""
        return rows_html(
            self,
            (
                (
                    "",
                    (
                        rank,
                        p.name or self.default,  # django-tables2 shows an empty value so
                        p.unit or self.default,
                        p.level or self.default,
                        formatting.wan(p.planned_investment),
                        formatting.wan(p.completed),
                        formatting.percent(p.completion_rate),
                    ),
                )  # fmt: skip
                for rank, p in enumerate((row.record for row in self.paginated_rows), start=1)
            ),
        )


def rows_html(table: tables.Table, rows: Iterable[tuple[str, Iterable[Any]]]) -> SafeString:
    """Rows as the one table template (`templates/partials/table.html`) draws them: each row's
    attributes (" class=…", or none) and its cells, one a column in the table's order, under the
    column's ``td`` attributes, escaped unless safe."""
    tds = []
    for column in table.columns:
        attrs = column.attrs["td"].as_html()
        tds.append(f" {attrs}" if attrs else "")
    html = []
    for attrs, cells in rows:
        html.append(f"\n    <tr{attrs}>")
        html.extend(
            f"\n      <td{td}>{conditional_escape(cell)}</td>"
            for td, cell in zip(tds, cells, strict=True)
        )
        html.append("</tr>\n  ")
    return mark_safe("".join(html))  # every cell escaped above, or safe already


class LagData(TableListData):
    """A `LagRows` list to django-tables2: sorted in the database when it can be (the table
    judges then only the page's rows), else by django-tables2 in Python on every row."""

    data: LagRows

    def order_by(self, aliases: OrderByTuple) -> None:
        accessors: list[str] = []
        for alias in aliases:
            column = self.table.columns[OrderBy(alias).bare]
            as_shown = OrderBy(alias).is_descending == column.order_by_alias.is_descending
            accessors += column.order_by if as_shown else column.order_by.opposite
        if not self.data.order_by(accessors):
            super().order_by(aliases)


class LagTable(tables.Table):
    """滞后预警: one row per lagging plan row with each reason and its details. On a phone each
    row is a block, each cell under its label (``.table.stacked``), so 预警等级 and 预警原因 are
    not off the screen's edge."""

    name = tables.Column(
        "项目",
        accessor="progress__name",
        order_by=("progress__code",),
        attrs=cell("项目", "name"),
    )
    unit = tables.Column(
        "责任单位", accessor="progress__unit", order_by=("progress__unit", "progress__code"),
        attrs=cell("责任单位", "short"),
    )  # fmt: skip
    level = tables.Column(
        "级别", accessor="progress__level", order_by=("progress__level", "progress__code"),
        attrs=cell("级别", "short"),
    )  # fmt: skip
    warning = tables.Column(
        "预警等级",
        accessor="level",
        order_by=("level_rank", "progress__code"),
        empty_values=(),
        attrs=cell("预警等级"),
    )
    completion_rate = PercentColumn(
        "完成率", accessor="progress__completion_rate", attrs=NUM | cell("完成率", "num")
    )
    reasons = tables.Column("预警原因", orderable=False, attrs=cell("预警原因", ""))

    class Meta:
        attrs = {"class": "table stacked"}
        empty_text = "没有滞后项目。"
        template_name = "partials/table_drawn.html"  # its rows drawn by `rows_html`

    def render_name(self, record: LagWarning, value: str) -> str:
        return format_html('{}<br><small class="muted">{}</small>', value, record.progress.code)

    def render_warning(self, record: LagWarning) -> str:
        return lag_mark(record)

    def render_reasons(self, value: list[Reason]) -> str:
        return format_html_join(
            "",
            '<div><span class="tag {}">{}（{}）</span> {}</div>',
            (
                ("returned" if r.level == WarningLevel.RED else "submitted", r.reason,
                 WarningLevel(r.level).label, r.details)
                for r in value
            ),
        )  # fmt: skip

    def rows_html(self) -> SafeString:
        """The page's rows as `templates/partials/table.html` draws them, written at once by
        this table's ``render_*`` (as `UnitRankingTable.rows_html`): 300 rows × 6 cells drawn
        by django-tables2 one by one, with a template rendered for each row's mark, were most of
        the page's CPU. `tests/investment/test_lag_table.py` holds the two equal."""
        return rows_html(
            self,
            (
                (
                    "",
                    (
                        self.render_name(w, p.name) if p.name else self.default,
                        p.unit or self.default,  # django-tables2 shows an empty value so
                        p.level or self.default,
                        self.render_warning(w),
                        formatting.percent(p.completion_rate),
                        self.render_reasons(w.reasons) if w.reasons else self.default,
                    ),
                )  # fmt: skip
                for w, p in ((row.record, row.record.progress) for row in self.paginated_rows)
            ),
        )


def lag_mark(warning: LagWarning | None) -> SafeString:
    """A lag warning's mark (its level, its label, its summary as the title), as the lag list's
    rows and the board's show it; nothing for a row with no warning."""
    if warning is None:
        return SafeString("")
    return warning_mark(warning.level, warning.level_label, title=warning.summary)


def warning_mark(level: str, label: str, *, title: str = "") -> SafeString:
    """A warning's mark as `templates/investment/_warning_mark.html` draws it (``level``,
    ``label`` and ``title``; not ``counted``), for a table that draws a mark a row without a
    template render each: `tests/investment/test_lag_table.py` holds the two equal."""
    if title:
        return format_html(
            '<span class="warn-mark warn-{}"\n  title="{}"><span aria-hidden="true">●</span>'
            "{}预警</span>\n",
            level, title, label,
        )  # fmt: skip
    return format_html(
        '<span class="warn-mark warn-{}"><span aria-hidden="true">●</span>{}预警</span>\n',
        level, label,
    )  # fmt: skip


class OverrunTable(tables.Table):
    """超概算/超工期: one row per project of the year's list (its plan row, annotated by
    `investment.rules.overruns.overrun_plans`); sorted in the database."""

    name = tables.Column(
        "项目", accessor="project__name", order_by=("project__code",), attrs=cell("项目", "name")
    )
    unit = tables.Column(
        "责任单位", accessor="project__unit__name", order_by=("project__unit__name", "project__code"),
        attrs=cell("责任单位", "short"),
    )  # fmt: skip
    level = tables.Column("级别", accessor="get_level_display", order_by=("level",),
                          attrs=cell("级别", "short"))  # fmt: skip
    original_total = WanColumn(
        "原总投资(万元)", accessor="project__original_total", attrs=NUM | cell("原总投资", "num")
    )
    total = WanColumn(
        "总投资(万元)", accessor="project__total_investment", attrs=NUM | cell("总投资", "num")
    )
    cost_overrun = WanColumn("超概算(万元)", attrs=NUM | cell("超概算", "num"))
    cost_overrun_pct = tables.Column(
        "超概算(%)", empty_values=(), order_by=("cost_overrun_ratio",),
        attrs=NUM | cell("超概算(%)", "num"),
    )  # fmt: skip
    original_completion = tables.DateColumn(
        "Y-m-d", verbose_name="原计划竣工", accessor="project__original_completion",
        attrs=cell("原计划竣工"),
    )  # fmt: skip
    planned_end = tables.DateColumn(
        "Y-m-d", verbose_name="计划竣工", accessor="project__planned_end", attrs=cell("计划竣工")
    )
    time_overrun = tables.Column("超工期(月)", attrs=NUM | cell("超工期(月)", "num"))

    class Meta:
        attrs = {"class": "table stacked"}
        empty_text = "没有超概算或超工期的项目。"

    def render_name(self, record: AnnualPlan, value: str) -> str:
        return format_html(
            '<a href="{}">{}</a><br><small class="muted">{}</small>',
            record.project.get_absolute_url(), value, record.project.code,
        )  # fmt: skip

    def render_cost_overrun(self, value: Decimal | None) -> str:
        return formatting.wan(value) if value and value > 0 else "—"

    def render_cost_overrun_pct(self, record: AnnualPlan) -> str:
        project = record.project
        pct = overruns.cost_overrun_pct(project.total_investment, project.original_total)
        return formatting.percent(pct) if pct and pct > 0 else "—"

    def render_time_overrun(self, value: int | None) -> int | str:
        return value or "—"
