"""The supervisor's journey in a browser: a finding given to the wrong unit, found through the
project picker, moved to the right unit, which then sees it on 我的待办 while the wrong unit no
longer does; and the pages a phone opens (390 px) never scroll sideways."""

import re
from datetime import date

import pytest

from projects.models import Project, Unit
from supervision.models import Finding
from supervision.services import finding_create
from tests.browser.conftest import sign_in
from tests.workbooks import a_small_county, code

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def county(cast):
    a_small_county(reports=[[code(n), 2024, month, 40] for n in (1, 2, 3) for month in (1, 2, 3)])
    housing, township = Unit.objects.get(name="县住建局"), Unit.objects.get(name="营盘镇")
    return {
        "housing": housing,
        "township": township,
        "supervisor": cast.supervisor,
        "housing_reporter": cast.reporter,
        "township_reporter": cast.other_reporter,
    }


def visible_options(page, selector: str) -> list[str]:
    return page.locator(selector).evaluate(
        "select => Array.from(select.options).filter(o => o.value && !o.hidden).map(o => o.text)"
    )


def findings_todo(page):
    return page.locator("section.todo a", has_text="待整改答复的督查问题")


def test_the_supervisor_moves_a_finding_to_the_right_unit_which_then_sees_it(tab, county):
    page = tab.page
    road = Project.objects.get(name="营盘公路改建")
    sign_in(tab, county["supervisor"])

    # 交办 to 县住建局 (the wrong unit): the project list follows the unit chosen.
    page.goto("/supervision/findings/new/")
    page.select_option("#id_unit", label="县住建局")
    assert [name.split("（")[0] for name in visible_options(page, "#id_project")] == [
        "城关污水处理厂",
        "城关保障房",
    ]
    # The road is 营盘镇's: widen the list to every unit and type part of its name.
    page.select_option("#picker-unit-0", value="")
    page.fill("#picker-search-0", "公路")
    assert visible_options(page, "#id_project") == [f"营盘公路改建（{road.code}，营盘镇）"]
    assert "符合条件1个，共3个项目" in page.inner_text(".picker-count")
    page.select_option("#id_project", value=str(road.pk))
    page.fill("#id_description", "公路沿线征迁未完成，影响路基施工")
    page.select_option("#id_category", label="征迁")
    page.fill("#id_found_on", "2026-11-20")
    page.select_option("#id_clock", value="ordinary")
    page.click("button:text-is('交办')")
    page.wait_for_url(re.compile(r"/supervision/findings/\d+/$"))
    finding = Finding.objects.get()
    assert (finding.unit, finding.project) == (county["housing"], road)

    # The wrong unit's reporter has it on 我的待办.
    sign_in(tab, county["housing_reporter"])
    page.goto("/")
    assert findings_todo(page).count() == 1

    # 转交 to 营盘镇 with the reason; the history says so. Until 营盘镇 answers, the move
    # stays on offer (to any other unit).
    sign_in(tab, county["supervisor"])
    page.goto(f"/supervision/findings/{finding.pk}/")
    page.select_option("#id_unit", label="营盘镇")
    page.fill("#id_reason", "该路段征迁由营盘镇负责")
    page.click("button:text-is('转交')")
    page.wait_for_selector(".messages")
    assert "问题已转交营盘镇" in page.inner_text(".messages")
    assert "由县住建局转交营盘镇。原因：该路段征迁由营盘镇负责" in page.inner_text("table")
    assert "营盘镇" not in page.locator("form[action$='/move/'] select").inner_text()
    finding.refresh_from_db()
    assert finding.unit == county["township"]

    # The right unit's reporter: 我的待办 links to the list of their findings to answer.
    sign_in(tab, county["township_reporter"])
    page.goto("/")
    link = findings_todo(page)
    assert link.locator("xpath=..").locator("strong").inner_text() == "1"
    link.click()
    page.wait_for_url(re.compile(r"/supervision/\?status=waiting$"))
    assert "公路沿线征迁未完成" in page.inner_text("table")
    assert page.locator("select[name=status]").input_value() == "waiting"

    # The wrong unit's reporter no longer sees it anywhere.
    sign_in(tab, county["housing_reporter"])
    page.goto("/")
    assert findings_todo(page).count() == 0
    page.goto("/supervision/?status=waiting")
    assert "公路沿线征迁未完成" not in page.inner_text("main")
    assert tab.problems == []
    response = page.goto(f"/supervision/findings/{finding.pk}/")
    assert response.status == 404
    assert "页面不存在，或不在您的查看范围内" in page.inner_text("main")
    assert page.locator("a[data-back]").is_visible()  # 返回上一页: there is a page to go back to
    # Chromium logs the 404 of the page itself; nothing else may fail on the error page.
    assert [p for p in tab.problems if "status of 404" not in p] == []


def test_on_a_phone_the_dashboard_project_and_finding_pages_fit_the_screen(tab, county):
    road = Project.objects.get(name="营盘公路改建")
    finding = finding_create(
        user=county["supervisor"],
        unit=county["township"],
        project=road,
        description="公路沿线征迁未完成，影响路基施工；涉及农户十二户，需镇村两级协调，限期完成征迁补偿",
        found_on=date(2026, 11, 20),
        today=date(2026, 11, 20),
        clock="ordinary",
    )
    page = tab.page
    page.set_viewport_size(PHONE)
    pages = ["/?year=2024&month=3", f"/projects/{road.pk}/", f"/supervision/findings/{finding.pk}/"]
    for user in (county["supervisor"], county["township_reporter"]):
        sign_in(tab, user)
        for url in pages:
            response = page.goto(url)
            assert response.status == 200, (user, url)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], (user.username, url, width)
    assert tab.problems == []
