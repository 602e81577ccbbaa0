"""A unit records its project's 实际开(复)工日期: the project page then says 在建 and its
主体开工 is done that day, so it is no longer 节点逾期 (walk-through: it stayed 前期 and overdue);
a started project's 替换 is refused until the office says why."""

from projects.models import Milestone, Project
from tests.browser.conftest import sign_in
from tests.workbooks import code, load

HEADERS = ["项目代码", "项目名称", "责任单位", "项目级别", "建设性质", "总投资(万元)", "年度",
           "年度计划投资(万元)", "计划开工日期", "实际开(复)工日期"]  # fmt: skip


def test_recording_a_start_shows_construction_and_main_start_done(tab, cast):
    load(
        {
            "项目台账": [HEADERS, [code(1), "城关污水处理厂", "县住建局", "县重点", "新建",
                                   1000, 2026, 500, "2026-03-01", None]],
            "项目节点": [["项目代码", "节点名称", "计划完成日期", "节点类型"],
                         [code(1), "主体开工", "2026-04-10", "建设节点"]],
        }
    )  # fmt: skip
    project = Project.objects.get()
    sign_in(tab, cast.reporter)
    page = tab.page
    page.goto(f"/projects/{project.pk}/")
    assert "前期" in page.locator("dl").first.inner_text()

    page.click("table tr:has-text('2026') a:has-text('填报开工')")
    page.wait_for_url("**/plans/2026/edit/")
    page.fill("input[name=actual_start]", "2026-05-08")
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    assert "在建" in page.locator("dl").first.inner_text()
    milestone_row = page.locator("section:has(h2:has-text('项目节点')) tr:has-text('主体开工')")
    assert (
        "2026年5月8日" in milestone_row.inner_text() and "未完成" not in milestone_row.inner_text()
    )
    assert Milestone.objects.get().actual_date.isoformat() == "2026-05-08"

    # The second time: saved unchanged, the stage and the milestone stay as they are.
    versions = (Project.objects.get().version, Milestone.objects.get().version)
    page.click("table tr:has-text('2026') a:has-text('填报开工')")
    page.wait_for_url("**/plans/2026/edit/")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert (Project.objects.get().version, Milestone.objects.get().version) == versions
    assert tab.problems == []


def test_replacing_a_started_project_is_refused_until_the_office_says_why(tab, cast):
    load(
        {
            "项目台账": [
                HEADERS,
                [code(1), "城关污水处理厂", "县住建局", "县重点", "新建", 1000, 2026, 500,
                 "2026-03-01", "2026-03-05"],
                [code(2), "农产品加工园", "县住建局", "县重点", "新建", 1500, 2025, 200,
                 None, None],
            ]
        }
    )  # fmt: skip
    original = Project.objects.get(code=code(1))
    sign_in(tab, cast.officer)
    page = tab.page
    page.goto(f"/projects/{original.pk}/")
    page.click("a:has-text('替换项目')")
    assert "已于2026-03-05开(复)工" in page.locator("main").inner_text()
    page.fill("#picker-search-0", "农产品")
    page.select_option("select[name=replacement]", value=str(Project.objects.get(code=code(2)).pk))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "替换只用于确实无法开工的项目，未替换" in page.locator("main").inner_text()
    assert Project.objects.get(code=code(1)).stage == "construction"

    page.fill("textarea[name=reason]", "开工后规划调整停建，经县政府同意替换")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "已替换为" in page.locator("h1").inner_text()
    assert "开工后规划调整停建，经县政府同意替换" in page.locator("main").inner_text()
    assert tab.problems == []
