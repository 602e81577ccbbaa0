"""A unit records its 招商 in a browser: 县住建局's reporter records an outbound visit that
signed one of its projects and a reception of investors, opens the visit again and saves it
unchanged (twice: nothing changes), and sees only their own unit's records; the office sees
every unit's, reads the figures of the month that is due (opened unasked, then asked again
as shown), and downloads the monthly briefing whose section
(五) reads them (the PDF's text through pdftotext)."""

import re
import subprocess
from datetime import date

import time_machine

from projects.models import Project, Unit
from promotion.models import Activity
from tests.browser.conftest import look, sign_in
from tests.promotion.helpers import visit
from tests.workbooks import PROJECT_HEADERS, REPORT_HEADERS, code, load


def a_county_reported_through_october() -> None:
    """Three 2026 projects (two of 县住建局, one of 营盘镇), reported January–October; 营盘镇
    went out to 招商 once in October."""
    projects = [
        [code(1, 2026), "城关污水处理厂", "县住建局", "县重点", "新建", 1000, 2026, 500, "2026-01-05"],
        [code(2, 2026), "城关保障房", "县住建局", "县重点", "新建", 800, 2026, 300, "2026-01-05"],
        [code(3, 2026), "营盘公路改建", "营盘镇", "县重点", "新建", 800, 2026, 300, "2026-01-05"],
    ]  # fmt: skip
    reports = [[row[0], 2026, month, 20] for row in projects for month in range(1, 11)]
    load({"项目台账": [PROJECT_HEADERS, *projects], "月度投资": [REPORT_HEADERS, *reports]})


def pdftotext(path: str) -> str:
    """The PDF's words as poppler's pdftotext reads them, line breaks and spaces gone."""
    text = subprocess.run(["pdftotext", path, "-"], check=True, capture_output=True, text=True)
    return re.sub(r"\s+", "", text.stdout)


def saved(page) -> str:
    return page.locator(".messages .success").inner_text()


def test_a_unit_records_a_visit_and_a_signing_and_the_briefing_reads_them(tab, cast):
    a_county_reported_through_october()
    plant = Project.objects.get(code=code(1, 2026))
    township = Unit.objects.get(name="营盘镇")
    page = tab.page
    with time_machine.travel("2026-11-20 10:00+08:00", tick=True):
        visit(
            cast.officer,
            township,
            date(2026, 10, 9),
            led_by="township",
            counterpart="绿源现代农业发展有限公司",
        )

        sign_in(tab, cast.reporter)  # 县住建局's
        page.goto("/")
        page.click("nav >> text=招商引资")
        page.click("[data-action='promotion.create']")
        page.fill("input[name=held_on]", "2026-10-15")
        page.check("input[name=kind][value=visit]")
        page.check("input[name=led_by][value=department]")
        page.fill("input[name=counterpart]", "华秦新材料科技有限公司")
        page.fill("input[name=place]", "西安")
        page.fill("textarea[name=outcome]", "签订污水处理厂二期投资协议\n约定年内开工")
        page.check(f"input[name=projects][value='{plant.pk}']")
        look(page, "promotion-form")
        page.click("main button[type=submit]")
        assert saved(page) == "招商引资活动已保存。"
        assert "城关污水处理厂" in page.locator("#signed").inner_text()
        visit_url = page.url
        look(page, "promotion-detail")

        page.goto("/promotion/new/")
        page.fill("input[name=held_on]", "2026-10-20")
        page.check("input[name=kind][value=reception]")
        page.fill("input[name=counterpart]", "长三角企业家考察团")
        page.fill("input[name=batches]", "1")
        page.fill("input[name=people]", "6")
        page.click("main button[type=submit]")
        assert saved(page) == "招商引资活动已保存。"

        recorded = Activity.objects.get(counterpart="华秦新材料科技有限公司")
        for _ in range(2):  # opened again and saved as shown: nothing changes
            page.goto(visit_url)
            page.click("[data-action='promotion.edit']")
            page.click("main button[type=submit]")
            assert saved(page) == "招商引资活动没有改动，未保存新版本。"
        recorded.refresh_from_db()
        assert (recorded.version, recorded.history.count()) == (1, 1)
        assert recorded.outcome == "签订污水处理厂二期投资协议\n约定年内开工"
        assert list(recorded.projects.all()) == [plant]

        page.goto("/promotion/")
        listed = page.locator("main table tbody").inner_text()
        assert "华秦新材料科技有限公司" in listed and "长三角企业家考察团" in listed
        assert "绿源现代农业发展有限公司" not in listed  # 营盘镇's
        look(page, "promotion-list-reporter")

        sign_in(tab, cast.officer)
        page.goto("/promotion/")
        assert "绿源现代农业发展有限公司" in page.locator("main table tbody").inner_text()
        # 招商统计 opens at the month that is due (October on 20 November), as the briefing does;
        # asked again with its form as shown, it says the same.
        page.click(".subnav >> text=招商统计")
        for _ in range(2):
            assert "2026年10月" in page.locator("h1").inner_text()
            figures = page.locator("#promotion-figures").inner_text()
            assert "县级领导带队0次 · 部门牵头1次 · 镇办牵头1次" in figures
            assert re.sub(r"\s+", "", figures).startswith("外出招商2次")
            to_date = re.sub(r"\s+", "", page.locator("#year-to-date").inner_text())
            assert to_date.startswith("2026年以来（截至10月31日）：外出招商2次")
            page.click("form.filters button[type=submit]")
        assert "kind=month&year=2026&month=10" in page.url
        look(page, "promotion-figures")

        page.goto("/briefing/?kind=month&year=2026&month=10")
        acknowledge = page.locator("input[name=acknowledged]")
        if acknowledge.count():
            acknowledge.check()
        with page.expect_download() as download:
            page.click("#download .primary, #download a.primary-link")
        text = pdftotext(download.value.path())

    section = text.split("（五）全力以赴招商引资")[1].split("二、存在问题")[0]
    section = re.sub(r"第\d+页/共\d+页.*?数据截至\d+年\d+月\d+日", "", section)  # a page break
    assert section == (
        "2026年以来（截至10月底），全县各镇（办）各部门开展外出招商活动2次，其中县级领导带队0次，"
        "部门牵头1次，镇办牵头1次；共接待外地客商1批次共计6人来我县进行实地考察与项目洽谈；"
        "通过招商活动签约项目1个，总投资1,000万元。其中本月外出招商2次，接待客商1批次6人，签约项目1个。"
    )
    assert not re.search("xx", text, re.IGNORECASE)
    assert tab.problems == []
