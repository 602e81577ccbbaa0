"""An uploaded template is read for its header block and its columns, and a file that cannot be
a template is refused in one Chinese line, before anything is kept (DESIGN.md §4's forgiving
reader's limits, core/workbooks.py, apply to it too)."""

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from tests import bombs
from upstream.models import TemplateColumn, UpstreamTemplate
from upstream.rules.fields import guess_source
from upstream.rules.headers import Layout, column_titles, guess_layout
from upstream.rules.template_file import TemplateRefused, read_template
from upstream.services.demo import city_template, statistics_template
from upstream.services.mapping import template_upload


def saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_city_table_has_its_title_and_note_rows_above_two_header_rows():
    grid = read_template(city_template(), filename="市.xlsx").grid

    layout = guess_layout(grid)

    assert layout == Layout(header_first=3, header_last=4, data_start=5)
    titles = [column.title for column in column_titles(grid, layout)]
    assert titles[:3] == ["序号", "项目名称", "建设内容及规模"]  # merged down: read once
    assert titles[6:9] == [
        "投资完成情况/本月完成",
        "投资完成情况/1-本月累计完成",
        "投资完成情况/完成率(%)",
    ]
    assert titles[-1] == "备注"


def test_the_statistics_tables_row_of_column_codes_is_skipped_by_the_data():
    grid = read_template(statistics_template(), filename="统计.xlsx").grid

    layout = guess_layout(grid)

    assert layout == Layout(header_first=3, header_last=4, data_start=6)
    assert [c.title for c in column_titles(grid, layout)][6:8] == [
        "本年完成投资/本月",
        "本年完成投资/自年初累计",
    ]


def test_a_plain_header_in_row_one_is_found_there():
    book = Workbook()
    book.active.append(["序号", "项目名称", "本月完成投资（万元）", "存在问题"])
    grid = read_template(saved(book), filename="简单.xlsx").grid

    assert guess_layout(grid) == Layout(1, 1, 2)


@pytest.mark.parametrize(
    ("header", "source"),
    [
        ("序号", "serial"),
        ("投资完成情况/本月完成", "month"),
        ("本年完成投资/本月", "month"),  # the last part first: not 本年完成
        ("本年完成投资/自年初累计", "cumulative"),
        ("1-10月累计完成投资（万元）", "cumulative"),
        ("投资完成/1至本月累计", "cumulative"),  # 1至本月: the year so far
        ("1-本月累计", "cumulative"),
        ("年度投资完成率", "rate"),
        ("计划开工时间", "planned_start"),
        ("实际开工时间", "actual_start"),
        ("包抓县级领导", "leader"),
        ("项目名称及建设内容", "name"),  # a tie: the field listed first
        ("备注", "blank"),
    ],
)
def test_a_columns_source_is_guessed_from_its_header(header, source):
    assert guess_source(header) == source


def refused(data: bytes, filename: str = "模板.xlsx") -> str:
    with pytest.raises(TemplateRefused) as refusal:
        read_template(data, filename=filename)
    return refusal.value.reason


def with_formula() -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(["项目名称", "本月", "累计", "合计"])
    sheet.append(["甲", 1, 2, "=B2+C2"])
    return saved(book)


def test_hostile_and_unusable_files_are_each_refused_in_chinese():
    base = bombs.workbook("表", [["项目名称", "本月", "累计"], ["甲", 1, 2]])

    assert "另存为" in refused(b"not a workbook at all", "模板.txt")
    assert "旧版 Excel 97-2003" in refused(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, "模板.xlsx"
    )
    assert "不是有效的 Excel 工作簿" in refused(b"PK\x03\x04 not really a zip", "模板.xlsx")
    assert "解压后超过" in refused(bombs.many_strings(base, 2_000_000))  # a zip bomb: 89 KB → 34 MB
    assert "不同的文字超过" in refused(bombs.many_strings(base, 50_000))  # 50,000 strings in 4 KB
    assert "超过Excel的1048576行上限" in refused(bombs.row_numbered(base, 100_000_000))
    assert "模板超过2000行（第5000行有内容）" in refused(bombs.row_numbered(base, 5_000))
    assert "已损坏" in refused(bombs.bad_sheet_xml(base))
    assert "D2单元格含有公式" in refused(with_formula())
    assert "超过2 MB" in refused(bombs.ballast(base, 2 * 1024 * 1024 + 1))


def test_a_sheet_that_unzips_to_megabytes_of_empty_styled_cells_is_refused_unread():
    base = bombs.workbook("表", [["项目名称", "本月", "累计"], ["甲", 1, 2]])
    empty_rows = b"".join(b'<row r="%d"><c r="A%d" s="0"/></row>' % (n, n) for n in range(3, 1900))
    padded = bombs.with_sheet_xml(
        base, lambda xml: xml.replace(b"</sheetData>", empty_rows * 40 + b"</sheetData>")
    )

    assert "工作表解压后合计超过2 MB" in refused(padded)


def test_too_wide_a_sheet_is_refused():
    book = Workbook()
    book.active.append([f"列{n}" for n in range(1, 120)])

    assert "模板超过100列" in refused(saved(book))


def test_the_upload_keeps_nothing_when_the_file_is_refused(cast):
    with pytest.raises(ValidationError) as refusal:
        template_upload(
            title="市表", issuer="", filename="市表.xlsx", data=with_formula(), user=cast.officer
        )

    assert refusal.value.messages == [
        "“市表.xlsx”不能作为上报模板：模板的D2单元格含有公式，导出时无法照填。"
        "请删除公式（或复制后“选择性粘贴为数值”）后另存再上传。"
    ]
    assert not UpstreamTemplate.objects.exists() and not TemplateColumn.objects.exists()
