"""The project register and a project's sheet, through the real views."""

from decimal import Decimal

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from investment.models import YearSettings
from investment.services import reports as services
from projects.models import AnnualPlan, Project
from tests.builders import ledger
from tests.workbooks import a_portfolio, code, load


def two_units(cast) -> dict:
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "城关污水处理厂", "责任单位": "县住建局", "项目级别": "市重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2024, "年度计划投资(万元)": 500, "实际开(复)工日期": "2024-02-01"},
                {"项目代码": code(2), "项目名称": "营盘公路改建", "责任单位": "营盘镇", "项目级别": "县重点", "建设性质": "续建", "总投资(万元)": 800, "年度": 2024, "年度计划投资(万元)": 300},
            ],
            "月度投资": [{"项目代码": code(1), "年度": 2024, "月份": 2, "本月完成投资(万元)": 120}],
        }
    )  # fmt: skip
    return {
        "reporter": cast.reporter,
        "officer": cast.officer,
        "leader": cast.leader,
    }


def test_the_register_lists_the_years_plan_rows_and_filters_them(client, cast):
    users = two_units(cast)
    client.force_login(users["officer"])

    page = client.get(reverse("project_list"), {"year": 2024}).content.decode()
    assert "城关污水处理厂" in page and "营盘公路改建" in page

    page = client.get(reverse("project_list"), {"year": 2024, "level": "county"}).content.decode()
    assert "营盘公路改建" in page and "城关污水处理厂" not in page

    page = client.get(reverse("project_list"), {"year": 2024, "q": "污水"}).content.decode()
    assert "城关污水处理厂" in page and "营盘公路改建" not in page


def test_a_reporter_sees_only_their_own_units_projects(client, cast):
    users = two_units(cast)
    client.force_login(users["reporter"])

    page = client.get(reverse("project_list"), {"year": 2024}).content.decode()

    assert "城关污水处理厂" in page
    assert "营盘公路改建" not in page


def test_another_units_project_is_not_found_for_a_reporter(client, cast):
    users = two_units(cast)
    client.force_login(users["reporter"])
    other = Project.objects.get(code=code(2))

    assert client.get(reverse("project_detail", args=[other.pk])).status_code == 404


def test_a_projects_sheet_shows_its_plan_progress(client, cast):
    users = two_units(cast)
    client.force_login(users["leader"])
    project = Project.objects.get(code=code(1))

    page = client.get(reverse("project_detail", args=[project.pk])).content.decode()

    assert "城关污水处理厂" in page
    assert "24.0%" in page  # 120 of 500
    assert "2024年2月" in page


def test_a_projects_sheet_shows_who_sent_and_reviewed_each_report_and_which_came_late(client, cast):
    users = two_units(cast)
    YearSettings.objects.create(year=2024, due_day=10)
    plan = AnnualPlan.objects.get(project__code=code(1))
    reporter, officer = users["reporter"], users["officer"]

    def sent_on(day: str, month: int):
        with time_machine.travel(day):
            report = services.report_save(plan=plan, month=month, user=reporter, amount=Decimal(10))
            return services.report_submit(report=report, user=reporter)

    on_time = sent_on("2024-04-10 23:00+08:00", 3)  # the year's due day is the 10th
    late = sent_on("2024-05-11 09:00+08:00", 4)
    with time_machine.travel("2024-05-12 10:00+08:00"):
        services.report_approve(report=on_time, user=officer)
        services.report_return(report=late, user=officer, reason="形象进度与照片不符")
    client.force_login(officer)

    page = client.get(reverse("project_detail", args=[plan.project.pk])).content.decode()

    rows = {row.split("</td>")[0]: row for row in page.split('<tr><td class="short">')[1:]}
    assert "2024-04-10 23:00 李娟" in rows["2024年3月"]
    assert "逾期报送" not in rows["2024年3月"] and "已审核" in rows["2024年3月"]
    assert "2024-05-11 09:00 李娟" in rows["2024年4月"] and "逾期报送" in rows["2024年4月"]
    assert "2024-05-12 10:00 王科长" in rows["2024年4月"]
    assert "退回：形象进度与照片不符" in rows["2024年4月"]
    assert "台账导入" in rows["2024年2月"]

    officer.delete()  # the reviewer's account goes; the review stays, without a name
    page = client.get(reverse("project_detail", args=[plan.project.pk]))
    assert page.status_code == 302  # signed out with the account; the leader still reads it
    client.force_login(users["leader"])
    page = client.get(reverse("project_detail", args=[plan.project.pk])).content.decode()
    assert "2024-05-12 10:00" in page and "王科长" not in page


def test_the_register_query_count_does_not_grow_with_the_portfolio(client, cast):
    load(a_portfolio(10, 2024))
    load(a_portfolio(200, 2025))
    client.force_login(cast.officer)

    def count(year: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("project_list"), {"year": year}).status_code == 200
        return len(queries)

    assert count(2024) == count(2025)
