"""年度计划 rows in a browser: a unit records its project's start and the office edits a row
from the project page, the dashboard's 开复工率 moving at once; the office replaces a project
that cannot start (替换) and it leaves the year's figures. Each is done a second time: saved
unchanged, nothing changes; replaced again, refused."""

from datetime import date
from decimal import Decimal

from projects.models import AnnualPlan, Level, Project
from tests.browser.conftest import sign_in
from tests.builders import ledger
from tests.workbooks import code

HEADERS = ["项目代码", "项目名称", "责任单位", "项目级别", "建设性质", "总投资(万元)", "年度",
           "年度计划投资(万元)", "计划开工日期", "实际开(复)工日期"]  # fmt: skip
DASHBOARD = "/?year=2026&month=10"
LAG_LIST = "/warnings/?year=2026&month=10"


def a_county(cast) -> dict:
    """October 2026: 城关污水处理厂 (县住建局) was to start in March and has not; 城关保障房
    (县住建局) started in February; 营盘冷链物流园 (营盘镇) has not started; 农产品加工园
    (县住建局) is on no 2026 list."""
    ledger(
        {
            "项目台账": [
                HEADERS,
                [code(1), "城关污水处理厂", "县住建局", "县重点", "新建", 1000, 2026, 500,
                 "2026-03-01", None],
                [code(2), "城关保障房", "县住建局", "县重点", "新建", 800, 2026, 300,
                 None, "2026-02-01"],
                [code(3), "营盘冷链物流园", "营盘镇", "市重点", "新建", 1200, 2026, 400,
                 None, None],
                [code(4), "农产品加工园", "县住建局", "县重点", "新建", 1500, 2025, 200,
                 None, "2025-04-01"],
            ],
            "月度投资": [{"项目代码": code(2), "年度": 2026, "月份": 3, "本月完成投资(万元)": 120}],
        }
    )  # fmt: skip
    return {
        "office": cast.officer,
        "reporter": cast.reporter,
    }


def plan(serial: int) -> AnnualPlan:
    return AnnualPlan.objects.get(project__code=code(serial), year=2026)


def start_rate_on_the_dashboard(page) -> str:
    page.goto(DASHBOARD)
    return page.locator(".kpi:has-text('已开复工') .note").inner_text()


def open_the_plan_form(page, serial: int, link: str) -> None:
    page.goto(f"/projects/{Project.objects.get(code=code(serial)).pk}/")
    page.click(f"table tr:has-text('2026') a:has-text('{link}')")
    page.wait_for_url("**/plans/2026/edit/")


def save(page) -> None:
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("main .error").all_inner_texts() == []


def test_a_reporter_records_a_start_and_the_start_rate_moves_at_once(tab, cast):
    people = a_county(cast)
    sign_in(tab, people["reporter"])
    page = tab.page
    assert start_rate_on_the_dashboard(page) == "开复工率50.0%"  # the unit's two projects

    open_the_plan_form(page, 1, "填报开工")
    assert page.locator("input[name=planned_investment]").count() == 0  # the office's
    page.fill("input[name=actual_start]", "2026-05-08")
    page.fill("input[name=statistics_date]", "2026-06-15")
    save(page)
    assert "已保存" in page.locator(".messages").inner_text()
    assert (plan(1).actual_start, plan(1).statistics_date) == (date(2026, 5, 8), date(2026, 6, 15))
    assert start_rate_on_the_dashboard(page) == "开复工率100.0%"

    # The second time: opened and saved unchanged, nothing is written.
    before = (plan(1).version, plan(1).history.count())
    open_the_plan_form(page, 1, "填报开工")
    assert page.input_value("input[name=actual_start]") == "2026-05-08"
    save(page)
    assert (plan(1).version, plan(1).history.count()) == before
    assert plan(1).actual_start == date(2026, 5, 8)
    assert start_rate_on_the_dashboard(page) == "开复工率100.0%"
    assert tab.problems == []


def test_the_office_edits_a_plan_row_and_a_second_save_changes_nothing(tab, cast):
    people = a_county(cast)
    sign_in(tab, people["office"])
    page = tab.page

    open_the_plan_form(page, 3, "修改")
    page.select_option("select[name=level]", label="省重点")
    page.fill("input[name=planned_investment]", "450.5")
    page.fill("input[name=actual_start]", "2026-12-31")  # a typo: after today
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "不能晚于今天" in page.locator("main .error").inner_text()
    assert plan(3).actual_start is None  # nothing half-written
    page.fill("input[name=actual_start]", "2026-04-20")
    save(page)
    row = plan(3)
    assert (row.level, row.planned_investment, row.actual_start) == (
        Level.PROVINCIAL,
        Decimal("450.5"),
        date(2026, 4, 20),
    )
    assert start_rate_on_the_dashboard(page) == "开复工率66.7%"

    before = (row.version, row.history.count())
    open_the_plan_form(page, 3, "修改")
    assert page.input_value("input[name=planned_investment]") == "450.5"
    save(page)
    row.refresh_from_db()
    assert (row.version, row.history.count()) == before
    assert (row.level, row.planned_investment, row.actual_start) == (
        Level.PROVINCIAL,
        Decimal("450.5"),
        date(2026, 4, 20),
    )
    assert tab.problems == []


def test_the_office_replaces_a_project_that_cannot_start(tab, cast):
    people = a_county(cast)
    sign_in(tab, people["office"])
    page = tab.page
    page.goto(LAG_LIST)
    assert "城关污水处理厂" in page.locator("main").inner_text()
    page.goto(DASHBOARD)
    assert page.locator(".kpi:has-text('重点项目') .value").inner_text() == "3个"

    original = Project.objects.get(code=code(1))
    page.goto(f"/projects/{original.pk}/")
    page.click("a:has-text('替换项目')")
    page.fill("#picker-search-0", "农产品")  # 151 projects in a real county: typed, not scrolled
    assert "符合条件1个" in page.inner_text(".picker-count")
    taking = Project.objects.select_related("unit").get(code=code(4))
    page.select_option(
        "select[name=replacement]", label=f"农产品加工园（{code(4)}，{taking.unit}）"
    )
    assert page.input_value("select[name=year]") == "2026"
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "已替换为" in page.locator("h1").inner_text()
    assert "不计入2026年数字" in page.locator("main").inner_text()

    page.goto(LAG_LIST)
    assert "城关污水处理厂" not in page.locator("main").inner_text()  # no more 未按期开工
    page.goto(DASHBOARD)
    assert (
        page.locator(".kpi:has-text('重点项目') .value").inner_text() == "3个"
    )  # Z took its place
    assert start_rate_on_the_dashboard(page) == "开复工率33.3%"
    joined = plan(4)
    assert (joined.planned_investment, joined.replaced_by) == (Decimal(500), None)

    # The second time: the page offers no 替换, and the form sent again is refused.
    page.goto(f"/projects/{original.pk}/")
    assert page.locator("a:has-text('替换项目')").count() == 0
    page.goto(f"/projects/{original.pk}/replace/")
    page.select_option("select[name=replacement]", value=str(Project.objects.get(code=code(2)).pk))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "不能再次替换" in page.locator("main").inner_text()
    assert plan(1).replaced_by == Project.objects.get(code=code(4))
    assert AnnualPlan.objects.filter(year=2026, replaced_by__isnull=True).count() == 3
    assert tab.problems == []
