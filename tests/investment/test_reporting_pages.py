"""The monthly reporting pages: a unit's batch entry and the office's review, end to end."""

from decimal import Decimal

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from investment import services
from investment.models import MonthlyReport
from projects.models import AnnualPlan, Unit, User
from tests.workbooks import PROJECT_HEADERS, a_portfolio, code, load

Status = MonthlyReport.Status


def a_unit_with_two_projects() -> dict:
    load(
        {
            "项目台账": [
                PROJECT_HEADERS,
                [
                    code(1),
                    "城关污水处理厂",
                    "县住建局",
                    "市重点",
                    "新建",
                    1000,
                    2024,
                    500,
                    "2024-02-01",
                ],
                [code(2), "城关保障房", "县住建局", "县重点", "新建", 800, 2024, 300, "2024-02-01"],
                [code(3), "营盘公路改建", "营盘镇", "县重点", "续建", 800, 2024, 300, None],
            ]
        }
    )
    return {
        "reporter": User.objects.create_user(
            "reporter", role=User.Role.REPORTER, unit=Unit.objects.get(name="县住建局")
        ),
        "officer": User.objects.create_user("office", role=User.Role.OFFICER),
        "leader": User.objects.create_user("leader", role=User.Role.LEADER),
    }


def entry(plans: list[AnnualPlan], amounts: list[str], action: str = "save", **extra) -> dict:
    data = {
        "form-TOTAL_FORMS": str(len(plans)),
        "form-INITIAL_FORMS": str(len(plans)),
        "action": action,
    }
    for index, (plan, amount) in enumerate(zip(plans, amounts, strict=True)):
        data[f"form-{index}-plan"] = str(plan.pk)
        data[f"form-{index}-amount"] = amount
        data[f"form-{index}-progress"] = "主体施工"
    data.update(extra)
    return data


def own_plans() -> list[AnnualPlan]:
    return list(AnnualPlan.objects.filter(project__unit__name="县住建局").order_by("project__code"))


URL = reverse("report_month", args=[2024, 3])


def test_a_reporter_saves_submits_and_after_a_return_resubmits(client):
    users = a_unit_with_two_projects()
    client.force_login(users["reporter"])

    page = client.get(URL).content.decode()
    assert "城关污水处理厂" in page and "营盘公路改建" not in page

    client.post(URL, entry(own_plans(), ["10", ""]))
    assert list(MonthlyReport.objects.values_list("amount", "status")) == [
        (Decimal(10), Status.DRAFT)
    ]

    client.post(URL, entry(own_plans(), ["12.5", "3"], action="submit"))
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {Status.SUBMITTED}

    client.force_login(users["officer"])
    first, second = MonthlyReport.objects.order_by("plan__project__code")
    client.post(reverse("report_return", args=[first.pk]), {"reason": "与统计数据不符"})
    client.post(reverse("report_approve", args=[second.pk]))
    first.refresh_from_db()
    assert (first.status, first.return_reason) == (Status.RETURNED, "与统计数据不符")

    client.force_login(users["reporter"])
    assert "与统计数据不符" in client.get(URL).content.decode()
    client.post(URL, entry(own_plans()[:1], ["11"], action="submit"))
    first.refresh_from_db()
    assert (first.status, first.amount) == (Status.SUBMITTED, Decimal(11))

    client.force_login(users["officer"])
    client.post(reverse("report_approve", args=[first.pk]))
    missing = [u.unit_id for u in services.units_not_reported(year=2024, month=3)]
    client.post(reverse("period_lock", args=[2024, 3]), {"confirm": missing})
    client.force_login(users["reporter"])
    response = client.post(URL, entry(own_plans()[:1], ["99"]), follow=True)
    assert "已锁定" in response.content.decode()
    first.refresh_from_db()
    assert (first.status, first.amount) == (Status.APPROVED, Decimal(11))


def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(client):
    users = a_unit_with_two_projects()
    client.force_login(users["reporter"])

    for amounts, message in (
        (["-1", "2"], "不能为负数"),
        (["abc", "2"], "请填写数字"),
        (["1.23456", "2"], "最多保留4位小数"),
    ):
        response = client.post(URL, entry(own_plans(), amounts))
        page = response.content.decode()
        assert message in page
        assert "未保存任何数据" in page
    huge = entry(own_plans(), ["1", "2"], **{"form-0-problems": "问" * 2001})
    assert "不超过2000字" in client.post(URL, huge).content.decode()
    assert MonthlyReport.objects.count() == 0


def test_a_reporter_cannot_report_for_another_unit_by_changing_the_hidden_id(client):
    users = a_unit_with_two_projects()
    client.force_login(users["reporter"])
    other = AnnualPlan.objects.get(project__code=code(3))

    response = client.post(URL, entry([other], ["5"]))

    assert response.status_code == 404
    assert MonthlyReport.objects.count() == 0


def test_a_reporter_cannot_review_and_a_leader_cannot_write(client):
    users = a_unit_with_two_projects()
    client.force_login(users["reporter"])
    client.post(URL, entry(own_plans(), ["1", "2"], action="submit"))
    report = MonthlyReport.objects.first()

    assert client.post(reverse("report_approve", args=[report.pk])).status_code == 403
    client.force_login(users["leader"])
    assert client.post(reverse("period_lock", args=[2024, 3])).status_code == 403
    assert client.post(URL + "?unit=1", entry(own_plans(), ["1", "2"])).status_code == 403


def test_the_entry_page_query_count_does_not_grow_with_the_units_projects(client):
    load(a_portfolio(7, 2024))  # unit 单位1 gets 1 project
    load(a_portfolio(140, 2025))  # … and 20 here
    unit = Unit.objects.get(name="单位1")
    client.force_login(User.objects.create_user("r", role=User.Role.REPORTER, unit=unit))

    def count(year: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("report_month", args=[year, 1])).status_code == 200
        return len(queries)

    assert count(2024) == count(2025)


def test_the_review_shows_cumulative_figures_and_filters_by_unit(client):
    users = a_unit_with_two_projects()
    client.force_login(users["reporter"])
    client.post(
        reverse("report_month", args=[2024, 2]), entry(own_plans(), ["100", "30"], action="submit")
    )
    client.post(URL, entry(own_plans(), ["50", "30"], action="submit"))
    client.force_login(users["officer"])

    page = client.get(reverse("review_month", args=[2024, 3])).content.decode()
    assert "150.00" in page  # 100 in February + 50 in March
    assert "30.0%" in page  # 150 of 500

    other = Unit.objects.get(name="营盘镇")
    page = client.get(reverse("review_month", args=[2024, 3]), {"unit": other.pk}).content.decode()
    assert "城关污水处理厂" not in page


def test_the_review_query_count_does_not_grow_with_the_reports(client):
    load(a_portfolio(10, 2024))
    load(a_portfolio(200, 2025))
    MonthlyReport.objects.update(status=Status.SUBMITTED)
    client.force_login(User.objects.create_user("office", role=User.Role.OFFICER))

    def count(year: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("review_month", args=[year, 1])).status_code == 200
        return len(queries)

    assert count(2024) == count(2025)


def test_the_office_approves_the_ticked_reports_or_every_one_listed(client):
    users = a_unit_with_two_projects()
    client.force_login(users["reporter"])
    client.post(URL, entry(own_plans(), ["50", "30"], action="submit"))
    first, second = MonthlyReport.objects.order_by("plan__project__code")
    client.force_login(users["officer"])
    review = reverse("review_month", args=[2024, 3])
    approve = reverse("reports_approve", args=[2024, 3])

    page = client.get(review).content.decode()
    assert "全部通过（本页2份已报送）" in page

    response = client.post(approve, {"report": [first.pk], "shown": [first.pk, second.pk]})
    assert response["Location"] == review
    assert [r.status for r in MonthlyReport.objects.order_by("plan__project__code")] == [
        Status.APPROVED,
        Status.SUBMITTED,
    ]

    response = client.post(approve, {"scope": "all", "shown": [first.pk, second.pk]}, follow=True)
    assert "以下报表的状态已有变化：城关污水处理厂。未审核任何报表" in response.content.decode()
    assert MonthlyReport.objects.get(pk=second.pk).status == Status.SUBMITTED

    response = client.post(approve, {"scope": "all", "shown": [second.pk]}, follow=True)
    assert "已审核通过1份报表" in response.content.decode()
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {Status.APPROVED}
    assert MonthlyReport.objects.get(pk=second.pk).reviewed_by == users["officer"]


def test_approving_nothing_or_a_forged_id_is_explained_and_changes_nothing(client):
    users = a_unit_with_two_projects()
    client.force_login(users["reporter"])
    client.post(URL, entry(own_plans(), ["50", "30"], action="submit"))
    client.force_login(users["officer"])
    approve = reverse("reports_approve", args=[2024, 3])

    for data, message in [
        ({}, "请先勾选要审核通过的报表"),
        ({"report": ["abc"]}, "所选报表有误"),
        ({"report": [999999]}, "有的已不存在或不属于本月"),
    ]:
        page = client.post(approve, data, follow=True).content.decode()
        assert message in page
    other_month = reverse("reports_approve", args=[2024, 4])
    page = client.post(other_month, {"report": [MonthlyReport.objects.first().pk]}, follow=True)
    assert "有的已不存在或不属于本月" in page.content.decode()
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {Status.SUBMITTED}


def test_the_review_tells_each_unit_how_many_reports_are_still_outstanding(client):
    users = a_unit_with_two_projects()  # 县住建局's two rows started in February; 营盘镇's not
    users["reporter"].phone = "13800000001"
    users["reporter"].first_name = "李填报"
    users["reporter"].save()
    client.force_login(users["reporter"])
    client.post(URL, entry(own_plans(), ["50", "30"], action="save"))  # two drafts
    client.post(URL, entry(own_plans()[:1], ["50"], action="submit"))
    client.force_login(users["officer"])

    with time_machine.travel("2024-04-06 09:00+08:00"):  # the 5th has passed
        response = client.get(reverse("review_month", args=[2024, 3]))
    status = {u.unit: u for u in response.context["by_unit"]}

    own = status["县住建局"]
    assert (own.expected, own.submitted, own.draft, own.missing, own.outstanding) == (2, 1, 1, 0, 1)
    assert own.reporters == ["李填报 13800000001"]
    assert "营盘镇" not in status  # not started: no report expected yet
    page = response.content.decode()
    assert "报送截止 2024年4月5日（已过截止时间）" in page
    assert '<strong class="behind">1</strong>' in page

    services.report_approve(
        report=MonthlyReport.objects.get(status=Status.SUBMITTED), user=users["officer"]
    )
    services.report_submit(
        report=MonthlyReport.objects.get(status=Status.DRAFT), user=users["reporter"]
    )
    client.force_login(users["officer"])  # the session above was used in 2024
    page = client.get(reverse("review_month", args=[2024, 3])).content.decode()
    assert "已报齐" in page


def test_an_amount_above_half_the_plan_is_saved_with_a_warning_and_flagged_for_review(client):
    users = a_unit_with_two_projects()  # plans of 500 and 300 万元
    client.force_login(users["reporter"])

    page = client.post(
        URL, entry(own_plans(), ["1250000", "30"], action="submit"), follow=True
    ).content.decode()

    assert "已报送2个项目的月报" in page
    assert "“城关污水处理厂”本月完成投资占年度计划的250000.0%，请核对金额单位是否为万元" in page
    client.force_login(users["officer"])
    review = client.get(reverse("review_month", args=[2024, 3])).content.decode()
    assert review.count(">请核对</span>") == 1


def test_the_entry_page_shows_each_projects_total_before_the_month(client):
    users = a_unit_with_two_projects()  # 城关污水处理厂 plans 500 万元
    client.force_login(users["reporter"])
    client.post(
        reverse("report_month", args=[2024, 2]), entry(own_plans(), ["100", "0"], action="submit")
    )
    client.post(reverse("report_month", args=[2024, 3]), entry(own_plans(), ["999", "0"]))  # draft

    page = client.get(reverse("report_month", args=[2024, 4])).content.decode()

    assert "4月以前累计(万元)" in page
    row = page.split(">城关污水处理厂</a>")[1].split("</tr>")[0]
    assert "100.00" in row and "20.0%" in row  # February's 100 of 500; March's draft not counted
