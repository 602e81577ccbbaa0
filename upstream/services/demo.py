"""The demo county's two 上报模板, made up by us in the shape such tables usually have, built in
code (no binary file kept) and taken in through the same services as an upload:

- 市重点项目建设进展情况表 (the city's monthly table, to 市发改委): a title merged across, a row
  填报单位… 单位：万元, two header rows with 投资完成情况 merged over 本月完成 / 1-本月累计完成 /
  完成率(%), the single headers merged down, a styled empty first data row; the 市重点 projects;
- 固定资产投资项目进度表 (statistics style, to 县统计局): title, 表号 and 计量单位 row, two header rows
  with 本年完成投资 over 本月 / 自年初累计, a row of column codes (甲 乙 丙 1 2 …) the data skip;
  every project of the year's list, with the period written into 报告期 as a fixed text.
"""

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from projects.models import Level, User
from upstream.models import UpstreamTemplate
from upstream.rules.fields import BLANK, SERIAL, TEXT
from upstream.services.mapping import ColumnEntry, Settings, mapping_save, template_upload

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)

# (header row 1, header row 2 or None: merged down, width, source, fixed text)
CITY_COLUMNS: list[tuple[str, str | None, float, str, str]] = [
    ("序号", None, 6, SERIAL, ""),
    ("项目名称", None, 28, "name", ""),
    ("建设内容及规模", None, 36, "content", ""),
    ("责任单位", None, 14, "unit", ""),
    ("总投资", None, 12, "total", ""),
    ("年度计划投资", None, 12, "plan", ""),
    ("投资完成情况", "本月完成", 11, "month", ""),
    ("投资完成情况", "1-本月累计完成", 13, "cumulative", ""),
    ("投资完成情况", "完成率(%)", 10, "rate", ""),
    ("开工时间", None, 12, "actual_start", ""),
    ("形象进度", None, 30, "progress", ""),
    ("存在问题", None, 24, "problems", ""),
    ("包抓县级领导", None, 12, "leader", ""),
    ("备注", None, 10, BLANK, ""),
]
STATS_COLUMNS: list[tuple[str, str | None, float, str, str]] = [
    ("项目名称", None, 30, "name", ""),
    ("统一项目代码", None, 26, "code", ""),
    ("建设性质", None, 9, "nature", ""),
    ("国民经济行业", None, 12, "industry", ""),
    ("计划总投资", None, 12, "total", ""),
    ("本年计划投资", None, 12, "plan", ""),
    ("本年完成投资", "本月", 11, "month", ""),
    ("本年完成投资", "自年初累计", 12, "cumulative", ""),
    ("实际开工时间", None, 12, "actual_start", ""),
    ("计划竣工时间", None, 12, "planned_end", ""),
    ("纳统时间", None, 12, "statistics_date", ""),
    ("报告期", None, 11, TEXT, "{年}年{月}月"),
]
CODES = ["甲", "乙", "丙", "丁", *(str(n) for n in range(1, 9))]


def _table(
    title: str,
    note: tuple[str, str],
    columns: list[tuple[str, str | None, float, str, str]],
    *,
    codes: list[str] | None = None,
) -> bytes:
    """A template as offices pass them round: title, a note row, two header rows (groups merged
    across, single headers merged down), optionally a codes row, and one styled empty data row."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "进展表"
    width = len(columns)
    last = get_column_letter(width)
    sheet["A1"] = title
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = CENTRE
    sheet.merge_cells(f"A1:{last}1")
    sheet.row_dimensions[1].height = 32
    sheet["A2"] = note[0]
    sheet.merge_cells(f"A2:{get_column_letter(width // 2)}2")
    sheet.cell(row=2, column=width - 2, value=note[1]).alignment = Alignment(horizontal="right")
    sheet.merge_cells(start_row=2, start_column=width - 2, end_row=2, end_column=width)
    groups: dict[str, list[int]] = {}
    for number, (top, sub, column_width, _, _) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column_width
        for row in (3, 4):
            cell = sheet.cell(row=row, column=number)
            cell.font, cell.alignment, cell.border = Font(bold=True), CENTRE, BOX
        if sub is None:
            sheet.cell(row=3, column=number, value=top)
            sheet.merge_cells(start_row=3, start_column=number, end_row=4, end_column=number)
        else:
            groups.setdefault(top, []).append(number)
            sheet.cell(row=4, column=number, value=sub)
    for top, numbers in groups.items():
        sheet.cell(row=3, column=numbers[0], value=top)
        sheet.merge_cells(start_row=3, start_column=numbers[0], end_row=3, end_column=numbers[-1])
    data_row = 5
    if codes:
        for number, code in enumerate(codes[:width], start=1):
            cell = sheet.cell(row=5, column=number, value=code)
            cell.alignment, cell.border = CENTRE, BOX
        data_row = 6
    for number in range(1, width + 1):
        cell = sheet.cell(row=data_row, column=number)
        cell.border = BOX
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        cell.font = Font(size=10)
    sheet.row_dimensions[data_row].height = 30
    sheet.freeze_panes = f"A{data_row}"
    sheet.print_title_rows = "3:4"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def city_template() -> bytes:
    return _table(
        "××市重点项目建设进展情况表",
        ("填报单位（盖章）：", "单位：万元"),
        CITY_COLUMNS,
    )


def statistics_template() -> bytes:
    return _table(
        "固定资产投资项目进度表",
        ("表号：FA-101 表    制定机关：县统计局", "计量单位：万元"),
        STATS_COLUMNS,
        codes=CODES,
    )


DEMO_TEMPLATES: list[dict[str, Any]] = [
    {
        "title": "市重点项目建设进展情况表",
        "issuer": "市发改委",
        "filename": "市重点项目建设进展情况表.xlsx",
        "build": city_template,
        "columns": CITY_COLUMNS,
        "level": Level.MUNICIPAL,
    },
    {
        "title": "固定资产投资项目进度表",
        "issuer": "县统计局",
        "filename": "固定资产投资项目进度表.xlsx",
        "build": statistics_template,
        "columns": STATS_COLUMNS,
        "level": "",
    },
]


def upstream_story() -> None:
    """The office's two templates, uploaded and mapped (skipped when there is no office or
    they are there already)."""
    office = User.objects.filter(username="office").first()
    if office is None:
        return
    for spec in DEMO_TEMPLATES:
        if UpstreamTemplate.objects.filter(title=spec["title"]).exists():
            continue
        template = template_upload(
            title=spec["title"],
            issuer=spec["issuer"],
            filename=spec["filename"],
            data=spec["build"](),
            user=office,
        )
        rows = {column.number: column for column in template.columns.all()}
        mapping_save(
            template=template,
            expected_version=template.version,
            settings=Settings(spec["title"], spec["issuer"], spec["level"], None),
            columns=[
                ColumnEntry(number, source, text, rows[number].version)
                for number, (_, _, _, source, text) in enumerate(spec["columns"], start=1)
            ],
            user=office,
        )
