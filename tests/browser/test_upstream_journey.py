"""上报模板 as the office uses it: it uploads the city's template, finds its header rows and
columns read (投资完成情况/本月完成 …) and their sources guessed, maps 备注 to a fixed text with
the period in it, previews the rows (nothing saved yet), saves, and downloads the table filled for
October; then opens it again and saves it unchanged: nothing written, no history. Twice at
1280 px and 390 px, the page never scrolling sideways."""

import io
import re
from pathlib import Path

import pytest
import time_machine
from openpyxl import load_workbook

from tests.browser.conftest import PHONE, WIDE, look, sign_in
from tests.upstream.test_mapping import a_template, new_city_version
from tests.workbooks import a_portfolio, code, load
from upstream.models import TemplateColumn, UpstreamTemplate
from upstream.services.demo import city_template

WIDTHS = {"desktop": WIDE, "phone": PHONE}


def a_county() -> None:
    """Four 2026 projects with a January report of 1 万元 and an October one of 2 万元."""
    sheets = a_portfolio(4, 2026)
    sheets["月度投资"] += [[code(n, year=2026), 2026, 10, 2] for n in range(1, 5)]
    load(sheets)


def history_rows() -> int:
    return UpstreamTemplate.history.count() + TemplateColumn.history.count()


def source_of(page, letter: str):
    return page.locator("table.columns tbody tr", has_text=letter).first.locator("select")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_office_maps_a_template_once_and_downloads_it_filled(tab, cast, tmp_path, width):
    a_county()
    page = tab.page
    page.set_viewport_size(WIDTHS[width])
    template_file = tmp_path / "市重点项目建设进展情况表.xlsx"
    template_file.write_bytes(city_template())
    with time_machine.travel("2026-12-02 10:00+08:00", tick=True):
        sign_in(tab, cast.officer)
        page.goto("/")
        page.click("nav a[data-action=ledger\\.import]")  # Excel台账 › 上报模板
        page.click("main a[data-action=upstream\\.keep]")
        page.wait_for_url("**/upstream/")
        page.fill("input[name=title]", "市重点项目进展表")
        page.fill("input[name=issuer]", "市发改委")
        page.set_input_files("input[name=file]", str(template_file))
        with page.expect_navigation():
            page.click("#upload button[type=submit]")

        # The header rows found and the columns read across them, their sources guessed.
        assert "已上传“市重点项目进展表”" in page.locator(".messages").inner_text()
        assert page.locator("input[name=header_first]").input_value() == "3"
        assert page.locator("input[name=data_start]").input_value() == "5"
        columns = page.locator("table.columns tbody").inner_text()
        assert "投资完成情况/1-本月累计完成" in columns
        assert source_of(page, "投资完成情况/本月完成").input_value() == "month"
        look(page, f"upstream-detail-{width}")

        # 备注 as a fixed text with the period: previewed on the real rows, not saved yet.
        row = page.locator("table.columns tbody tr", has_text="备注")
        row.locator("select").select_option("text")
        row.locator("input[type=text]").fill("{年}年{月}月已核")
        with page.expect_navigation():
            page.click("button[value=preview]")
        preview = page.locator("#preview").inner_text()
        assert "2026年10月 · 全部项目 · 前4个项目 · 按上面尚未保存的选择" in preview
        assert "2026年10月已核" in preview and "项目1" in preview
        # numbers as the file writes them and right-aligned, as a spreadsheet shows them
        first = page.locator("#preview tbody tr").first.locator("td")
        assert first.nth(1).evaluate("c => getComputedStyle(c).textAlign") in ("left", "start")
        for column in (0, 4, 6, 8):  # A 序号, E 总投资, G 本月完成, I 完成率(%)
            assert first.nth(column).evaluate("c => getComputedStyle(c).textAlign") == "right"
        assert re.fullmatch(r"\d{1,3}(,\d{3})*\.\d{2,4}", first.nth(4).inner_text())
        assert first.nth(6).inner_text() == "2.00"
        assert TemplateColumn.objects.get(letter="N").source == "blank"
        assert source_of(page, "备注").input_value() == "text"  # what was typed stays

        with page.expect_navigation():
            page.click("button[value=save]")
        assert "对应关系已保存" in page.locator(".messages").inner_text()
        assert TemplateColumn.objects.get(letter="N").text == "{年}年{月}月已核"

        with page.expect_download() as download:
            page.click("#download")
        path = tmp_path / "filled.xlsx"
        download.value.save_as(path)
        assert download.value.suggested_filename == "市重点项目进展表_2026年10月.xlsx"
        sheet = load_workbook(io.BytesIO(path.read_bytes())).worksheets[0]
        assert sheet["A1"].value == "××市重点项目建设进展情况表"
        assert [sheet.cell(5, c).value for c in (1, 2, 7, 8, 14)] == [
            1,
            "项目1",
            2,
            3,
            "2026年10月已核",
        ]
        assert sheet.max_row == 8

        # Opened again and saved as shown: nothing changes.
        before = history_rows()
        page.goto(page.url)
        with page.expect_navigation():
            page.click("button[value=save]")
        assert "对应关系没有改动，未保存新版本" in page.locator(".messages").inner_text()
        assert history_rows() == before
        history = page.locator("section", has_text="修改记录").inner_text()
        assert "N列（备注）" in history and "对应内容：留空 → 固定文字" in history
        assert "上传“市重点项目建设进展情况表.xlsx”" in history
        page.goto("/upstream/")
        assert "14/14" in page.locator("table.templates").inner_text()  # every column mapped
        look(page, f"upstream-list-{width}")
    assert not tab.problems, tab.problems


def test_the_office_takes_a_new_version_of_a_template_keeping_its_mapping(tab, cast, tmp_path):
    """The city sends its 2027 form (建设内容及规模 gone, 开工时间 moved, 联系电话 added): the
    office downloads the file it uploaded first, to keep, then uploads the new one on the
    template's page; the page says the one mapping dropped and the new column, the moved column
    keeps its source. The same file uploaded again changes nothing."""
    a_county()
    template = a_template(cast.officer)
    page = tab.page
    new_file = tmp_path / "市重点项目建设进展情况表（2027版）.xlsx"
    new_file.write_bytes(new_city_version())
    with time_machine.travel("2026-12-02 10:00+08:00", tick=True):
        sign_in(tab, cast.officer)
        page.goto(f"/upstream/{template.pk}/")
        with template.file.open("rb") as stored:
            first_upload = stored.read()
        with page.expect_download() as download:
            page.click("#original")
        assert download.value.suggested_filename == "市表.xlsx"
        assert Path(download.value.path()).read_bytes() == first_upload

        page.set_input_files("#replace input[type=file]", str(new_file))
        with page.expect_navigation():
            page.click("#replace button[value=replace]")
        said = page.locator(".messages").inner_text()
        assert "13列按相同表头保留了原来的对应关系" in said
        assert "其对应关系已取消：C列“建设内容及规模”（建设内容）" in said
        assert "新增的列已按表头推测对应内容，请核对：N列“联系电话”" in said
        assert source_of(page, "开工时间").input_value() == "actual_start"  # now column M
        assert page.locator("#original").inner_text() == new_file.name
        preview = page.locator("#preview thead").inner_text()
        assert "M 开工时间" in preview and "建设内容" not in preview
        look(page, "upstream-new-version")

        before = history_rows()
        page.set_input_files("#replace input[type=file]", str(new_file))
        with page.expect_navigation():
            page.click("#replace button[value=replace]")
        assert "与当前使用的模板文件相同，未替换" in page.locator(".messages").inner_text()
        assert history_rows() == before
    assert not tab.problems, tab.problems
