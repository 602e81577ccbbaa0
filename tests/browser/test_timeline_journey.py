"""A leader on a phone (390 px) opens 节点作战图 from the menu (挂图作战's tab), keeps the lagging
projects (each naming its reasons), scrolls the chart sideways inside its box (the page itself
does not move; the project names stay in view while the months scroll), and downloads the A3 wall chart; then narrows it to one unit and downloads it again: each PDF is A3 landscape and names
the projects it was asked for."""

import io
import os
from pathlib import Path

import time_machine
from pypdf import PdfReader

from tests.browser.conftest import PHONE, look, sign_in
from tests.investment.test_briefing import pdf_text
from tests.investment.test_timeline import A3_LANDSCAPE, a_bridge_and_a_school
from tests.workbooks import PROJECT_HEADERS, code, load

SHOTS = os.environ.get("SHOTS", "")


def a_county() -> None:
    """城关大桥 (two milestones overdue at the end of June) and 城关中学 of the small county, and
    营盘敬老院, not due to start until 2027 (not lagging, no milestones)."""
    a_bridge_and_a_school()
    load(
        {
            "项目台账": [
                [*PROJECT_HEADERS, "计划开工日期"],
                [code(3, 2026), "营盘敬老院", "营盘镇", "县重点", "新建", 300, 2026, 100, None,
                 "2027-03-01"],
            ]
        }
    )  # fmt: skip


def keep(name: str, data: bytes) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        (Path(SHOTS) / name).write_bytes(data)


def download(page) -> bytes:
    with page.expect_download() as event:
        page.get_by_role("button", name="下载A3作战图").click()
    assert event.value.suggested_filename == "2026年6月节点作战图.pdf"
    return Path(event.value.path()).read_bytes()


def scrolled(page, box) -> int:
    """How far the box has scrolled once the wheel's scrolling has run (it is not instant)."""
    for _ in range(40):
        left = box.evaluate("b => b.scrollLeft")
        if left:
            return left
        page.wait_for_timeout(50)
    return 0


def a3_landscape(data: bytes) -> bool:
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return (round(float(box.width), 2), round(float(box.height), 2)) == A3_LANDSCAPE


def test_a_leader_opens_the_lagging_projects_node_timeline_on_a_phone_and_downloads_it(tab, cast):
    a_county()
    page = tab.page
    page.set_viewport_size(PHONE)
    with time_machine.travel("2026-07-10 10:00+08:00", tick=True):  # June is the period due
        sign_in(tab, cast.leader)
        page.goto("/")
        page.get_by_role("navigation").get_by_role("link", name="挂图作战").click()
        page.locator(".subnav").get_by_role("link", name="节点作战图").click()
        assert page.locator("h1").inner_text().startswith("节点作战图")
        assert "截至6月底 · 3个项目" in page.locator("h1").inner_text()

        page.select_option("select[name=scope]", "lagging")
        page.get_by_role("button", name="查看").click()
        labels = page.locator(".timeline-chart .row-label title").all_text_contents()
        assert "城关大桥" in labels and "营盘敬老院" not in labels  # not due to start: not lagging
        notes = page.locator(".timeline-chart .row-note").all_text_contents()
        assert len(notes) == len(labels) and all("预警：" in note for note in notes)  # reasons
        look(page, "timeline-lagging")  # the page fits the phone's width

        box = page.locator(".timeline-scroll")
        assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # the chart is wider …
        names = page.locator(".timeline-pin")
        before = names.bounding_box()
        box.hover()
        page.mouse.wheel(600, 0)
        assert scrolled(page, box) > 0
        # … the months move under the project names, which stay where they were, in view
        assert names.bounding_box() == before
        first_name, frame = page.locator(".row-label").first.bounding_box(), box.bounding_box()
        assert frame["x"] <= first_name["x"] < frame["x"] + frame["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
        assert page.evaluate("window.scrollX") == 0  # … and scrolls inside its box alone
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/timeline-scrolled-390.png", full_page=True)

        lagging = download(page)
        page.select_option("select[name=unit]", label="县交通局")
        page.get_by_role("button", name="查看").click()
        assert page.locator(".timeline-chart .row-label title").all_text_contents() == ["城关大桥"]
        (note,) = page.locator(".timeline-chart .row-note").all_text_contents()
        assert "节点逾期" in note  # its reasons again, as 滞后预警 gives them
        one_unit = download(page)

    keep("timeline-lagging.pdf", lagging)
    keep("timeline-one-unit.pdf", one_unit)
    assert a3_landscape(lagging) and a3_landscape(one_unit)
    text = pdf_text(lagging)
    assert "截至6月底·全部单位·滞后项目" in text and "城关大桥" in text
    assert "营盘敬老院" not in text
    assert "截至6月底·县交通局·滞后项目·1个项目" in pdf_text(one_unit)
    assert tab.problems == []
