"""A leader's month in a browser: the dashboard opens at the period that is due and says how
complete it is; a quarterly briefing whose reports are not all in is downloaded only after
confirming, and the PDF says so too."""

import os
from pathlib import Path

import time_machine

from tests.browser.conftest import sign_in
from tests.investment.test_briefing import pdf_text
from tests.workbooks import PROJECT_HEADERS, REPORT_HEADERS, code, load

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")  # e.g. /tmp/shots: keep what the leader saw


def a_county_missing_one_september_report() -> None:
    """Three 2026 projects started in January, reported January–October from the ledger,
    except 营盘镇's September."""
    projects = [
        [code(1, 2026), "城关污水处理厂", "县住建局", "县重点", "新建", 1000, 2026, 500, "2026-01-05"],
        [code(2, 2026), "城关保障房", "县住建局", "县重点", "新建", 800, 2026, 300, "2026-01-05"],
        [code(3, 2026), "营盘公路改建", "营盘镇", "县重点", "新建", 800, 2026, 300, "2026-01-05"],
    ]  # fmt: skip
    reports = [
        [row[0], 2026, month, 20]
        for row in projects
        for month in range(1, 11)
        if not (row[1] == "营盘公路改建" and month == 9)
    ]
    load({"项目台账": [PROJECT_HEADERS, *projects], "月度投资": [REPORT_HEADERS, *reports]})


def shot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_a_leader_downloads_a_quarterly_briefing_that_states_what_is_not_in_yet(tab, cast):
    a_county_missing_one_september_report()
    leader = cast.leader
    page = tab.page
    # 2 December: November is not due until the 5th, so October is the period that is due.
    with time_machine.travel("2026-12-02 10:00+08:00", tick=True):
        sign_in(tab, leader)
        page.goto("/")
        assert page.locator("h1").inner_text() == "2026年1–10月重点项目建设情况"
        assert page.locator(".completeness").inner_text() == "10月报表应报3份，已全部报送。"
        shot(page, "leader-dashboard")

        page.goto("/briefing/")
        page.select_option("select[name=kind]", "quarter")
        assert page.locator("select[name=quarter]").input_value() == "3"  # the last quarter due
        page.click("form.filters button[type=submit]")
        assert "2026年三季度" in page.locator("h1").inner_text()
        warning = page.locator("#download .completeness.incomplete").inner_text()
        assert "9月报表应报3份、已报2份，1个单位未报" in warning
        shot(page, "leader-briefing-confirm")

        # The download waits for the confirmation: the box is required in the page …
        before = page.url
        page.click("#download button[type=submit]")
        assert page.url == before
        # … and on the server, for a link followed without it.
        page.goto("/briefing/pdf/?kind=quarter&year=2026&quarter=3")
        assert page.url.endswith("#download")
        assert "请确认已知悉本期数据不完整后再下载简报" in page.locator("body").inner_text()

        page.check("input[name=acknowledged]")
        with page.expect_download() as download:
            page.click("#download button[type=submit]")
        text = pdf_text(Path(download.value.path()).read_bytes())

    assert "2026年一季度" not in text and "2026年三季度全县重点项目建设情况的汇报" in text
    assert "本期数据不完整：9月报表应报3份、已报2份，1个单位未报" in text
    assert "截至9月底（9月报表应报3份、已报2份，1个单位未报），完成投资" in text
    assert tab.problems == []
