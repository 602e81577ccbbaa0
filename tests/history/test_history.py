"""数据变更记录 (issue 22 item 15): each record named as a person knows it, each row showing
what its person changed, whatever path wrote the rows before; a page's queries do not grow
with its rows."""

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bonds.services import fund_save
from history.selectors import describe, history_rows, with_changes
from history.tables import HistoryTable
from investment.models import MonthlyReport, WarningRule, YearSettings
from investment.services.entry import MonthEntry, reports_save_month
from investment.services.reports import period_lock, period_unlock, report_approve
from projects.models import AnnualPlan, Milestone, Project, Unit, User
from projects.services.register import add_approval_chain, milestone_done, plan_update
from projects.services.revisions import project_revise
from supervision.models import Finding
from tests.builders import ledger
from tests.workbooks import a_small_county, code

ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)


def history(client, user, table: str, **params) -> list[dict[str, str]]:
    """The page's rows as the auditor reads them: 操作人, 类型, 记录, 变更内容 (lines joined
    by "；")."""
    client.force_login(user)
    response = client.get(reverse("data_history"), {"table": table, **params})
    assert response.status_code == 200
    rows = []
    for row in ROW.findall(response.content.decode()):
        cells = [unescape(re.sub(r"<[^>]+>", "；", c)).strip("；") for c in CELL.findall(row)]
        if len(cells) == 5:
            rows.append(
                {"user": cells[1], "type": cells[2], "record": cells[3], "changes": cells[4]}
            )
    return rows


def history_of(report: MonthlyReport) -> list[dict[str, str]]:
    """One report's rows, read by what the page reads (the demo county's history is pages
    long): `describe` and `with_changes`."""
    records = list(history_rows("report").filter(id=report.pk))
    names = describe("report", records)
    return [
        {"user": getattr(record.history_user, "username", "（导入或命令）"),
         "type": HistoryTable.TYPES[record.history_type], "record": names[record.history_id],
         "changes": "；".join(lines or []) or "新建记录"}
        for record, lines in with_changes(records)
    ]  # fmt: skip


def report_of(serial: int, month: int) -> MonthlyReport:
    return MonthlyReport.objects.get(plan__project__code=code(serial), month=month)


def test_a_report_sent_on_the_month_page_and_approved_shows_each_step_once(client, cast):
    a_small_county()
    plan = AnnualPlan.objects.get(project__code=code(1))
    reports_save_month(
        user=cast.reporter,
        year=2024,
        month=3,
        entries=[MonthEntry(plan=plan, version=0, amount=Decimal("120.5"), progress="主体施工")],
        submit=True,
    )
    report_approve(report=report_of(1, 3), user=cast.officer)

    rows = history(client, cast.auditor, "report")

    assert rows == [
        {"user": "office", "type": "修改", "record": "城关污水处理厂 2024年3月",
         "changes": "状态：已报送 → 已审核"},
        {"user": "reporter", "type": "修改", "record": "城关污水处理厂 2024年3月",
         "changes": "状态：草稿 → 已报送"},
        {"user": "reporter", "type": "新增", "record": "城关污水处理厂 2024年3月",
         "changes": "新建记录"},
    ]  # fmt: skip


def test_a_form_report_the_ledger_overwrites_shows_what_the_import_changed(client, cast):
    a_small_county()
    plan = AnnualPlan.objects.get(project__code=code(2))
    reports_save_month(
        user=cast.reporter,
        year=2024,
        month=2,
        entries=[MonthEntry(plan=plan, version=0, amount=Decimal(10))],
        submit=True,
    )

    ledger({"月度投资": [{"项目代码": code(2), "年度": 2024, "月份": 2, "本月完成投资(万元)": 12}]}, user=cast.officer)  # fmt: skip
    rows = history(client, cast.auditor, "report")

    assert rows[0] == {
        "user": "office",
        "type": "修改",
        "record": "城关保障房 2024年2月",
        "changes": "本月完成投资：10.00万元 → 12.00万元；状态：已报送 → 已审核；来源：在线填报 → 台账导入",
    }


def test_the_demo_countys_sent_reports_read_as_sent_then_approved(demo_county):
    # seeded on 3 December 2026: October is due, about a quarter still to review
    waiting = MonthlyReport.objects.filter(  # one sent once, without data-quality flags
        plan__year=2026, month=10, status=MonthlyReport.Status.SUBMITTED, flags__isnull=True
    ).select_related("plan__project", "submitted_by")[0]
    reporter = waiting.submitted_by
    office = User.objects.get(username="office")

    report_approve(report=waiting, user=office)
    rows = history_of(waiting)

    assert rows == [
        {"user": "office", "type": "修改", "record": rows[0]["record"],
         "changes": "状态：已报送 → 已审核"},
        {"user": reporter.username, "type": "修改", "record": rows[0]["record"],
         "changes": "状态：已审核 → 已报送；来源：台账导入 → 在线填报"},
        {"user": "（导入或命令）", "type": "新增", "record": rows[0]["record"],
         "changes": "新建记录"},
    ]  # fmt: skip


def test_the_demo_countys_approved_reports_name_the_office_as_their_reviewer(demo_county):
    approved = MonthlyReport.objects.filter(
        plan__year=2026, month=10, status=MonthlyReport.Status.APPROVED
    ).select_related("plan__project")[0]

    rows = history_of(approved)

    assert [(row["user"], row["changes"]) for row in rows[:2]] == [
        ("office", "状态：已报送 → 已审核"),
        (approved.submitted_by.username, "状态：已审核 → 已报送；来源：台账导入 → 在线填报"),
    ]


def test_a_step_that_is_only_its_stamp_shows_the_stamp(client, cast):
    a_small_county()
    period_lock(year=2024, month=3, user=cast.officer, confirmed_units=_all_units())
    period_unlock(year=2024, month=3, user=cast.officer, reason="营盘镇报错了金额")

    rows = history(client, cast.auditor, "period")

    assert [row["record"] for row in rows] == ["2024年3月"] * 3
    unlocked, locked, created = rows
    assert created["changes"] == "新建记录"
    assert re.fullmatch(
        r"锁定时间：空 → 20\d\d-\d\d-\d\d \d\d:\d\d；锁定人：空 → 王科长", locked["changes"]
    )
    assert re.fullmatch(
        r"锁定时间：20\d\d-\d\d-\d\d \d\d:\d\d → 空；解锁原因：空 → 营盘镇报错了金额",
        unlocked["changes"],
    )


def _all_units():
    return list(Unit.objects.values_list("pk", flat=True))


def a_record_of_every_kind(cast, serial: int) -> None:
    """One project with a plan row, a report, milestones, a fund and a finding, each changed
    once by the office, so every table has records to name and compare."""
    ledger(
        {
            "项目台账": [
                ["项目代码", "项目名称", "责任单位", "项目级别", "建设性质", "总投资(万元)",
                 "年度", "年度计划投资(万元)"],
                [code(serial), f"城关项目{serial}", "县住建局", "县重点", "新建", 1000, 2024, 500],
            ],
            "月度投资": [{"项目代码": code(serial), "年度": 2024, "月份": 1, "本月完成投资(万元)": 10}],
        }
    )  # fmt: skip
    project = Project.objects.get(code=code(serial))
    add_approval_chain(project=project, first_date=date(2024, 1, 10), user=cast.officer)
    milestone = Milestone.objects.filter(project=project).order_by("planned_date")[0]
    milestone_done(milestone=milestone, user=cast.officer, actual_date=date(2024, 1, 12))
    fund_save(user=cast.officer, project=project, fund_type="special_bond", year=2024,
              batch="2024年第1批", requested=Decimal(300))  # fmt: skip
    Finding.objects.create(
        unit=project.unit, project=project,
        description=f"施工现场扬尘防治措施落实不到位，渣土未覆盖，需限期整改（{serial}）",
        found_on=date(2024, 2, 1), deadline=date(2024, 3, 1),
    )  # fmt: skip
    project_revise(project=project, user=cast.officer, total_investment=Decimal(1200),
                   reason="概算调整", revised_on=date(2024, 3, 5))  # fmt: skip


TABLES = ["report", "project", "plan", "milestone", "revision", "fund", "finding", "period",
          "settings", "warning_rule", "unit", "user"]  # fmt: skip


def test_every_record_is_named_by_what_a_person_knows(client, cast):
    a_record_of_every_kind(cast, 1)
    period_lock(year=2024, month=1, user=cast.officer, confirmed_units=_all_units())
    YearSettings.objects.create(year=2024)
    WarningRule.objects.create(year=2024, indicator="investment", yellow=10, red=20)

    names = {table: {row["record"] for row in history(client, cast.auditor, table)}
             for table in TABLES}  # fmt: skip

    assert names["report"] == {"城关项目1 2024年1月"}
    assert names["project"] == {f"城关项目1（{code(1)}）"}
    assert names["plan"] == {"城关项目1 2024年"}
    assert "城关项目1 · 立项" in names["milestone"]
    assert names["revision"] == {"城关项目1 · 总投资调整 2024-03-05"}
    assert names["fund"] == {"城关项目1 · 专项债券 2024年第1批"}
    assert names["finding"] == {"县住建局 · 施工现场扬尘防治措施落实不到位，渣土未…"}
    assert names["period"] == {"2024年1月"}
    assert names["settings"] == {"2024年 年度设置"}
    assert names["warning_rule"] == {"2024年 预警规则·投资滞后"}
    assert "县住建局" in names["unit"]
    assert "王科长（office）" in names["user"]


def test_a_deleted_reports_record_still_names_its_project(client, cast):
    a_small_county([[code(3), 2024, 1, 5]])
    AnnualPlan.objects.get(project__code=code(3)).delete()  # the report goes with its plan

    rows = history(client, cast.auditor, "report")

    assert [row["record"] for row in rows] == ["营盘公路改建 2024年1月"] * 2
    assert rows[0]["type"] == "删除"


@pytest.mark.parametrize("table", TABLES)
def test_a_pages_queries_do_not_grow_with_its_rows(client, cast, table):
    def queries() -> int:
        client.force_login(cast.auditor)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("data_history"), {"table": table}).status_code == 200
        return len(captured)

    a_record_of_every_kind(cast, 1)
    small = queries()
    for serial in range(2, 6):
        a_record_of_every_kind(cast, serial)
    cast.reporter_of(cast.township)  # one more user and unit
    large = queries()

    assert large == small


def test_each_step_is_under_the_person_who_took_it_outside_a_request_too(cast):
    a_record_of_every_kind(cast, 1)
    plan = AnnualPlan.objects.get()
    plan_update(plan=plan, user=cast.officer, changes={"planned_investment": Decimal(600)},
                version=plan.version)  # fmt: skip
    period_lock(year=2024, month=1, user=cast.officer, confirmed_units=_all_units())

    latest = {
        table: history_rows(table).first().history_user for table in ("plan", "milestone", "period")
    }

    assert latest == {"plan": cast.officer, "milestone": cast.officer, "period": cast.officer}


def test_on_a_phone_each_change_stands_under_its_labels(client, cast):
    assert cast.housing  # a unit made with its history row
    client.force_login(cast.auditor)

    page = client.get(reverse("data_history"), {"table": "unit"}).content.decode()

    assert 'class="table stacked"' in page
    for label in ("时间", "操作人", "类型", "记录", "变更内容"):
        assert f'data-label="{label}"' in page
