"""An export re-imports unchanged: into an empty database it gives the same figures."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.management import call_command

from bonds.models import FundApplication
from core.xlsx import render_workbook
from investment.models import MonthlyReport
from investment.rules.periods import Period
from investment.selectors.portfolio import portfolio_summary
from ledger.documents.exporter import ledger_sheets, template_sheets
from ledger.services.importer import import_ledger
from projects.models import AnnualPlan, Milestone, Project, Unit
from supervision.models import Finding
from tests.workbooks import code, load, read_back

FULL_PROJECT_HEADERS: list[Any] = [
    "项目代码",
    "项目名称",
    "责任单位",
    "项目级别",
    "建设性质",
    "总投资(万元)",
    "年度",
    "年度计划投资(万元)",
    "行业类别",
    "计划开工日期",
    "计划竣工日期",
    "实际开(复)工日期",
    "包抓领导",
    "是否民间投资",
    "建设内容",
    "项目阶段",
    "纳统日期",
    "服务专员",
    "原总投资(万元)",
    "原计划竣工日期",
    "替换为",  # ours, beyond DESIGN.md §4's list: a 替换 survives the round trip
    "签约日期",  # 三个一批 (DESIGN.md §3): the dates 签约率 and 投产率 read
    "投产日期",
]


def a_full_ledger() -> dict:
    projects = [FULL_PROJECT_HEADERS]
    reports: list[list[Any]] = [
        ["项目代码", "年度", "月份", "本月完成投资(万元)", "形象进度", "存在问题"]
    ]
    for serial in range(1, 13):
        project_code = code(serial) if serial % 4 else f"ZS-LOCAL-{serial:03d}"
        for year in (2023, 2024):
            projects.append(
                [
                    project_code,
                    f"柞水县第{serial}号重点项目",
                    ("县住建局", "县交通局", "营盘镇")[serial % 3],
                    ("省重点", "市重点", "县重点")[serial % 3],
                    "新建" if year == 2023 else "续建",
                    Decimal("12345.6789") * serial,
                    year,
                    Decimal("1000.5") * serial,
                    "基础设施",
                    date(2023, 3, serial),
                    date(2026, 12, 31),
                    date(year, 2, serial) if serial % 5 else None,
                    "张副县长",
                    "是" if serial % 2 else "否",
                    "道路及配套管网建设",
                    ("储备", "前期", "在建", "竣工", "投产", "替换")[serial % 6],
                    date(year, 4, serial) if serial % 3 else None,
                    f"服务专员{serial}",
                ]
            )
            for month in (1, 2, 3, 4):
                reports.append(
                    [project_code, year, month, Decimal("12.3456") * month, "主体施工", ""]
                )
    return {
        "项目台账": projects,
        "月度投资": reports,
        "项目节点": [
            ["项目代码", "节点名称", "计划完成日期", "节点类型", "实际完成日期", "责任单位"],
            [code(1), "用地批复", date(2024, 3, 1), "前期手续", date(2024, 2, 20), "县自然资源局"],
            [code(1), "主体封顶", date(2024, 9, 30), "建设节点", None, None],
        ],
        "资金申报": [
            ["项目代码", "资金类型", "年度", "申报金额(万元)", "批次", "批复金额(万元)"],
            [code(2), "专项债券", 2024, 5000, "第一批", 3000],
            [code(3), "中央预算内投资", 2024, 800, None, None],
        ],
        "督查问题": [
            ["责任单位", "问题描述", "发现日期", "整改时限", "项目代码", "问题类别", "整改状态"],
            [
                "营盘镇",
                "征迁进度滞后",
                date(2024, 3, 5),
                date(2024, 4, 5),
                code(3),
                "征迁",
                "整改中",
            ],
            ["县住建局", "施工许可未办结", date(2024, 2, 1), date(2024, 3, 1), None, "审批", None],
        ],
    }


def empty_the_database() -> None:
    for model in (Finding, FundApplication, MonthlyReport, Milestone, AnnualPlan, Project, Unit):
        model.objects.all().delete()


def test_an_export_reimported_into_an_empty_database_gives_the_same_figures():
    load(a_full_ledger())
    before = {
        (y, m): portfolio_summary(Period.of(y, m)).as_json() for y in (2023, 2024) for m in (3, 12)
    }
    exported = render_workbook(ledger_sheets())

    empty_the_database()
    result = import_ledger(data=exported, filename="导出.xlsx")

    assert result.sheets["项目台账"].created == 24
    after = {
        (y, m): portfolio_summary(Period.of(y, m)).as_json() for y in (2023, 2024) for m in (3, 12)
    }
    assert after == before
    assert read_back(render_workbook(ledger_sheets())) == read_back(exported)


def test_an_export_reimported_over_itself_changes_nothing():
    load(a_full_ledger())
    exported = render_workbook(ledger_sheets())

    result = import_ledger(data=exported, filename="导出.xlsx")

    assert all(sheet.created == 0 and sheet.updated == 0 for sheet in result.sheets.values())
    assert result.projects.unchanged == 12


def test_a_year_export_holds_that_years_plan_rows_and_reports_only():
    load(a_full_ledger())

    sheets = read_back(render_workbook(ledger_sheets(year=2024)))

    assert {row[6] for row in sheets["项目台账"][1:]} == {2024}
    assert len(sheets["项目台账"]) == 13
    assert {row[1] for row in sheets["月度投资"][1:]} == {2024}
    assert len(sheets["资金申报"]) == 3


def test_the_command_writes_every_sheet_with_the_pinned_headers(tmp_path, capsys):
    load(a_full_ledger())
    path = tmp_path / "export.xlsx"

    call_command("export_ledger", "--year", "2024", "-o", str(path))

    sheets = read_back(path.read_bytes())
    assert list(sheets) == ["项目台账", "月度投资", "项目节点", "资金申报", "督查问题", "三个一批"]
    assert list(sheets["项目台账"][0]) == FULL_PROJECT_HEADERS
    assert sheets["督查问题"][0][:4] == ("责任单位", "问题描述", "发现日期", "整改时限")
    assert "已导出" in capsys.readouterr().out


def test_the_template_has_every_header_and_lists_the_accepted_values(tmp_path):
    path = tmp_path / "模板.xlsx"

    call_command("ledger_template", "-o", str(path))

    sheets = read_back(path.read_bytes())
    assert sheets["项目台账"] == [tuple(FULL_PROJECT_HEADERS)]
    guide = "\n".join(str(cell) for row in sheets["填写说明"] for cell in row if cell)
    assert "可选值：省重点、市重点、县重点" in guide
    assert "可选值：储备、前期、在建、竣工、投产、替换" in guide
    assert "纳统日期" in guide and "服务专员" in guide
    assert "选填列留空表示“未填写”：不会清空系统中已有的内容" in guide
    assert (
        "可选值：专项债券、中央预算内投资、省预算内投资、一般债券、政策性开发性金融工具、中长期贷款"
        in guide
    )
    assert read_back(render_workbook(template_sheets()))["督查问题"][0][0] == "责任单位"


def test_the_empty_template_imports_as_nothing_to_do():
    result = import_ledger(data=render_workbook(template_sheets()), filename="模板.xlsx")

    assert result.ignored_sheets == []
    assert Project.objects.count() == 0


def test_an_export_reimports_over_a_locked_month_when_nothing_changed():
    from django.utils import timezone

    from investment.models import ReportingPeriod

    load(a_full_ledger())
    ReportingPeriod.objects.create(year=2024, month=3, locked_at=timezone.now())

    result = import_ledger(data=render_workbook(ledger_sheets()), filename="导出.xlsx")

    assert result.sheets["月度投资"].updated == 0
