"""上报模板: a clerk changes a column's source, then picks another month with 预览该月 before
saving. The page reloads for that month; what was chosen but not saved is offered back (恢复 /
丢弃) instead of being silently lost, and 恢复 then 保存对应关系 saves it. Opened again after
the save, nothing is offered."""

import time_machine

from tests.browser.conftest import sign_in
from tests.browser.test_upstream_journey import a_county, source_of
from upstream.models import TemplateColumn
from upstream.services.demo import city_template


def test_a_mapping_changed_then_left_for_another_month_is_offered_back(tab, cast, tmp_path):
    a_county()
    page = tab.page
    template_file = tmp_path / "市重点项目建设进展情况表.xlsx"
    template_file.write_bytes(city_template())
    with time_machine.travel("2026-12-02 10:00+08:00", tick=True):
        sign_in(tab, cast.officer)
        page.goto("/upstream/")
        page.fill("input[name=title]", "市重点项目进展表")
        page.set_input_files("input[name=file]", str(template_file))
        with page.expect_navigation():
            page.click("#upload button[type=submit]")
        source_of(page, "备注").select_option("serial")

        page.select_option("form.period select[name=month]", "9")
        with page.expect_navigation():
            page.click("form.period button[type=submit]")  # 预览该月

        assert "month=9" in page.url
        assert source_of(page, "备注").input_value() == "blank"  # the page shows what is saved
        page.get_by_role("button", name="恢复").click()
        assert source_of(page, "备注").input_value() == "serial"
        with page.expect_navigation():
            page.click("button[value=save]")
        assert "对应关系已保存" in page.locator(".messages").inner_text()
        assert TemplateColumn.objects.get(letter="N").source == "serial"

        page.goto(page.url)
        assert page.get_by_role("button", name="恢复").count() == 0
    assert not tab.problems, tab.problems
