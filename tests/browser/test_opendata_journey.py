"""The office publishes a year's open data in a browser: from Excel台账 to 开放数据, a year
chosen (the page naming the publishing settings not set yet, and what the file says instead), the
OC4IDS file downloaded; downloaded again, it is the same file but for its date."""

import json
from pathlib import Path

import time_machine

from tests.browser.conftest import look, sign_in
from tests.opendata.test_oc4ids import TODAY, a_county, problems_of


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
        page.click("text=OC4IDS格式导出")
        assert page.locator("h1").inner_text().startswith("开放数据（OC4IDS）")
        assert "包抓领导、服务专员等人员姓名" in page.locator("#not-published").inner_text()
        # No prefix registered yet (OC4IDS_ID_PREFIX unset): the page says so and what the file
        # uses instead, with no placeholder that looks like a value.
        prefix = page.locator("#setting-prefix").inner_text()
        assert prefix.startswith("未设置（OC4IDS_ID_PREFIX）：下载的文件以项目代码作项目编号")
        assert "urn:uuid:" in page.locator("#setting-published-at").inner_text()

        page.select_option("#opendata-year", "2024")
        page.click("form.period button[type=submit]")
        assert "2024年：2个项目" in page.locator("#download h2").inner_text()
        assert "1个项目的行业类别对应不到标准行业代码" in page.locator("#unmapped").inner_text()
        look(page, "opendata")

        first = download(page)
        page.reload()
        second = download(page)

    assert problems_of(first) == []
    assert [p["title"] for p in first["projects"]] == ["营盘公路改造工程", "县城东片区综合开发项目"]
    assert {**first, "publishedDate": None} == {**second, "publishedDate": None}
    assert first["projects"][0]["id"] in prefix  # the example the page gave is the file's id
    assert tab.problems == []
