"""项目调整 as the office does it (DESIGN.md §3 Overruns): 总投资 raised twice on the edit form,
each time with its reason (refused once without one, then corrected and resent); the project on
the 超概算超工期 list; the briefing's paragraph; the form saved unchanged writes no revision."""

from pathlib import Path

import time_machine

from projects.models import Project, ProjectRevision
from tests.browser.conftest import look, sign_in
from tests.investment.test_briefing import pdf_text
from tests.workbooks import code, load

HEADERS = ["项目代码", "项目名称", "责任单位", "项目级别", "建设性质", "总投资(万元)", "年度",
           "年度计划投资(万元)", "计划开工日期", "计划竣工日期"]  # fmt: skip
PARAGRAPH = "超概算项目1个，合计1,200.00万元；超工期项目0个"


def raise_total(page, total: str, reason: str, number: str) -> None:
    page.click("a[data-action=project\\.edit]")
    page.wait_for_url("**/edit/")
    assert page.locator("#revision").is_hidden()  # nothing revised yet: not asked
    page.fill("input[name=total_investment]", total)
    assert page.locator("#revision").is_visible()  # the new 总投资 asks why
    page.fill("textarea[name=revision_reason]", reason)
    page.fill("input[name=approval_number]", number)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def test_the_office_raises_the_total_twice_and_the_overrun_reaches_the_briefing(tab, cast):
    load(
        {
            "项目台账": [HEADERS, [code(1), "城关污水处理厂", "县住建局", "县重点", "新建", 5000,
                                   2026, 1000, "2026-03-01", "2027-06-30"]],
        }
    )  # fmt: skip
    project = Project.objects.get()
    page = tab.page
    with time_machine.travel("2026-12-02 10:00+08:00", tick=True):
        sign_in(tab, cast.officer)
        page.goto(f"/projects/{project.pk}/")
        assert "暂无项目调整" in page.locator("#overrun").inner_text()

        # Without a reason the change is refused, saying why, and what was typed stays.
        page.click("a[data-action=project\\.edit]")
        page.fill("input[name=total_investment]", "5600")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert "请填写调整原因" in page.locator("#revision").inner_text()
        assert page.locator("input[name=total_investment]").input_value() == "5600"
        assert not ProjectRevision.objects.exists()
        page.fill("textarea[name=revision_reason]", "初步设计概算调整")
        page.fill("input[name=approval_number]", "县发改投资〔2026〕12号")
        with page.expect_navigation():
            page.click("main form button[type=submit]")

        raise_total(page, "6200", "地质条件变化，桩基工程量增加", "县发改投资〔2026〕27号")
        section = page.locator("#overrun").inner_text()
        assert "1,200.00 万元（24.0%）" in section
        assert "初步设计概算调整" in section and "县发改投资〔2026〕27号" in section
        look(page, "project-revisions")

        page.click("nav a:has-text('滞后预警')")
        page.click(".subnav a:has-text('超概算超工期')")
        assert PARAGRAPH in page.locator("#overrun-summary").inner_text()
        row = page.locator("table tr:has-text('城关污水处理厂')")
        assert "1,200.00" in row.inner_text() and "24.0%" in row.inner_text()
        look(page, "overrun-list")

        page.click("nav a:has-text('简报')")
        assert PARAGRAPH in page.locator("#overrun-line").inner_text()
        acknowledge = page.locator("#download input[name=acknowledged]")
        if acknowledge.count():
            acknowledge.check()
        with page.expect_download() as download:
            page.click("#download a.primary-link, #download button[type=submit]")
        # The briefing's prose writes whole 万元 below 1 亿元 (core.formatting.prose).
        assert PARAGRAPH.replace("1,200.00万元", "1,200万元") in pdf_text(
            Path(download.value.path()).read_bytes()
        )

        # Saved unchanged: no revision, no new version.
        version = Project.objects.get().version
        page.goto(f"/projects/{project.pk}/edit/")
        assert page.locator("#revision").is_hidden()
        with page.expect_navigation():
            page.click("main form button[type=submit]")

    assert ProjectRevision.objects.count() == 2
    assert Project.objects.get().version == version
    assert [r.reason for r in ProjectRevision.objects.order_by("pk")] == [
        "初步设计概算调整", "地质条件变化，桩基工程量增加",
    ]  # fmt: skip
    assert tab.problems == []
