"""What clerks really type is read where its meaning is clear, and a re-import updates in
place (DESIGN.md §4)."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from bonds.models import FundApplication
from investment.models import MonthlyReport
from ledger.models import LedgerImport
from projects.models import AnnualPlan, Milestone, Project, Unit
from supervision.models import Finding
from tests.workbooks import PROJECT_HEADERS, REPORT_HEADERS, code, load, xlsx

FUND_HEADERS = [
    "项目代码",
    "资金类型",
    "年度",
    "申报金额(万元)",
    "批复金额(万元)",
    "下达金额(万元)",
    "支出金额(万元)",
    "状态",
]
FINDING_HEADERS = ["责任单位", "问题描述", "发现日期", "整改时限", "整改状态", "销号日期"]
MILESTONE_HEADERS = ["项目代码", "节点名称", "计划完成日期", "实际完成日期"]


def a_project(serial: int = 1, **overrides) -> list:
    values = dict(
        zip(
            PROJECT_HEADERS,
            [code(serial), f"项目{serial}", "县住建局", "市重点", "新建", 1000, 2024, 500, None],
            strict=True,
        )
    )
    assert set(overrides) <= set(values), overrides
    values.update(overrides)
    return list(values.values())


def projects(*rows: list, headers: list = PROJECT_HEADERS) -> dict:
    return {"项目台账": [headers, *(rows or [a_project()])]}


def with_project(**sheets) -> dict:
    return {**projects(), **sheets}


def plan() -> AnnualPlan:
    return AnnualPlan.objects.select_related("project").get()


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "typed",
    [
        datetime(2024, 3, 5),
        date(2024, 3, 5),
        "2024-03-05",
        "2024-3-5",
        "2024/3/5",
        "2024/03/05",
        "2024.3.5",
        "2024年3月5日",
        "2024年03月05日",
        "２０２４年３月５日",
        " 2024-03-05 ",
        "2024-03-05 00:00:00",
    ],
)
def test_it_reads_a_date_cell_or_any_usual_written_date(typed):
    load(projects(a_project(**{"实际开(复)工日期": typed})))

    assert plan().actual_start == date(2024, 3, 5)


def test_dates_are_read_the_same_way_on_every_sheet():
    load(
        with_project(
            项目节点=[MILESTONE_HEADERS, [code(1), "施工许可", "2024/4/1", "2024年4月3日"]],
            督查问题=[
                FINDING_HEADERS,
                ["营盘镇", "征迁滞后", datetime(2024, 3, 1), "2024.4.1", "已销号", "2024-03-28"],
            ],
        )
    )

    milestone, finding = Milestone.objects.get(), Finding.objects.get()
    assert (milestone.planned_date, milestone.actual_date) == (date(2024, 4, 1), date(2024, 4, 3))
    assert (finding.found_on, finding.deadline, finding.closed_on) == (
        date(2024, 3, 1),
        date(2024, 4, 1),
        date(2024, 3, 28),
    )


# ---------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (1234.5, "1234.5"),
        (1234, "1234"),
        ("1234.5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("12,345,678.1234", "12345678.1234"),
        ("１２３４．５", "1234.5"),
        ("１，２３４．５", "1234.5"),
        (Decimal("1234.5"), "1234.5"),
        (Decimal("0.0001"), "0.0001"),
        (" 1234.5 ", "1234.5"),
        ("1234.5万元", "1234.5"),
        ("1234.50000", "1234.5"),
        (0.1 + 0.2, "0.3"),
        (0, "0"),
    ],
)
def test_it_reads_an_amount_typed_as_a_number_or_as_numeric_text(typed, stored):
    load(projects(a_project(**{"年度计划投资(万元)": typed})))

    assert plan().planned_investment == Decimal(stored)


def test_amounts_are_stored_exactly_on_every_sheet():
    load(
        with_project(
            月度投资=[REPORT_HEADERS, [code(1), 2024, 3, "1,000.0001"]],
            资金申报=[
                FUND_HEADERS,
                [code(1), "专项债券", 2024, "３００", 250.25, Decimal("100.1234"), "0", None],
            ],
        )
    )

    assert MonthlyReport.objects.get().amount == Decimal("1000.0001")
    fund = FundApplication.objects.get()
    assert (fund.requested, fund.approved, fund.allocated, fund.spent) == (
        Decimal(300),
        Decimal("250.25"),
        Decimal("100.1234"),
        Decimal(0),
    )


@pytest.mark.parametrize(("typed", "month"), [(3, 3), ("3", 3), ("3月", 3), (3.0, 3), ("１２", 12)])
def test_it_reads_a_month_typed_as_a_number_or_text(typed, month):
    load(with_project(月度投资=[REPORT_HEADERS, [code(1), 2024, typed, 10]]))

    assert MonthlyReport.objects.get().month == month


@pytest.mark.parametrize("typed", [2024, "2024", "2024年", 2024.0])
def test_it_reads_a_year_typed_as_a_number_or_text(typed):
    load(projects(a_project(**{"年度": typed})))

    assert plan().year == 2024


# ---------------------------------------------------------------- yes / no


@pytest.mark.parametrize(
    ("typed", "private"), [("是", True), ("否", False), (" 是 ", True), (None, False), ("", False)]
)
def test_it_reads_yes_or_no_for_private_investment(typed, private):
    load(projects(a_project() + [typed], headers=[*PROJECT_HEADERS, "是否民间投资"]))

    assert Project.objects.get().is_private is private


# ---------------------------------------------------------------- headers and layout


def test_headers_match_with_full_width_brackets_and_stray_spaces():
    headers = [
        " 项目代码 ",
        "项目 名称",
        "责任单位",
        "项目级别",
        "建设性质",
        "总投资（万元）",
        "年度",
        "年度计划投资 （万元）",
        "实际开（复）工日期",
        "是否\u3000民间投资",
    ]
    row = [
        code(1),
        "城关镇污水处理厂",
        "县住建局",
        "县重点",
        "续建",
        1000,
        2024,
        500,
        "2024-3-5",
        "是",
    ]

    load(projects(row, headers=headers))

    project, annual = Project.objects.get(), plan()
    assert (project.name, project.total_investment, project.is_private) == (
        "城关镇污水处理厂",
        1000,
        True,
    )
    assert (annual.level, annual.nature, annual.planned_investment, annual.actual_start) == (
        "county",
        "continuing",
        500,
        date(2024, 3, 5),
    )


def test_columns_may_come_in_any_order():
    headers = list(reversed(PROJECT_HEADERS))
    row = list(reversed(a_project(**{"实际开(复)工日期": "2024-02-01"})))
    report_headers = ["本月完成投资(万元)", "月份", "项目代码", "年度"]

    load(
        {
            "项目台账": [headers, row],
            "月度投资": [report_headers, [12.5, 2, code(1), 2024]],
        }
    )

    assert (plan().project.name, plan().planned_investment) == ("项目1", 500)
    assert (MonthlyReport.objects.get().month, MonthlyReport.objects.get().amount) == (2, 12.5)


def test_blank_rows_are_skipped():
    result = load(
        projects(
            [None] * 9,
            a_project(1),
            ["", "  ", None, "\t"],
            [],
            a_project(2),
            [None, None],
        )
    )

    assert result.sheets["项目台账"].created == 2
    assert Project.objects.count() == 2


def test_sheet_names_with_stray_spaces_are_still_recognised():
    result = load({" 项目台账 ": [PROJECT_HEADERS, a_project()]})

    assert result.sheets["项目台账"].created == 1


def test_an_unknown_sheet_is_ignored_and_the_result_says_so():
    result = load({**projects(), "Sheet1": [["随便写的", "别的"], [1, 2]]})

    assert result.ignored_sheets == ["Sheet1"]
    assert result.lines()[0] == "忽略未知工作表“Sheet1”"
    assert Project.objects.count() == 1


def test_a_workbook_of_only_unknown_sheets_imports_nothing_and_says_which_sheets_it_wanted():
    result = load({"Sheet1": [["项目代码"], [code(1)]]})

    assert result.lines() == [
        "忽略未知工作表“Sheet1”",
        "工作簿中没有可导入的工作表（应为：项目台账、月度投资、项目节点、资金申报、督查问题、三个一批）",
    ]
    assert Project.objects.count() == 0


def test_the_templates_instructions_sheet_is_skipped_silently():
    result = load({"填写说明": [["说明"], ["一个项目一个年度一行"]], **projects()})

    assert result.ignored_sheets == []
    assert result.projects.created == 1


# ---------------------------------------------------------------- units


def test_units_named_anywhere_are_created_when_unknown():
    Unit.objects.create(name="县住建局")
    result = load(
        with_project(
            项目节点=[
                ["项目代码", "节点名称", "计划完成日期", "责任单位"],
                [code(1), "用地批复", "2024-04-01", "县自然资源局"],
            ],
            督查问题=[
                FINDING_HEADERS,
                ["营盘镇", "征迁滞后", "2024-03-01", "2024-04-01", None, None],
            ],
        )
    )

    assert sorted(result.units_created) == sorted(["县自然资源局", "营盘镇"])
    assert Unit.objects.count() == 3
    assert Project.objects.get().unit.name == "县住建局"
    assert Milestone.objects.get().unit.name == "县自然资源局"
    assert Finding.objects.get().unit.name == "营盘镇"
    assert f"新建责任单位2个：{'、'.join(result.units_created)}" in result.lines()


def test_a_unit_already_known_is_not_created_again():
    load(projects())

    result = load(projects(a_project(2)))

    assert result.units_created == []
    assert Unit.objects.count() == 1


# ---------------------------------------------------------------- upsert


def a_full_ledger() -> dict:
    return with_project(
        月度投资=[REPORT_HEADERS, [code(1), 2024, 1, 8], [code(1), 2024, 2, 9]],
        项目节点=[MILESTONE_HEADERS, [code(1), "施工许可", "2024-04-01", None]],
        资金申报=[FUND_HEADERS, [code(1), "专项债券", 2024, 300, None, None, None, None]],
        督查问题=[FINDING_HEADERS, ["营盘镇", "征迁滞后", "2024-03-01", "2024-04-01", None, None]],
    )


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Unit, Project, AnnualPlan, MonthlyReport, Milestone, FundApplication, Finding)
    }


def test_importing_the_same_ledger_twice_changes_nothing_the_second_time():
    load(a_full_ledger())
    before = counts()

    result = load(a_full_ledger())

    assert counts() == before
    assert vars(result.projects) == {"created": 0, "updated": 0, "unchanged": 1}
    assert {name: vars(sheet) for name, sheet in result.sheets.items()} == {
        "项目台账": {"created": 0, "updated": 0, "unchanged": 1},
        "月度投资": {"created": 0, "updated": 0, "unchanged": 2},
        "项目节点": {"created": 0, "updated": 0, "unchanged": 1},
        "资金申报": {"created": 0, "updated": 0, "unchanged": 1},
        "督查问题": {"created": 0, "updated": 0, "unchanged": 1},
    }
    assert result.units_created == []


def test_a_changed_value_updates_that_record_in_place():
    load(a_full_ledger())
    ledger = a_full_ledger()
    ledger["月度投资"][2][3] = "9.5"

    result = load(ledger)

    assert vars(result.sheets["月度投资"]) == {"created": 0, "updated": 1, "unchanged": 1}
    assert MonthlyReport.objects.count() == 2
    assert MonthlyReport.objects.get(month=2).amount == Decimal("9.5")


def test_a_changed_project_name_updates_the_project_not_its_plan_row():
    load(projects())

    result = load(projects(a_project(**{"项目名称": "新名称"})))

    assert vars(result.projects) == {"created": 0, "updated": 1, "unchanged": 0}
    assert vars(result.sheets["项目台账"]) == {"created": 0, "updated": 0, "unchanged": 1}
    assert Project.objects.get().name == "新名称"


def test_closing_out_a_finding_updates_it():
    load(a_full_ledger())
    ledger = a_full_ledger()
    ledger["督查问题"][1][4:] = ["已销号", "2024-03-28"]

    result = load(ledger)

    assert result.sheets["督查问题"].updated == 1
    finding = Finding.objects.get()
    assert (finding.status, finding.closed_on) == ("closed", date(2024, 3, 28))


def test_a_column_left_out_leaves_the_existing_value_alone():
    headers = [*PROJECT_HEADERS, "包抓领导", "是否民间投资"]
    load(
        projects(
            a_project(**{"实际开(复)工日期": "2024-03-05"}) + ["王县长", "是"], headers=headers
        )
    )
    short = [h for h in PROJECT_HEADERS if h != "实际开(复)工日期"]

    load(projects(a_project(**{"项目名称": "新名称"})[: len(short)], headers=short))

    project = Project.objects.get()
    assert (project.name, project.leader, project.is_private) == ("新名称", "王县长", True)
    assert plan().actual_start == date(2024, 3, 5)


def test_a_blank_cell_means_not_given_and_leaves_the_stored_value_alone():
    """DESIGN.md §4: a blank optional cell neither clears a stored value nor conflicts."""
    headers = [*PROJECT_HEADERS, "包抓领导"]
    load(projects(a_project(**{"实际开(复)工日期": "2024-03-05"}) + ["王县长"], headers=headers))

    result = load(projects(a_project() + [None], headers=headers))

    assert Project.objects.get().leader == "王县长"
    assert plan().actual_start == date(2024, 3, 5)
    assert result.changes_nothing


def test_a_report_sheet_without_progress_columns_keeps_the_progress_text():
    load(with_project(月度投资=[[*REPORT_HEADERS, "形象进度"], [code(1), 2024, 3, 8, "主体封顶"]]))

    load({"月度投资": [REPORT_HEADERS, [code(1), 2024, 3, 9]]})

    report = MonthlyReport.objects.get()
    assert (report.amount, report.progress) == (9, "主体封顶")


def test_a_fund_sheet_without_the_status_column_keeps_the_recorded_status():
    """A column left out leaves existing data alone; 状态 is no exception."""
    load(
        with_project(
            资金申报=[FUND_HEADERS, [code(1), "专项债券", 2024, 300, None, None, None, "未获批"]]
        )
    )

    load({"资金申报": [FUND_HEADERS[:4], [code(1), "专项债券", 2024, 300]]})

    assert FundApplication.objects.get().status == "rejected"


# ---------------------------------------------------------------- fund status


@pytest.mark.parametrize(
    ("approved", "allocated", "spent", "status"),
    [
        (None, None, None, "applied"),
        (280, None, None, "approved"),
        (280, 200, None, "allocated"),
        (280, 200, 150, "spent"),
        (None, None, 150, "spent"),
    ],
)
def test_a_blank_fund_status_is_read_from_the_furthest_amount_filled(
    approved, allocated, spent, status
):
    row = [code(1), "专项债券", 2024, 300, approved, allocated, spent, None]

    load(with_project(资金申报=[FUND_HEADERS, row]))

    assert FundApplication.objects.get().status == status


def test_a_fund_status_given_is_kept_even_when_the_amounts_say_otherwise():
    row = [code(1), "中央预算内投资", 2024, 300, None, None, None, "储备"]

    load(with_project(资金申报=[FUND_HEADERS, row]))

    assert FundApplication.objects.get().status == "reserve"


# ---------------------------------------------------------------- codes


@pytest.mark.parametrize("local", ["ZS-2024-001", "ZS_2024.001", "城关2024-01", "A1"])
def test_a_local_project_code_is_accepted(local):
    load(projects(a_project(**{"项目代码": local})))

    assert Project.objects.get().code == local


def test_a_national_code_of_next_year_is_accepted():
    next_year = timezone.localdate().year + 1

    load(projects(a_project(**{"项目代码": code(1, year=next_year)})))

    assert Project.objects.get().code == code(1, year=next_year)


# ---------------------------------------------------------------- results and the command


def test_a_successful_import_is_recorded_with_its_file_and_summary():
    load(a_full_ledger())

    record = LedgerImport.objects.get()
    assert record.filename == "台账.xlsx"
    assert record.summary["projects"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert record.summary["sheets"]["月度投资"] == {"created": 2, "updated": 0, "unchanged": 0}


def test_the_command_prints_what_it_created_and_updated_sheet_by_sheet(tmp_path):
    load(projects())
    path = tmp_path / "三月台账.xlsx"
    path.write_bytes(
        xlsx(
            {
                "项目台账": [PROJECT_HEADERS, a_project(1, **{"项目名称": "新名称"}), a_project(2)],
                "月度投资": [REPORT_HEADERS, [code(1), 2024, 3, 8], [code(2), 2024, 3, 5]],
                "资金申报": [
                    FUND_HEADERS,
                    [code(2), "专项债券", 2024, 300, None, None, None, None],
                ],
                "Sheet3": [],
            }
        )
    )
    out = io.StringIO()

    call_command("import_ledger", str(path), stdout=out)

    assert out.getvalue().splitlines() == [
        "忽略未知工作表“Sheet3”",
        "项目：新增1个，更新1个，未变化0个",
        "项目台账（年度计划）：新增1条，更新0条，未变化1条",
        "月度投资：新增2条，更新0条，未变化0条",
        "资金申报：新增1条，更新0条，未变化0条",
        "导入完成。",
    ]
    assert MonthlyReport.objects.count() == 2


def test_the_command_names_units_it_created(tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx(projects()))
    out = io.StringIO()

    call_command("import_ledger", str(path), stdout=out)

    assert out.getvalue().splitlines() == [
        "新建责任单位1个：县住建局",
        "项目：新增1个，更新0个，未变化0个",
        "项目台账（年度计划）：新增1条，更新0条，未变化0条",
        "导入完成。",
    ]


def test_the_command_dry_run_counts_but_writes_nothing(tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx(a_full_ledger()))
    out = io.StringIO()

    call_command("import_ledger", str(path), "--dry-run", stdout=out)

    assert "月度投资：新增2条，更新0条，未变化0条" in out.getvalue().splitlines()
    assert out.getvalue().splitlines()[-1] == "检查通过（未写入）。"
    assert counts() == dict.fromkeys(counts(), 0)
    assert LedgerImport.objects.count() == 0
