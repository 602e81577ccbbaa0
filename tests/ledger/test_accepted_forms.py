"""What clerks really type is accepted where its meaning is clear; imports upsert."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from bonds.models import FundApplication
from investment.models import MonthlyReport
from ledger.cells import CellError, read_amount
from projects.models import AnnualPlan, Milestone, Project, Unit
from supervision.models import Finding
from tests.workbooks import PROJECT_HEADERS, REPORT_HEADERS, code, load, xlsx


def a_project(**overrides) -> list:
    values = dict(
        zip(
            PROJECT_HEADERS,
            [code(1), "城关镇污水处理厂", "县住建局", "市重点", "新建", 1000, 2024, 500, None],
            strict=True,
        )
    )
    values.update(overrides)
    return list(values.values())


@pytest.mark.parametrize(
    "typed",
    [datetime(2024, 3, 5), date(2024, 3, 5), "2024-03-05", "2024/3/5", "2024.3.5", "2024年3月5日",
     " 2024-3-5 ", "２０２４年３月５日", "2024-03-05 00:00:00"],
)  # fmt: skip
def test_it_reads_every_usual_way_of_writing_a_date(typed):
    load({"项目台账": [PROJECT_HEADERS, a_project(**{"实际开(复)工日期": typed})]})

    assert AnnualPlan.objects.get().actual_start == date(2024, 3, 5)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [(1234.5, "1234.5"), ("1,234.5", "1234.5"), ("１２３４．５", "1234.5"), ("1，234.5", "1234.5"),
     (" 1234.5 ", "1234.5"), ("1234.5万元", "1234.5"), (1234, "1234"), (0.1 + 0.2, "0.3"),
     ("12,345,678.1234", "12345678.1234")],
)  # fmt: skip
def test_it_reads_amounts_typed_as_numbers_or_text(typed, amount):
    load({"项目台账": [PROJECT_HEADERS, a_project(**{"年度计划投资(万元)": typed})]})

    assert AnnualPlan.objects.get().planned_investment == Decimal(amount)


def test_a_nan_amount_is_refused_even_before_it_reaches_a_workbook():
    with pytest.raises(CellError, match="应为金额"):
        read_amount(float("nan"))
    with pytest.raises(CellError, match="应为金额"):
        read_amount(float("inf"))


def test_headers_match_in_any_order_with_full_width_brackets_and_stray_spaces():
    headers = ["年度计划投资（万元）", " 项目代码", "项目 名称", "责任单位", "项目级别", "建设性质",
               "总投资（万元）", "年度", "是否民间投资"]  # fmt: skip
    row = [500, code(1), "甲项目", "县住建局", "县重点", "续建", 1000, 2024, "是"]

    load({"项目台账": [headers, row]})

    project = Project.objects.get()
    assert (project.name, project.total_investment, project.is_private) == ("甲项目", 1000, True)


def test_blank_rows_are_skipped_and_rows_keep_their_sheet_numbers():
    result = load(
        {
            "项目台账": [
                PROJECT_HEADERS,
                [None] * 9,
                a_project(),
                ["", "  ", None],
                a_project(**{"项目代码": code(2)}),
            ]
        }
    )

    assert result.sheets["项目台账"].created == 2


def test_unknown_units_are_created_and_unknown_sheets_ignored_with_a_notice():
    result = load({"项目台账": [PROJECT_HEADERS, a_project()], "Sheet1": [["随便写的"]]})

    assert result.units_created == ["县住建局"]
    assert Unit.objects.get().name == "县住建局"
    assert "忽略未知工作表“Sheet1”" in result.lines()


def test_importing_the_same_ledger_twice_changes_nothing_the_second_time():
    sheets = {
        "项目台账": [PROJECT_HEADERS, a_project()],
        "月度投资": [REPORT_HEADERS, [code(1), 2024, 1, 8]],
    }
    load(sheets)

    result = load(sheets)

    assert result.projects.unchanged == 1
    assert result.sheets["项目台账"].unchanged == 1
    assert result.sheets["月度投资"].unchanged == 1
    assert MonthlyReport.objects.count() == 1


def test_a_changed_value_updates_the_record_in_place():
    load(
        {
            "项目台账": [PROJECT_HEADERS, a_project()],
            "月度投资": [REPORT_HEADERS, [code(1), 2024, 1, 8]],
        }
    )

    result = load({"月度投资": [REPORT_HEADERS, [code(1), 2024, 1, "9.5"]]})

    assert result.sheets["月度投资"].updated == 1
    assert MonthlyReport.objects.get().amount == Decimal("9.5")


def test_a_column_left_out_keeps_what_was_there_and_a_blank_cell_clears_it():
    headers = PROJECT_HEADERS + ["包抓领导"]
    load({"项目台账": [headers, a_project() + ["王县长"]]})

    load({"项目台账": [PROJECT_HEADERS, a_project(**{"项目名称": "新名称"})]})
    assert Project.objects.get().leader == "王县长"

    load({"项目台账": [headers, a_project() + [None]]})
    assert Project.objects.get().leader == ""


def test_a_project_on_two_years_lists_is_one_project_with_two_plan_rows():
    load(
        {
            "项目台账": [
                PROJECT_HEADERS,
                a_project(),
                a_project(**{"年度": 2025, "建设性质": "续建"}),
            ]
        }
    )

    assert Project.objects.count() == 1
    assert list(AnnualPlan.objects.values_list("year", "nature")) == [
        (2024, "new"),
        (2025, "continuing"),
    ]


def test_ledger_reports_arrive_approved_and_marked_as_from_the_ledger():
    load(
        {
            "项目台账": [PROJECT_HEADERS, a_project()],
            "月度投资": [REPORT_HEADERS, [code(1), 2024, 2, 8]],
        }
    )

    report = MonthlyReport.objects.get()
    assert (report.status, report.source) == ("approved", "ledger")


@pytest.mark.parametrize(
    ("amounts", "status"),
    [([None, None, None], "applied"), ([80, None, None], "approved"), ([80, 80, None], "allocated"),
     ([80, 80, 30], "spent")],
)  # fmt: skip
def test_a_blank_fund_status_is_read_from_the_amounts_filled(amounts, status):
    headers = [
        "项目代码",
        "资金类型",
        "年度",
        "申报金额(万元)",
        "批复金额(万元)",
        "下达金额(万元)",
        "支出金额(万元)",
    ]
    load(
        {
            "项目台账": [PROJECT_HEADERS, a_project()],
            "资金申报": [headers, [code(1), "专项债券", 2024, 100, *amounts]],
        }
    )

    assert FundApplication.objects.get().status == status


def test_milestones_and_findings_take_their_defaults_and_own_units():
    load(
        {
            "项目台账": [PROJECT_HEADERS, a_project()],
            "项目节点": [
                ["项目代码", "节点名称", "计划完成日期", "节点类型", "责任单位"],
                [code(1), "用地批复", "2024/4/1", None, "县自然资源局"],
            ],
            "督查问题": [
                ["责任单位", "问题描述", "发现日期", "整改时限", "整改状态", "销号日期"],
                ["营盘镇", "征迁滞后", "2024.3.1", "2024年4月1日", "已销号", "2024-03-28"],
            ],
        }
    )

    milestone = Milestone.objects.get()
    assert (milestone.kind, milestone.unit.name) == ("other", "县自然资源局")
    finding = Finding.objects.get()
    assert (finding.category, finding.status, finding.closed_on) == (
        "other",
        "closed",
        date(2024, 3, 28),
    )


def test_local_codes_are_accepted():
    load({"项目台账": [PROJECT_HEADERS, a_project(**{"项目代码": "ZS-2024-001"})]})

    assert Project.objects.get().code == "ZS-2024-001"


def test_the_command_prints_what_it_created_and_updated(tmp_path, capsys):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx({"项目台账": [PROJECT_HEADERS, a_project()]}))

    call_command("import_ledger", str(path))

    out = capsys.readouterr().out
    assert "项目：新增1个，更新0个，未变化0个" in out
    assert "项目台账：新增1条，更新0条，未变化0条" in out
    assert "新建责任单位1个：县住建局" in out
    assert "导入完成。" in out
