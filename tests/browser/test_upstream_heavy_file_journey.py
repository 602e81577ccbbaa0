"""The office uploads a city's template that carries a large second sheet (a 填报说明 full of
old figures): the page says in one line that only the first sheet is read and what to delete,
and keeps nothing. It deletes the other sheet, uploads again, and the template is kept. At
1280 px and 390 px, the page never scrolling sideways."""

from tests.browser.conftest import look, sign_in
from tests.security.test_upstream_files import other_sheet, template
from upstream.models import UpstreamTemplate


def test_a_template_with_a_heavy_second_sheet_is_refused_then_kept_once_it_is_gone(
    tab, cast, tmp_path
):
    heavy, light = tmp_path / "市重点项目进展表.xlsx", tmp_path / "市重点项目进展表（改）.xlsx"
    heavy.write_bytes(other_sheet(2.1))
    light.write_bytes(template())
    sign_in(tab, cast.officer)
    page = tab.page
    page.goto("/upstream/")

    page.fill("input[name=title]", "市重点项目进展表")
    page.set_input_files("input[name=file]", str(heavy))
    with page.expect_navigation():
        page.click("#upload button[type=submit]")

    said = page.locator("main").inner_text()
    assert "不能作为上报模板：工作表解压后合计超过2 MB" in said
    assert "上报模板只读取第一个工作表，请删除其他工作表" in said
    look(page, "upstream-heavy-refused")
    assert not UpstreamTemplate.objects.exists()

    # the other sheet deleted, the same title typed again
    page.fill("input[name=title]", "市重点项目进展表")
    page.set_input_files("input[name=file]", str(light))
    with page.expect_navigation():
        page.click("#upload button[type=submit]")

    assert "已上传“市重点项目进展表”" in page.locator(".messages").inner_text()
    assert list(UpstreamTemplate.objects.values_list("title", flat=True)) == ["市重点项目进展表"]
    assert tab.problems == []
