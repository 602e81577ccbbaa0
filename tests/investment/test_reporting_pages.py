"""The monthly reporting pages: a unit's batch entry and the office's review, end to end."""

import io
from datetime import date
from decimal import Decimal

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from investment.models import MonthlyReport, QualityFlag
from investment.rules.periods import Period
from investment.selectors.portfolio import units_not_reported
from investment.selectors.todo import todos
from investment.services import reports as services
from projects.models import AnnualPlan, Unit
from tests.builders import ledger
from tests.workbooks import a_portfolio, code, load

Status = MonthlyReport.Status


def a_unit_with_two_projects(cast) -> dict:
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "城关污水处理厂", "责任单位": "县住建局", "项目级别": "市重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2024, "年度计划投资(万元)": 500, "实际开(复)工日期": "2024-02-01"},
                {"项目代码": code(2), "项目名称": "城关保障房", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 800, "年度": 2024, "年度计划投资(万元)": 300, "实际开(复)工日期": "2024-02-01"},
                {"项目代码": code(3), "项目名称": "营盘公路改建", "责任单位": "营盘镇", "项目级别": "县重点", "建设性质": "续建", "总投资(万元)": 800, "年度": 2024, "年度计划投资(万元)": 300},
            ]
        }
    )  # fmt: skip
    return {
        "reporter": cast.reporter,
        "officer": cast.officer,
        "leader": cast.leader,
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
        data[f"form-{index}-progress"] = "主体施工" if amount else ""
    data.update(extra)
    return data


def own_plans() -> list[AnnualPlan]:
    return list(AnnualPlan.objects.filter(project__unit__name="县住建局").order_by("project__code"))


URL = reverse("report_month", args=[2024, 3])


def test_a_reporter_saves_submits_and_after_a_return_resubmits(client, cast):
    users = a_unit_with_two_projects(cast)
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
    missing = [u.unit_id for u in units_not_reported(year=2024, month=3)]
    client.post(reverse("period_lock", args=[2024, 3]), {"confirm": missing})
    client.force_login(users["reporter"])
    response = client.post(URL, entry(own_plans()[:1], ["99"]), follow=True)
    assert "已锁定" in response.content.decode()
    first.refresh_from_db()
    assert (first.status, first.amount) == (Status.APPROVED, Decimal(11))


def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(client, cast):
    users = a_unit_with_two_projects(cast)
    client.force_login(users["reporter"])

    for amounts, message in (
        (["-1", "2"], "不能为负数"),
        (["abc", "2"], "请填写数字"),
        (["1.23456", "2"], "最多保留4位小数"),
    ):
        response = client.post(URL, entry(own_plans(), amounts))
        page = response.content.decode()
        assert message in page
        assert f"有填写错误（“城关污水处理厂”本月完成投资(万元)：{message}" in page
        assert "未保存任何数据" in page
    huge = entry(own_plans(), ["1", "2"], **{"form-0-problems": "问" * 2001})
    assert "不超过2000字" in client.post(URL, huge).content.decode()
    assert MonthlyReport.objects.count() == 0


def test_a_reporter_cannot_report_for_another_unit_by_changing_the_hidden_id(client, cast):
    users = a_unit_with_two_projects(cast)
    client.force_login(users["reporter"])
    other = AnnualPlan.objects.get(project__code=code(3))

    response = client.post(URL, entry([other], ["5"]))

    assert response.status_code == 404
    assert MonthlyReport.objects.count() == 0


def test_a_reporter_cannot_review_and_a_leader_cannot_write(client, cast):
    users = a_unit_with_two_projects(cast)
    client.force_login(users["reporter"])
    client.post(URL, entry(own_plans(), ["1", "2"], action="submit"))
    report = MonthlyReport.objects.first()

    assert client.post(reverse("report_approve", args=[report.pk])).status_code == 403
    client.force_login(users["leader"])
    assert client.post(reverse("period_lock", args=[2024, 3])).status_code == 403
    assert client.post(URL + "?unit=1", entry(own_plans(), ["1", "2"])).status_code == 403


def test_the_entry_page_query_count_does_not_grow_with_the_units_projects(client, cast):
    load(a_portfolio(7, 2024))  # unit 单位1 gets 1 project
    load(a_portfolio(140, 2025))  # … and 20 here
    unit = Unit.objects.get(name="单位1")
    client.force_login(cast.reporter_of(unit))

    def count(year: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("report_month", args=[year, 1])).status_code == 200
        return len(queries)

    assert count(2024) == count(2025)
    # Returned reports (with the reviewer named on the row) and last month's text, as read-only
    # and editable lines alike, cost no query per line either.
    officer = cast.officer
    MonthlyReport.objects.update(status=Status.RETURNED, reviewed_by=officer, return_reason="核对")
    for report in MonthlyReport.objects.filter(month=1):
        MonthlyReport.objects.create(plan=report.plan, month=2, amount=1, progress="施工")

    def february(year: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("report_month", args=[year, 2])).status_code == 200
        return len(queries)

    assert count(2024) == count(2025)
    assert february(2024) == february(2025)


def test_the_review_shows_cumulative_figures_and_filters_by_unit(client, cast):
    users = a_unit_with_two_projects(cast)
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


def test_the_review_query_count_does_not_grow_with_the_reports(client, cast):
    load(a_portfolio(10, 2024))
    load(a_portfolio(200, 2025))
    MonthlyReport.objects.update(status=Status.SUBMITTED)
    client.force_login(cast.officer)

    def count(year: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("review_month", args=[year, 1])).status_code == 200
        return len(queries)

    assert count(2024) == count(2025)


def test_the_office_approves_the_ticked_reports_or_every_one_listed(client, cast):
    users = a_unit_with_two_projects(cast)
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


def test_approving_nothing_or_a_forged_id_is_explained_and_changes_nothing(client, cast):
    users = a_unit_with_two_projects(cast)
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


def test_the_review_tells_each_unit_how_many_reports_are_still_outstanding(client, cast):
    users = a_unit_with_two_projects(cast)  # 县住建局's two rows started in February; 营盘镇's not
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


def test_an_amount_above_half_the_plan_is_shown_with_its_flag_before_anything_is_sent(client, cast):
    users = a_unit_with_two_projects(cast)  # plans of 500 and 300 万元
    client.force_login(users["reporter"])

    response = client.post(URL, entry(own_plans(), ["1250000", "30"], action="submit"))
    assert response.url.startswith(reverse("report_send", args=[2024, 3]))
    page = client.get(response.url).content.decode()

    assert "已保存2个项目的月报，尚未报送：有3条数据质量提示" in page
    assert "本月完成1,250,000.00万元，超过年度计划投资500.00万元的50%" in page
    assert not MonthlyReport.objects.filter(status=Status.SUBMITTED).exists()

    reports = MonthlyReport.objects.all()
    flags = QualityFlag.objects.all()
    confirmed = {
        "unit": users["reporter"].unit_id,
        "report": [r.pk for r in reports],
        **{f"version-{r.pk}": r.version for r in reports},
        "flag": [f.pk for f in flags],
        **{f"explain-{f.pk}": "已核对，确为本月支付" for f in flags},
    }
    client.post(response.url, confirmed)
    assert set(reports.values_list("status", flat=True)) == {Status.SUBMITTED}
    assert set(flags.values_list("status", flat=True)) == {QualityFlag.Status.EXPLAINED}


def test_the_entry_page_shows_each_projects_total_before_the_month(client, cast):
    users = a_unit_with_two_projects(cast)  # 城关污水处理厂 plans 500 万元
    client.force_login(users["reporter"])
    client.post(
        reverse("report_month", args=[2024, 2]), entry(own_plans(), ["100", "0"], action="submit")
    )
    client.post(reverse("report_month", args=[2024, 3]), entry(own_plans(), ["999", "0"]))  # draft

    page = client.get(reverse("report_month", args=[2024, 4])).content.decode()

    assert "4月以前累计(万元)" in page
    row = page.split(">城关污水处理厂</a>")[1].split("</tr>")[0]
    assert "100.00" in row and "20.0%" in row  # February's 100 of 500; March's draft not counted


def as_the_page_posts(client, url: str, action: str, **changes: dict) -> dict:
    """The POST the month page sends: each editable line as shown, with ``changes`` typed in
    by project name (read-only lines have no fields, so they are not posted)."""
    formset = client.get(url).context["formset"]
    data = {
        "form-TOTAL_FORMS": str(len(formset.forms)),
        "form-INITIAL_FORMS": str(len(formset.forms)),
        "action": action,
    }
    names = dict(AnnualPlan.objects.values_list("pk", "project__name"))
    for form in formset.forms:
        values = {k: "" if v is None else v for k, v in form.initial.items()}
        values.update(changes.get(names[form.initial["plan"]], {}))
        for key, value in values.items():
            data[f"{form.prefix}-{key}"] = value
    return data


def test_sent_rows_are_read_only_and_a_returned_row_shows_its_reason_and_goes_again(client, cast):
    users = a_unit_with_two_projects(cast)
    client.force_login(users["reporter"])
    client.post(URL, entry(own_plans(), ["50", "30"], action="submit"))
    sewage, housing = MonthlyReport.objects.order_by("plan__project__code")
    services.report_return(report=housing, user=users["officer"], reason="与统计数据不符")

    response = client.get(URL)
    page = response.content.decode()
    assert [f.initial["plan"] for f in response.context["formset"].forms] == [housing.plan_id]
    assert 'name="form-1-amount"' not in page  # only one editable line
    assert "退回原因：</strong>与统计数据不符" in page
    assert "被退回待修改1" in page

    data = as_the_page_posts(client, URL, "submit", 城关保障房={"amount": "28"})
    page = client.post(URL, data, follow=True).content.decode()

    assert "已报送1个项目的月报，本月完成投资合计28.00万元" in page
    housing.refresh_from_db()
    assert (housing.status, housing.amount) == (Status.SUBMITTED, Decimal(28))
    assert MonthlyReport.objects.get(pk=sewage.pk).version == sewage.version  # untouched


def test_a_sent_row_posted_from_a_stale_page_is_refused_naming_the_project(client, cast):
    users = a_unit_with_two_projects(cast)
    client.force_login(users["reporter"])
    stale = as_the_page_posts(client, URL, "save", 城关污水处理厂={"amount": "5"})
    client.post(URL, entry(own_plans()[:1], ["50"], action="submit"))  # sent from another tab

    page = client.post(URL, stale).content.decode()

    assert "“城关污水处理厂”" in page and "未保存任何数据" in page
    assert MonthlyReport.objects.get().amount == Decimal(50)


def test_text_typed_without_an_amount_is_refused_naming_the_row_and_nothing_is_saved(client, cast):
    users = a_unit_with_two_projects(cast)
    client.force_login(users["reporter"])

    data = entry(own_plans(), ["10", ""], **{"form-1-problems": "资金未到位"})
    page = client.post(URL, data).content.decode()

    assert "“城关保障房”：填写或改动了形象进度、存在问题、问题类别，或选了照片" in page
    assert "未保存任何数据" in page and "资金未到位" in page  # what was typed is still there
    assert MonthlyReport.objects.count() == 0


def test_each_line_starts_with_last_months_text_and_unchanged_keeps_it(client, cast):
    users = a_unit_with_two_projects(cast)
    client.force_login(users["reporter"])
    february = reverse("report_month", args=[2024, 2])
    client.post(february, entry(own_plans(), ["10", "5"], action="submit", **{
        "form-0-progress": "主体结构施工至二层", "form-0-problems": "用地指标未落实",
    }))  # fmt: skip

    page = client.get(URL).content.decode()
    assert ">\n主体结构施工至二层</textarea>" in page
    assert "本月无变化" in page

    data = as_the_page_posts(
        client, URL, "save", 城关污水处理厂={"amount": "12", "progress": "改了", "unchanged": "on"}
    )
    client.post(URL, data)
    march = MonthlyReport.objects.get(plan=own_plans()[0], month=3)
    assert (march.amount, march.progress, march.problems) == (
        Decimal(12),
        "主体结构施工至二层",
        "用地指标未落实",
    )
    assert not MonthlyReport.objects.filter(plan=own_plans()[1], month=3).exists()  # untouched


def test_the_page_and_my_todo_count_the_same_expected_rows(client, cast):
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "城关污水处理厂", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2024, "年度计划投资(万元)": 500, "实际开(复)工日期": "2024-01-05"},
                {"项目代码": code(2), "项目名称": "城关保障房", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 800, "年度": 2024, "年度计划投资(万元)": 300, "实际开(复)工日期": "2024-01-05"},
                {"项目代码": code(3), "项目名称": "城南停车场", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 200, "年度": 2024, "年度计划投资(万元)": 100},
            ]
        }
    )  # fmt: skip
    reporter = cast.reporter
    client.force_login(reporter)
    client.post(URL, entry(own_plans()[:1], ["5"], action="submit"))

    page = client.get(URL).content.decode()
    with time_machine.travel("2024-04-03 09:00+08:00"):
        due = {t.label: t.count for t in todos(reporter, period=Period.due_on(date(2024, 4, 3)))}

    unsent = next(count for label, count in due.items() if label.startswith("3月月报未报送"))
    assert unsent == 1
    assert "本月应报2个项目：已报送1，已审核0，" in page
    assert f"未报送{unsent}</span>" in page
    assert "另有1个项目未开工或已替换，本月无需报送" in page
    row = page.split(">城南停车场</a>")[1].split("</tr>")[0]
    assert "未开工·本月无需报送" in row


def test_several_photos_are_taken_from_the_entry_row_at_once(client, settings, tmp_path, cast):
    settings.MEDIA_ROOT = tmp_path
    users = a_unit_with_two_projects(cast)
    client.force_login(users["reporter"])

    def jpeg(name):
        buffer = io.BytesIO()
        Image.new("RGB", (64, 48), "#2b6cb0").save(buffer, format="JPEG")
        return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")

    data = entry(own_plans(), ["10", ""], **{"form-0-photos": [jpeg("1.jpg"), jpeg("2.jpg")]})
    page = client.post(URL, data, follow=True).content.decode()

    assert "已保存1个项目的月报，上传照片2张，尚未报送" in page
    report = MonthlyReport.objects.get()
    assert (report.status, report.photos.count()) == (Status.DRAFT, 2)
    assert page.count('class="photo-strip"') == 1
    assert page.count("/thumb/") == 2


def test_the_page_loads_its_confirmation_from_static_and_has_no_inline_script(client, cast):
    users = a_unit_with_two_projects(cast)
    client.force_login(users["reporter"])

    page = client.get(URL).content.decode()

    assert '<script src="/static/js/month-entry.js" defer></script>' in page
    assert "<script>" not in page and "onclick" not in page
    assert 'enctype="multipart/form-data"' in page


def test_a_draft_saved_again_unchanged_keeps_its_line_breaks_and_writes_no_history(client, cast):
    users = a_unit_with_two_projects(cast)
    client.force_login(users["reporter"])
    plans = own_plans()
    text = "一、主体封顶\r\n二、开始装修"  # what a browser's textarea sends
    client.post(URL, entry(plans, ["1", "2"], **{"form-0-progress": text}))
    report = MonthlyReport.objects.get(plan=plans[0], month=3)
    assert report.progress == "一、主体封顶\n二、开始装修"
    history = report.history.count()

    client.post(
        URL,
        entry(plans, ["1", "2"], **{"form-0-progress": text, "form-0-version": report.version,
                                    "form-1-version": MonthlyReport.objects.get(
                                        plan=plans[1], month=3).version}),
    )  # fmt: skip

    report.refresh_from_db()
    assert report.progress == "一、主体封顶\n二、开始装修"
    assert report.history.count() == history


def test_a_draft_shows_its_data_quality_flags_on_the_month_page_at_once(client, cast):
    users = a_unit_with_two_projects(cast)  # 城关污水处理厂 plans 500 万元
    client.force_login(users["reporter"])

    page = client.post(URL, entry(own_plans(), ["400", ""]), follow=True).content.decode()

    assert "已保存1个项目的月报，尚未报送" in page
    line = page[page.index('data-project="城关污水处理厂"') :]
    line = line[: line.index("</tr>")]
    assert "本月完成异常偏高·待说明" in line and "超过年度计划投资500.00万元的50%" in line
    assert "核对或填写说明" in line
