"""The Excel round trip changes only what changed (issue 14 item 5, DESIGN.md §4).

Data comes in the way a county's does: plan rows from a ledger, monthly reports typed into
the month-entry page by a unit's reporter, some approved by the office. Exporting it and
importing the export back must leave every row and every history table exactly as it was.
"""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from bonds.models import FundApplication
from core.xlsx import render_workbook
from investment.models import MonthlyReport
from investment.rules.periods import Period
from investment.selectors.portfolio import portfolio_summary
from ledger.documents.exporter import ledger_sheets
from ledger.rules.reader import LedgerImportError
from ledger.services.importer import import_ledger
from projects.models import AnnualPlan, Milestone, Project, Stage, Unit
from projects.services.register import project_replace
from supervision.models import Finding
from tests.builders import ledger
from tests.investment.test_reporting_pages import URL, a_unit_with_two_projects, entry, own_plans
from tests.ledger.test_ledger_pages import confirm
from tests.ledger.test_round_trip import a_full_ledger, empty_the_database
from tests.workbooks import PROJECT_HEADERS, code, load, read_back, xlsx

TABLES = (Unit, Project, AnnualPlan, MonthlyReport, Milestone, FundApplication, Finding)


def snapshot() -> dict:
    """Every row of every ledger table, and how many history rows each has."""
    return {
        model.__name__: (
            sorted(map(repr, model.objects.order_by("pk").values())),
            model.history.count(),
        )
        for model in TABLES
    }


def a_county_reported_through_the_forms(cast, client) -> dict:
    """Three plan rows from a ledger; March typed in and sent by 县住建局's reporter (one
    progress text on two lines), one of the two reports approved by the office, the other still
    waiting (已报送)."""
    people = a_unit_with_two_projects(cast)
    client.force_login(people["reporter"])
    typed = entry(own_plans(), ["12.5", "3"], action="submit")
    typed["form-0-progress"] = "主体结构施工至三层\r\n二层楼板浇筑完成"  # as a browser sends it
    client.post(URL, typed)
    client.force_login(people["officer"])
    first = MonthlyReport.objects.get(plan__project__code=code(1))
    client.post(reverse("report_approve", args=[first.pk]))
    assert sorted(MonthlyReport.objects.values_list("status", "source")) == [
        ("approved", "form"),
        ("submitted", "form"),
    ]
    return people


def preview(client, data: bytes, name: str = "导出.xlsx"):
    return client.post(reverse("ledger_import"), {"file": SimpleUploadedFile(name, data)})


def test_an_unchanged_export_of_form_reports_previews_as_matching_and_offers_no_import(
    client, cast
):
    a_county_reported_through_the_forms(cast, client)
    exported = client.get(reverse("ledger_export")).content
    before = snapshot()

    shown = preview(client, exported)

    page = shown.content.decode()
    assert "与系统数据一致，无需导入。" in page
    assert "月度投资：新增0条，更新0条，未变化2条" in page
    assert 'value="confirm"' not in page  # nothing to confirm
    assert snapshot() == before  # statuses, sources, reviewers, versions, and no history


def test_a_row_that_changes_a_form_report_is_shown_old_to_new_and_becomes_a_ledger_report(
    client,
    cast,
):
    people = a_county_reported_through_the_forms(cast, client)
    book = load_workbook(io.BytesIO(client.get(reverse("ledger_export")).content))
    reports = book["月度投资"]
    assert reports.cell(row=3, column=1).value == code(2)
    reports.cell(row=3, column=4).value = 4  # 3 → 4 on the report still waiting for review
    buffer = io.BytesIO()
    book.save(buffer)

    shown = preview(client, buffer.getvalue())

    page = shown.content.decode()
    assert (
        "其中1份在线填报的月报被台账修改：数值以台账为准，来源改为“台账导入”、状态改为“已审核”"
        in page
    )
    assert [(c.record, c.field, c.old, c.new) for c in shown.context["changes"]] == [
        (f"城关保障房（{code(2)}） 2024年3月", "本月完成投资(万元)", "3.00", "4.00"),
        (f"城关保障房（{code(2)}） 2024年3月", "状态", "已报送", "已审核"),
        (f"城关保障房（{code(2)}） 2024年3月", "来源", "在线填报", "台账导入"),
    ]
    untouched = MonthlyReport.objects.get(plan__project__code=code(1))

    confirm(client, shown)

    changed = MonthlyReport.objects.get(plan__project__code=code(2))
    assert (changed.amount, changed.status, changed.source) == (4, "approved", "ledger")
    assert changed.reviewed_by == people["officer"]
    assert changed.submitted_by == people["reporter"]  # who sent it stays on record
    assert MonthlyReport.objects.get(pk=untouched.pk).history.count() == untouched.history.count()


def test_an_export_into_an_empty_database_keeps_stages_statistics_dates_and_officers():
    load(a_full_ledger())
    assert Project.objects.get(code=code(2)).stage == Stage.CONSTRUCTION  # 在建, from the ledger
    before = {
        p.code: (p.stage, p.service_officer, sorted(p.plans.values_list("statistics_date")))
        for p in Project.objects.all()
    }
    assert len({stage for stage, _, _ in before.values()}) == 6
    exported = render_workbook(ledger_sheets())

    empty_the_database()
    import_ledger(data=exported, filename="导出.xlsx")

    after = {
        p.code: (p.stage, p.service_officer, sorted(p.plans.values_list("statistics_date")))
        for p in Project.objects.all()
    }
    assert after == before


def test_an_earlier_years_blank_optional_cells_agree_with_a_later_year_that_fills_them():
    headers = [*PROJECT_HEADERS, "行业类别", "计划开工日期", "包抓领导", "项目阶段"]
    row = [code(1), "城关污水处理厂", "县住建局", "县重点", "新建", 1000]

    result = load(
        {
            "项目台账": [
                headers,
                [*row, 2023, 200, None, None, None, None, None],
                [*row, 2024, 500, None, "基础设施", "2023-03-01", "张副县长", "在建"],
                [*row, 2025, 300, None, None, None, None, None],
            ]
        }
    )

    assert result.sheets["项目台账"].created == 3
    project = Project.objects.get()
    assert (project.industry, project.planned_start, project.leader, project.stage) == (
        "基础设施",
        date(2023, 3, 1),
        "张副县长",
        Stage.CONSTRUCTION,
    )


def test_two_rows_that_both_give_a_value_must_still_agree():
    headers = [*PROJECT_HEADERS, "行业类别"]
    row = [code(1), "城关污水处理厂", "县住建局", "县重点", "新建", 1000]

    with pytest.raises(LedgerImportError) as refused:
        load(
            {
                "项目台账": [
                    headers,
                    [*row, 2023, 200, None, "基础设施"],
                    [*row, 2024, 500, None, None],
                    [*row, 2025, 500, None, "工业"],
                ]
            }
        )

    assert [str(p) for p in refused.value.problems] == [
        "项目台账!4: 行业类别: 与项目台账!2同一项目的行业类别不一致，同一项目各年度的项目信息应相同"
    ]


def test_a_blank_cell_never_clears_a_stored_report_text_or_milestone_unit():
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "项目1", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 10, "年度": 2024, "年度计划投资(万元)": 10},
            ],
            "月度投资": [
                ["项目代码", "年度", "月份", "本月完成投资(万元)", "形象进度", "存在问题"],
                [code(1), 2024, 3, 1, "主体封顶", "用地未批"],
            ],
            "项目节点": [
                ["项目代码", "节点名称", "计划完成日期", "责任单位"],
                [code(1), "用地批复", "2024-03-01", "县自然资源局"],
            ],
        }
    )  # fmt: skip
    before = snapshot()

    result = load(
        {
            "月度投资": [
                ["项目代码", "年度", "月份", "本月完成投资(万元)", "形象进度", "存在问题"],
                [code(1), 2024, 3, 1, None, " "],
            ],
            "项目节点": [
                ["项目代码", "节点名称", "计划完成日期", "责任单位"],
                [code(1), "用地批复", "2024-03-01", None],
            ],
        }
    )

    assert result.changes_nothing
    assert snapshot() == before


def test_the_export_without_parameters_is_all_data_not_headers_only(client, cast):
    load(a_full_ledger())
    client.force_login(cast.officer)

    sheets = read_back(client.get(reverse("ledger_export")).content)

    assert len(sheets["项目台账"]) == 1 + 24
    assert len(sheets["月度投资"]) == 1 + 96
    assert len(sheets["督查问题"]) == 1 + 2


def test_the_exported_stage_column_is_the_label_and_blank_stage_keeps_the_stored_one():
    load(a_full_ledger())
    rows = read_back(render_workbook(ledger_sheets(year=2024)))["项目台账"]
    header = rows[0]
    assert header[-8:-2] == (
        "项目阶段", "纳统日期", "服务专员", "原总投资(万元)", "原计划竣工日期", "替换为",
    )  # fmt: skip
    assert {row[header.index("项目阶段")] for row in rows[1:]} <= {
        "储备", "前期", "在建", "竣工", "投产", "替换"
    }  # fmt: skip

    (row,) = [row for row in rows if row[0] == code(2)]
    assert row[header.index("项目阶段")] == "在建"

    result = load({"项目台账": [[*PROJECT_HEADERS[:8], "项目阶段"], [*row[:8], None]]})

    assert Project.objects.get(code=code(2)).stage == Stage.CONSTRUCTION  # not reset to 前期
    assert result.changes_nothing


def test_a_fund_row_whose_amount_would_pass_the_stored_next_step_is_refused_by_row():
    load(a_full_ledger())  # 专项债券 of code(2): 申报 5000, 批复 3000
    headers = ["项目代码", "资金类型", "年度", "申报金额(万元)", "批次", "下达金额(万元)"]

    with pytest.raises(LedgerImportError) as refused:
        load({"资金申报": [headers, [code(2), "专项债券", 2024, 5000, "第一批", 3500]]})

    assert [(p.sheet, p.row, p.column) for p in refused.value.problems] == [
        ("资金申报", 2, "下达金额(万元)")
    ]
    assert FundApplication.objects.get(project__code=code(2)).allocated is None


def test_a_new_amount_on_a_fund_with_a_blank_status_moves_the_status_on():
    load(a_full_ledger())
    headers = ["项目代码", "资金类型", "年度", "申报金额(万元)", "批次", "下达金额(万元)", "状态"]

    load({"资金申报": [headers, [code(2), "专项债券", 2024, 5000, "第一批", 2000, None]]})

    fund = FundApplication.objects.get(project__code=code(2))
    assert (fund.approved, fund.allocated, fund.status) == (3000, 2000, "allocated")


def test_unchanged_rows_write_no_history_on_any_sheet():
    load(a_full_ledger())
    before = snapshot()

    result = import_ledger(data=xlsx(a_full_ledger()), filename="台账.xlsx")

    assert result.changes_nothing and result.changes.count == 0
    assert snapshot() == before


def test_text_stored_with_crlf_line_breaks_equals_the_same_lines_read_back_from_excel():
    load(a_full_ledger())
    MonthlyReport.objects.filter(plan__year=2024, month=1).update(progress="主体施工\r\n二层封顶")
    exported = render_workbook(ledger_sheets())
    before = snapshot()

    result = import_ledger(data=exported, filename="导出.xlsx")

    assert result.changes_nothing
    assert snapshot() == before


def test_a_replacement_survives_an_export_into_an_empty_database_and_the_figures_agree(cast):
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "城关污水处理厂", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2024, "年度计划投资(万元)": 500},
                {"项目代码": code(2), "项目名称": "城关保障房", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2024, "年度计划投资(万元)": 300, "实际开(复)工日期": "2024-02-01"},
                {"项目代码": code(3), "项目名称": "营盘公路改建", "责任单位": "营盘镇", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2023, "年度计划投资(万元)": 200, "实际开(复)工日期": "2023-03-01"},
            ]
        }
    )  # fmt: skip
    office = cast.officer
    project_replace(
        project=Project.objects.get(code=code(1)),
        replacement=Project.objects.get(code=code(3)),
        user=office,
        year=2024,
    )
    before = portfolio_summary(Period.of(2024, 6)).as_json()
    exported = render_workbook(ledger_sheets())

    empty_the_database()
    import_ledger(data=exported, filename="导出.xlsx")

    replaced = AnnualPlan.objects.get(project__code=code(1), year=2024)
    assert replaced.replaced_by.code == code(3)
    assert portfolio_summary(Period.of(2024, 6)).as_json() == before
    again = import_ledger(data=exported, filename="导出.xlsx", dry_run=True)
    assert again.changes_nothing  # and the round trip is stable


def test_a_replacement_naming_an_unknown_project_is_a_clear_error():
    headers = [*PROJECT_HEADERS, "替换为"]
    row = [code(1), "城关污水处理厂", "县住建局", "县重点", "新建", 1000, 2024, 500, None]
    with pytest.raises(LedgerImportError) as refused:
        load({"项目台账": [headers, [*row, "NO-SUCH-1"]]})
    assert "项目台账!2: 替换为: 替换为的项目“NO-SUCH-1”不在系统或本表中" in str(refused.value)


def test_a_started_project_is_not_replaced_through_the_ledger_without_the_pages_reason():
    """替换 of a started project needs its reason, written on the project page."""
    headers = [*PROJECT_HEADERS, "替换为"]
    started = [
        code(1),
        "城关污水处理厂",
        "县住建局",
        "县重点",
        "新建",
        1000,
        2024,
        500,
        "2024-03-01",
    ]
    other = [code(2), "城关保障房", "县住建局", "县重点", "新建", 800, 2024, 300, None]
    load({"项目台账": [headers, [*started, None], [*other, None]]})

    with pytest.raises(LedgerImportError) as refused:
        load({"项目台账": [headers, [*started, code(2)], [*other, None]]})

    assert "项目台账!2: 替换为: 该项目已于2024-03-01开(复)工：已开工项目的替换须在项目页面" in str(
        refused.value
    )
    assert AnnualPlan.objects.get(project__code=code(1), year=2024).replaced_by is None
