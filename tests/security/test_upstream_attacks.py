"""上报模板 under hostile templates: merged cells reaching into the data rows, merged cells
everywhere, a header-less sheet. The upload is refused in one Chinese line or the download is
a workbook; never a 500."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from investment.rules.periods import Period
from tests.batches.helpers import projects
from upstream.documents.filled import filled_template
from upstream.models import UpstreamTemplate
from upstream.rules.headers import Layout
from upstream.services.mapping import template_layout_save, template_upload

HEADERS = ["序号", "项目名称", "责任单位", "总投资", "本月完成投资", "备注"]


def workbook(build) -> bytes:
    book = Workbook()
    sheet = book.active
    build(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_headers(sheet, row: int = 2) -> None:
    sheet["A1"] = "市重点项目进展表"
    for column, text in enumerate(HEADERS, start=1):
        sheet.cell(row=row, column=column, value=text)


def side_note_down_the_data_rows(sheet) -> None:
    """填报说明 merged down column H beside the header and the first data rows."""
    with_headers(sheet)
    sheet["G2"] = "填报说明"
    sheet.merge_cells("G2:G30")


def serial_merged_into_the_data(sheet) -> None:
    """序号 merged from the header down into the rows the data is written to."""
    with_headers(sheet)
    sheet.merge_cells("A2:A6")


def merged_everywhere(sheet) -> None:
    with_headers(sheet)
    for row in range(3, 400, 2):
        for column in range(1, 7, 2):
            sheet.merge_cells(
                start_row=row, start_column=column, end_row=row + 1, end_column=column + 1
            )


def no_header_at_all(sheet) -> None:
    for row in range(1, 20):
        for column in range(1, 6):
            sheet.cell(row=row, column=column, value=row * column)


@pytest.mark.parametrize(
    "build",
    [
        side_note_down_the_data_rows,
        serial_merged_into_the_data,
        merged_everywhere,
        no_header_at_all,
    ],
)
def test_a_hostile_template_is_refused_in_chinese_or_downloads_filled(cast, build):
    projects([{}, {}, {}])  # 2026's projects, written from the data's first row
    client = Client(raise_request_exception=True)
    client.force_login(cast.officer)
    upload = io.BytesIO(workbook(build))
    upload.name = "市表.xlsx"

    page = client.post(reverse("upstream_list"), {"title": "市表", "file": upload})

    template = UpstreamTemplate.objects.filter(title="市表").first()
    if template is None:
        assert (
            page.status_code == 200
            and "不能作为上报模板" in page.content.decode()
            or "找不到表头" in page.content.decode()
        )
        return
    download = client.get(
        reverse("upstream_download", args=[template.pk]), {"year": 2026, "month": 6}
    )
    assert download.status_code == 200
    load_workbook(io.BytesIO(download.content))


def test_a_cell_merged_down_into_the_data_rows_hides_no_written_value(cast):
    """序号 merged from the header down over rows 3–6 and a 填报说明 down column G to row 30;
    the office says the header is row 2 and the data starts at row 3. The filled file's merged
    cells stop above the data, so no project's 序号 or name sits hidden under a merge."""
    projects([{}, {}, {}])
    template = template_upload(title="市表", issuer="", filename="市表.xlsx", user=cast.officer,
                               data=workbook(lambda sheet: (serial_merged_into_the_data(sheet),
                                                            side_note_down_the_data_rows(sheet))))  # fmt: skip
    template_layout_save(template=template, expected_version=template.version,
                         layout=Layout(2, 2, 3), user=cast.officer)  # fmt: skip
    template.refresh_from_db()

    filled = load_workbook(io.BytesIO(filled_template(template, Period.of(2026, 6)))).worksheets[0]

    assert [str(merged) for merged in filled.merged_cells.ranges if merged.max_row >= 3] == []
    assert [filled.cell(row, 1).value for row in (3, 4, 5)] == [1, 2, 3]
    assert [filled.cell(row, 2).value for row in (3, 4, 5)] == ["项目1", "项目2", "项目3"]
    assert filled["G2"].value == "填报说明" and filled["A2"].value == "序号"
