"""The office publishes a year's open data in a browser: from Excel台账 to 开放数据, a year
chosen (the page naming the publishing settings not set yet, and what the file says instead, in
words a clerk reads: no command, no setting's name outside the administrator's note), the OC4IDS
file downloaded; downloaded again, it is the same file but for its date. The page says what the
file leaves out (counted from the file itself); the office fills a project's 建设内容 and the
page, and the file, no longer miss it."""

import json
from pathlib import Path

import time_machine

from tests.browser.conftest import look, sign_in
from tests.opendata.test_oc4ids import TODAY, a_county, problems_of
from tests.workbooks import code


def download(page) -> dict:
    with page.expect_download() as downloaded:
        page.click("#oc4ids-download")
    assert downloaded.value.suggested_filename == "2024年重点项目开放数据_OC4IDS.json"
    return json.loads(Path(downloaded.value.path()).read_text(encoding="utf-8"))


def test_the_office_downloads_a_years_open_data_twice_the_same(tab, cast):
    a_county()
    page = tab.page
    with time_machine.travel(TODAY, tick=True):
        sign_in(tab, cast.officer)
        page.goto("/")
        page.click("nav >> text=Excel台账")
        page.click("text=按国际标准导出开放数据")
        assert page.locator("h1").inner_text().startswith("开放数据（OC4IDS）")
        assert "包抓领导、服务专员等人员姓名" in page.locator("#not-published").inner_text()
        # No prefix registered yet (OC4IDS_ID_PREFIX unset): the page says so and what the file
        # uses instead, with no placeholder that looks like a value.
        prefix = page.locator("#setting-prefix").inner_text()
        assert prefix.startswith("未设置：下载的文件以项目代码作项目编号")
        assert "urn:uuid:" in page.locator("#setting-published-at").inner_text()
        shown = page.locator("main").inner_text()
        assert "manage.py" not in shown and "OC4IDS_ID_PREFIX" not in shown  # the note is shut

        page.select_option("#opendata-year", "2024")
        page.click("form.period button[type=submit]")
        assert "2024年：2个项目" in page.locator("#download h2").inner_text()
        assert "1个项目的行业类别对应不到标准行业代码" in page.locator("#unmapped").inner_text()
        look(page, "opendata")

        gaps = page.locator("#gaps").inner_text()
        assert gaps.startswith("导出不完整：1个项目的文件中缺少部分内容——1个没有所属行业（")
        assert "1个没有建设内容（项目库中未填建设内容）" in gaps

        first = download(page)
        page.reload()
        second = download(page)

        # the office fills 东片区's 建设内容 on its project form, and comes back
        page.locator("#gaps").get_by_text("没有建设内容的1个项目").click()
        page.locator("#gaps").get_by_role("link", name=code(2, 2024)).click()
        page.get_by_role("link", name="编辑").first.click()
        page.fill("textarea[name=content]", "新建道路3.2公里及配套管网。")
        page.get_by_role("button", name="保存").click()
        page.goto("/opendata/?year=2024")
        gaps = page.locator("#gaps").inner_text()
        assert "建设内容" not in gaps and "1个没有所属行业" in gaps
        third = download(page)

    assert problems_of(first) == []
    assert [p["title"] for p in first["projects"]] == ["营盘公路改造工程", "县城东片区综合开发项目"]
    assert {**first, "publishedDate": None} == {**second, "publishedDate": None}
    assert first["projects"][0]["id"] in prefix  # the example the page gave is the file's id
    assert ["description" in p for p in first["projects"]] == [True, False]  # as the page said
    assert ["sector" in p for p in first["projects"]] == [True, False]
    assert third["projects"][1]["description"] == "新建道路3.2公里及配套管网。"
    assert tab.problems == []
