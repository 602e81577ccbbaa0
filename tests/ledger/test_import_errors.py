"""A ledger with a bad row is refused whole: every problem named as ``sheet!row: column:
reason`` in Chinese, and not one record written (DESIGN.md §4)."""

import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from bonds.models import FundApplication
from core.params import YEAR_MAX, YEAR_MIN
from investment.models import MonthlyReport, ReportingPeriod
from ledger.models import LedgerImport
from ledger.rules.reader import LedgerImportError
from ledger.services.importer import import_ledger
from projects.models import AnnualPlan, Milestone, Project, Unit
from supervision.models import Finding
from tests.workbooks import PROJECT_HEADERS, REPORT_HEADERS, code, load, xlsx

WRITTEN_BY_AN_IMPORT = (
    Unit,
    Project,
    AnnualPlan,
    MonthlyReport,
    Milestone,
    FundApplication,
    Finding,
    LedgerImport,
)
MILESTONE_HEADERS = ["项目代码", "节点名称", "计划完成日期", "节点类型"]
FUND_HEADERS = ["项目代码", "资金类型", "年度", "申报金额(万元)", "批复金额(万元)", "状态"]
FINDING_HEADERS = [
    "责任单位",
    "问题描述",
    "发现日期",
    "整改时限",
    "项目代码",
    "问题类别",
    "整改状态",
    "销号日期",
]
NATIONAL_HINT = "国家代码应为“年份-6位行政区划-2位行业-2位类型-6位序号”，如2024-410702-47-01-012345"
DATE_HINT = "如2024-03-05、2024/3/5、2024.3.5或2024年3月5日"


# ---------------------------------------------------------------- helpers


def database_state() -> dict:
    """Every row of every table an import writes, to compare before and after."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in WRITTEN_BY_AN_IMPORT
    }


def project_row(serial: int = 1, **overrides) -> list:
    values = dict(
        zip(
            PROJECT_HEADERS,
            [
                code(serial),
                f"项目{serial}",
                "县交通运输局",
                "县重点",
                "新建",
                1000,
                2024,
                500,
                None,
            ],
            strict=True,
        )
    )
    assert set(overrides) <= set(values), overrides
    values.update(overrides)
    return list(values.values())


def milestone_row(**overrides) -> list:
    values = dict(
        zip(MILESTONE_HEADERS, [code(1), "施工许可", "2024-05-01", "前期手续"], strict=True)
    )
    values.update(overrides)
    return list(values.values())


def fund_row(**overrides) -> list:
    values = dict(zip(FUND_HEADERS, [code(1), "专项债券", 2024, 300, None, None], strict=True))
    values.update(overrides)
    return list(values.values())


def finding_row(**overrides) -> list:
    values = dict(
        zip(
            FINDING_HEADERS,
            ["营盘镇", "征迁滞后", "2024-03-01", "2024-04-01", code(1), "征迁", "整改中", None],
            strict=True,
        )
    )
    values.update(overrides)
    return list(values.values())


SHEET_OF = {
    "project": ("项目台账", PROJECT_HEADERS),
    "reports": ("月度投资", REPORT_HEADERS),
    "milestone": ("项目节点", MILESTONE_HEADERS),
    "fund": ("资金申报", FUND_HEADERS),
    "finding": ("督查问题", FINDING_HEADERS),
}


def a_ledger(**rows) -> dict:
    """Project 1 on 项目台账, then one row on each sheet named by keyword (``project=``
    replaces the project row)."""
    sheets = {"项目台账": [PROJECT_HEADERS, project_row()]}
    for key, row in rows.items():
        name, headers = SHEET_OF[key]
        sheets[name] = [headers, row]
    return sheets


def report(month: object = 3, amount: object = 10, year: object = 2024, serial: int = 1) -> list:
    return [code(serial), year, month, amount]


def problems_of(sheets: dict) -> list[str]:
    """Import ``sheets``; expect a refusal that leaves the database exactly as it was."""
    return problems_of_file(xlsx(sheets))


def problems_of_file(data: bytes) -> list[str]:
    before = database_state()
    with pytest.raises(LedgerImportError) as refused:
        import_ledger(data=data, filename="台账.xlsx")
    assert database_state() == before
    return [str(problem) for problem in refused.value.problems]


def rewrite(data: bytes, member: str, change) -> bytes:
    """The same .xlsx with one zip member's bytes passed through ``change``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info, change(content) if info.filename == member else content)
    return out.getvalue()


def test_the_helpers_build_a_ledger_that_imports():
    """The rows every test below spoils are good as they stand."""
    load(
        a_ledger(
            reports=report(), milestone=milestone_row(), fund=fund_row(), finding=finding_row()
        )
    )

    assert Project.objects.count() == 1
    assert MonthlyReport.objects.count() == Milestone.objects.count() == 1
    assert FundApplication.objects.count() == Finding.objects.count() == 1


# ---------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("abc", '应为金额（万元）的数字，实际为"abc"'),
        ("十万", '应为金额（万元）的数字，实际为"十万"'),
        ("1,23,4", '应为金额（万元）的数字，实际为"1,23,4"'),
        ("1e3", '应为金额（万元）的数字，实际为"1e3"'),
    ],
)
def test_it_refuses_an_amount_typed_as_words(typed, reason):
    assert problems_of(a_ledger(reports=report(amount=typed))) == [
        f"月度投资!2: 本月完成投资(万元): {reason}"
    ]


@pytest.mark.parametrize(
    ("typed", "shown"),
    [(-5, "-5"), (-0.5, "-0.5"), ("-5", "-5"), ("－5", "－5"), (Decimal("-0.0001"), "-0.0001")],
)
def test_it_refuses_a_negative_amount(typed, shown):
    assert problems_of(a_ledger(reports=report(amount=typed))) == [
        f'月度投资!2: 本月完成投资(万元): 金额不能为负数，实际为"{shown}"'
    ]


def test_it_refuses_a_negative_total_or_planned_investment():
    sheets = {
        "项目台账": [
            PROJECT_HEADERS,
            project_row(1, **{"总投资(万元)": -1000}),
            project_row(2, **{"年度计划投资(万元)": "-1"}),
        ]
    }

    assert problems_of(sheets) == [
        '项目台账!2: 总投资(万元): 金额不能为负数，实际为"-1000"',
        '项目台账!3: 年度计划投资(万元): 金额不能为负数，实际为"-1"',
    ]


@pytest.mark.parametrize("typed", ["NaN", "nan", "inf", "-Infinity"])
def test_it_refuses_not_a_number_typed_as_text(typed):
    assert problems_of(a_ledger(reports=report(amount=typed))) == [
        f'月度投资!2: 本月完成投资(万元): 应为金额（万元）的数字，实际为"{typed}"'
    ]


def test_a_nan_written_into_a_cell_arrives_blank_and_a_required_amount_is_then_missing():
    """openpyxl stores float('nan') as an empty value: the clerk's cell is blank."""
    sheets = a_ledger(reports=report(amount=float("nan")))

    assert problems_of(sheets) == ["月度投资!2: 本月完成投资(万元): 必填，不能为空"]


def test_an_infinite_number_cell_is_refused():
    """A number cell holding 1e999 reads as infinity, which is no amount."""
    data = rewrite(
        xlsx(a_ledger(reports=report(amount=123456))),
        "xl/worksheets/sheet2.xml",
        lambda xml: xml.replace(b"<v>123456</v>", b"<v>1e999</v>"),
    )

    assert problems_of_file(data) == [
        '月度投资!2: 本月完成投资(万元): 应为金额（万元），实际为"inf"'
    ]


def test_a_number_cell_holding_nan_is_refused_as_a_damaged_workbook_not_a_crash():
    """A writer other than Excel may store a NaN as ``<v>NaN</v>`` in a number cell.

    That cannot be read as a number; the clerk must get the import's own message,
    never an unexplained server error.
    """
    data = rewrite(
        xlsx(a_ledger(reports=report(amount=123456))),
        "xl/worksheets/sheet2.xml",
        lambda xml: xml.replace(b"<v>123456</v>", b"<v>NaN</v>"),
    )

    assert problems_of_file(data) == [
        "无法读取该工作簿，文件可能已损坏。请在 Excel 中“另存为”Excel 工作簿（*.xlsx）后再导入"
    ]


@pytest.mark.parametrize(
    ("typed", "shown"), [("12.34567", "12.34567"), (12.34567, "12.34567"), ("0.00001", "0.00001")]
)
def test_it_refuses_an_amount_with_more_than_4_decimal_places(typed, shown):
    assert problems_of(a_ledger(reports=report(amount=typed))) == [
        f'月度投资!2: 本月完成投资(万元): 金额最多保留4位小数（万元），实际为"{shown}"'
    ]


def test_it_refuses_a_bad_amount_in_every_amount_column_of_the_fund_sheet():
    headers = FUND_HEADERS[:5] + ["下达金额(万元)", "支出金额(万元)"]
    sheets = {
        "项目台账": [PROJECT_HEADERS, project_row()],
        "资金申报": [headers, [code(1), "专项债券", 2024, "三百", -1, "1.123456", "NaN"]],
    }

    assert problems_of(sheets) == [
        '资金申报!2: 申报金额(万元): 应为金额（万元）的数字，实际为"三百"',
        '资金申报!2: 批复金额(万元): 金额不能为负数，实际为"-1"',
        '资金申报!2: 下达金额(万元): 金额最多保留4位小数（万元），实际为"1.123456"',
        '资金申报!2: 支出金额(万元): 应为金额（万元）的数字，实际为"NaN"',
    ]


# ---------------------------------------------------------------- coded columns


@pytest.mark.parametrize(
    ("sheet", "column", "typed", "accepted"),
    [
        ("project", "项目级别", "国家重点", "省重点、市重点、县重点"),
        ("project", "建设性质", "改扩建", "新建、续建"),
        (
            "fund",
            "资金类型",
            "地方债",
            "专项债券、中央预算内投资、省预算内投资、一般债券、政策性开发性金融工具、中长期贷款",
        ),
        ("fund", "状态", "已拨付", "储备、已申报、已批复、已下达、已支出、未获批"),
        ("finding", "整改状态", "已解决", "未整改、整改中、已整改、已销号"),
        ("finding", "问题类别", "土地", "用地、资金、审批、环评、征迁、水电气、其他"),
        ("milestone", "节点类型", "里程碑", "前期手续、建设节点、其他"),
    ],
)
def test_it_refuses_an_unknown_coded_value_and_names_every_accepted_one(
    sheet, column, typed, accepted
):
    make = {"project": project_row, "fund": fund_row, "finding": finding_row}
    row = make.get(sheet, milestone_row)(**{column: typed})
    sheet_name = SHEET_OF[sheet][0]

    assert problems_of(a_ledger(**{sheet: row})) == [
        f'{sheet_name}!2: {column}: 应为以下之一：{accepted}，实际为"{typed}"'
    ]


def test_a_stored_code_is_not_accepted_in_place_of_its_chinese_label():
    assert problems_of(a_ledger(project=project_row(**{"项目级别": "county"}))) == [
        '项目台账!2: 项目级别: 应为以下之一：省重点、市重点、县重点，实际为"county"'
    ]


# ---------------------------------------------------------------- months, years and dates


@pytest.mark.parametrize(("typed", "shown"), [(13, "13"), (0, "0"), ("13月", "13月"), (-1, "-1")])
def test_it_refuses_a_month_outside_1_to_12(typed, shown):
    assert problems_of(a_ledger(reports=report(month=typed))) == [
        f'月度投资!2: 月份: 应为1–12的整数，实际为"{shown}"'
    ]


@pytest.mark.parametrize(("typed", "shown"), [(3.5, "3.5"), ("三月", "三月"), ("Q1", "Q1")])
def test_it_refuses_a_month_that_is_not_a_whole_number(typed, shown):
    assert problems_of(a_ledger(reports=report(month=typed))) == [
        f'月度投资!2: 月份: 应为1–12的整数，实际为"{shown}"'
    ]


@pytest.mark.parametrize(
    ("typed", "shown"),
    [(YEAR_MIN - 1, f"{YEAR_MIN - 1}"), (YEAR_MAX + 1, f"{YEAR_MAX + 1}"), ("24", "24")],
)
def test_it_refuses_a_year_outside_the_years_a_plan_may_name(typed, shown):
    assert problems_of(a_ledger(project=project_row(**{"年度": typed}))) == [
        f'项目台账!2: 年度: 应为{YEAR_MIN}–{YEAR_MAX}的整数，实际为"{shown}"'
    ]


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("2024-02-30", '不是有效的日期，实际为"2024-02-30"'),
        ("2023年2月29日", '不是有效的日期，实际为"2023年2月29日"'),
        ("2024/13/1", '不是有效的日期，实际为"2024/13/1"'),
        ("明年三月", f'应为日期（{DATE_HINT}），实际为"明年三月"'),
        ("3/5/2024", f'应为日期（{DATE_HINT}），实际为"3/5/2024"'),
        (45356, f'应为日期（{DATE_HINT}），实际为"45356"'),
    ],
)
def test_it_refuses_a_date_that_is_not_a_date(typed, reason):
    assert problems_of(a_ledger(project=project_row(**{"实际开(复)工日期": typed}))) == [
        f"项目台账!2: 实际开(复)工日期: {reason}"
    ]


def test_it_refuses_bad_dates_on_the_milestone_and_finding_sheets():
    sheets = a_ledger(
        milestone=milestone_row(**{"计划完成日期": "2024-02-30"}),
        finding=finding_row(**{"发现日期": "明年三月", "整改时限": "2024-04-31"}),
    )

    assert problems_of(sheets) == [
        '项目节点!2: 计划完成日期: 不是有效的日期，实际为"2024-02-30"',
        f'督查问题!2: 发现日期: 应为日期（{DATE_HINT}），实际为"明年三月"',
        '督查问题!2: 整改时限: 不是有效的日期，实际为"2024-04-31"',
    ]


def test_it_refuses_a_planned_end_before_the_planned_start():
    headers = PROJECT_HEADERS + ["计划开工日期", "计划竣工日期"]
    sheets = {"项目台账": [headers, project_row() + ["2024-06-01", "2024-05-31"]]}

    assert problems_of(sheets) == ["项目台账!2: 计划竣工日期: 计划竣工日期早于计划开工日期"]


# ---------------------------------------------------------------- references


def test_it_refuses_a_report_for_a_project_in_neither_the_database_nor_the_workbook():
    sheets = {"月度投资": [REPORT_HEADERS, report(serial=9)]}

    assert problems_of(sheets) == [
        f"月度投资!2: 项目代码: 项目代码“{code(9)}”在系统和本工作簿“项目台账”中都不存在"
    ]


def test_a_project_of_another_workbook_row_does_not_make_an_unknown_code_known():
    sheets = {
        "项目台账": [PROJECT_HEADERS, project_row(1)],
        "月度投资": [REPORT_HEADERS, report(serial=2)],
    }

    assert problems_of(sheets) == [
        f"月度投资!2: 项目代码: 项目代码“{code(2)}”在系统和本工作簿“项目台账”中都不存在"
    ]


def test_it_refuses_a_milestone_for_an_unknown_project():
    sheets = {"项目节点": [MILESTONE_HEADERS, milestone_row(**{"项目代码": code(7)})]}

    assert problems_of(sheets) == [
        f"项目节点!2: 项目代码: 项目代码“{code(7)}”在系统和本工作簿“项目台账”中都不存在"
    ]


def test_it_refuses_a_fund_application_and_a_finding_for_an_unknown_project():
    sheets = {
        "资金申报": [FUND_HEADERS, fund_row(**{"项目代码": code(8)})],
        "督查问题": [FINDING_HEADERS, finding_row(**{"项目代码": code(8)})],
    }

    missing = f"项目代码“{code(8)}”在系统和本工作簿“项目台账”中都不存在"
    assert problems_of(sheets) == [
        f"资金申报!2: 项目代码: {missing}",
        f"督查问题!2: 项目代码: {missing}",
    ]


def test_it_refuses_a_report_for_a_year_the_workbook_does_not_plan_the_project_in():
    sheets = a_ledger(reports=report(year=2025))

    assert problems_of(sheets) == [
        f"月度投资!2: 年度: 项目“{code(1)}”未列入2025年度重点项目计划，请先在“项目台账”中填写该年度"
    ]


def test_it_refuses_a_report_for_a_year_the_database_does_not_plan_the_project_in():
    load({"项目台账": [PROJECT_HEADERS, project_row()]})

    assert problems_of({"月度投资": [REPORT_HEADERS, report(year=2023)]}) == [
        f"月度投资!2: 年度: 项目“{code(1)}”未列入2023年度重点项目计划，请先在“项目台账”中填写该年度"
    ]


def test_a_report_on_a_refused_project_row_is_not_blamed_a_second_time():
    sheets = a_ledger(project=project_row(**{"项目级别": "乡重点"}), reports=report())

    assert problems_of(sheets) == [
        '项目台账!2: 项目级别: 应为以下之一：省重点、市重点、县重点，实际为"乡重点"'
    ]


# ---------------------------------------------------------------- duplicates


def test_it_refuses_the_same_project_and_year_twice_in_the_workbook():
    sheets = {"项目台账": [PROJECT_HEADERS, project_row(1), project_row(2), project_row(1)]}

    assert problems_of(sheets) == [
        "项目台账!4: 年度: 与项目台账!2重复（项目代码和年度相同），同一记录只能填写一行"
    ]


def test_it_refuses_the_same_report_month_twice_even_when_typed_differently():
    sheets = a_ledger()
    sheets["月度投资"] = [REPORT_HEADERS, report(month=3), report(month=4), report(month="3月")]

    assert problems_of(sheets) == [
        "月度投资!4: 月份: 与月度投资!2重复（项目代码、年度和月份相同），同一记录只能填写一行"
    ]


def test_it_refuses_the_same_milestone_name_twice_for_one_project():
    sheets = a_ledger()
    sheets["项目节点"] = [
        MILESTONE_HEADERS,
        milestone_row(),
        milestone_row(**{"计划完成日期": "2024-06-01"}),
    ]

    assert problems_of(sheets) == [
        "项目节点!3: 节点名称: 与项目节点!2重复（项目代码和节点名称相同），同一记录只能填写一行"
    ]


# ---------------------------------------------------------------- project codes


def test_it_refuses_a_national_code_with_a_5_digit_division():
    bad = "2024-51062-47-01-012345"

    assert problems_of(a_ledger(project=project_row(**{"项目代码": bad}))) == [
        f'项目台账!2: 项目代码: 格式不正确。{NATIONAL_HINT}，实际为"{bad}"'
    ]


@pytest.mark.parametrize(
    "bad", ["2024-510623-47-1-012345", "2024-510623-47-01-12345", "24-510623-47-01-012345"]
)
def test_it_refuses_a_national_code_of_the_wrong_shape(bad):
    assert problems_of(a_ledger(project=project_row(**{"项目代码": bad}))) == [
        f'项目台账!2: 项目代码: 格式不正确。{NATIONAL_HINT}，实际为"{bad}"'
    ]


@pytest.mark.parametrize("year", [YEAR_MIN - 1, 2099])
def test_it_refuses_a_national_code_with_an_implausible_year(year):
    bad = code(1, year=year)
    latest = timezone.localdate().year + 1

    assert problems_of(a_ledger(project=project_row(**{"项目代码": bad}))) == [
        f'项目台账!2: 项目代码: 代码中的年份{year}不合理，应在{YEAR_MIN}–{latest}之间，实际为"{bad}"'
    ]


@pytest.mark.parametrize("bad", ["ZS 2024 001", "ZS-2024　001", "-ZS2024", "Z", "ZS/2024/001"])
def test_it_refuses_a_local_code_with_spaces_or_odd_characters(bad):
    assert problems_of(a_ledger(project=project_row(**{"项目代码": bad}))) == [
        "项目台账!2: 项目代码: 格式不正确。本地代码应为2–40位字母、数字、汉字或 - _ . ，不含空格；"
        f'{NATIONAL_HINT}，实际为"{bad}"'
    ]


def test_a_malformed_code_on_a_report_is_named_on_the_report():
    bad = "2024-51062-47-01-012345"

    assert problems_of({"月度投资": [REPORT_HEADERS, [bad, 2024, 3, 10]]}) == [
        f'月度投资!2: 项目代码: 格式不正确。{NATIONAL_HINT}，实际为"{bad}"'
    ]


# ---------------------------------------------------------------- columns and blank cells


def test_a_missing_required_column_is_one_message_not_one_per_row():
    missing = PROJECT_HEADERS.index("总投资(万元)")
    headers = [h for i, h in enumerate(PROJECT_HEADERS) if i != missing]
    rows = [[v for i, v in enumerate(project_row(serial)) if i != missing] for serial in (1, 2, 3)]

    assert problems_of({"项目台账": [headers, *rows]}) == ["项目台账!1: 总投资(万元): 缺少必填列"]


def test_every_missing_required_column_of_a_sheet_is_named():
    sheets = {"月度投资": [["项目代码", "形象进度"], [code(1), "主体完工"]]}

    assert problems_of(sheets) == [
        "月度投资!1: 年度: 缺少必填列",
        "月度投资!1: 月份: 缺少必填列",
        "月度投资!1: 本月完成投资(万元): 缺少必填列",
    ]


def test_a_header_given_twice_is_refused():
    headers = [*REPORT_HEADERS, "月份"]

    assert problems_of({"月度投资": [headers, [*report(), 4]]}) == [
        "月度投资!1: 月份: 列名重复，每列只能出现一次"
    ]


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_required_cell_is_named(blank):
    assert problems_of(a_ledger(project=project_row(**{"项目名称": blank}))) == [
        "项目台账!2: 项目名称: 必填，不能为空"
    ]


def test_each_blank_required_cell_of_a_row_is_named():
    assert problems_of(a_ledger(reports=[code(1), 2024, None, ""])) == [
        "月度投资!2: 月份: 必填，不能为空",
        "月度投资!2: 本月完成投资(万元): 必填，不能为空",
    ]


def test_an_excel_error_value_is_refused_with_advice_to_check_the_formula():
    assert problems_of(a_ledger(reports=report(amount="#DIV/0!"))) == [
        "月度投资!2: 本月完成投资(万元): 单元格是Excel错误值“#DIV/0!”，请检查公式后填写"
    ]


# ---------------------------------------------------------------- many problems at once


def test_every_bad_row_of_every_sheet_is_reported_at_once_in_sheet_and_row_order():
    sheets = {
        # Sheets in a clerk's order, not the workbook's: problems come in the pinned order.
        "督查问题": [
            FINDING_HEADERS,
            finding_row(),
            finding_row(**{"问题描述": "用地未报批", "整改状态": "已销号"}),
        ],
        "月度投资": [REPORT_HEADERS, report(month=13), report(month=4, amount="abc")],
        "项目台账": [
            PROJECT_HEADERS,
            project_row(1),
            project_row(2, **{"项目级别": "乡重点"}),
            project_row(3),
            project_row(4, **{"建设性质": "", "年度计划投资(万元)": "五百"}),
            project_row(5, **{"项目代码": "ZS 005"}),
        ],
    }

    assert problems_of(sheets) == [
        '项目台账!3: 项目级别: 应为以下之一：省重点、市重点、县重点，实际为"乡重点"',
        "项目台账!5: 建设性质: 必填，不能为空",
        '项目台账!5: 年度计划投资(万元): 应为金额（万元）的数字，实际为"五百"',
        "项目台账!6: 项目代码: 格式不正确。本地代码应为2–40位字母、数字、汉字或 - _ . ，不含空格；"
        f'{NATIONAL_HINT}，实际为"ZS 005"',
        '月度投资!2: 月份: 应为1–12的整数，实际为"13"',
        '月度投资!3: 本月完成投资(万元): 应为金额（万元）的数字，实际为"abc"',
        "督查问题!3: 销号日期: 整改状态为“已销号”时必须填写销号日期",
    ]


def test_row_numbers_are_the_sheet_rows_the_clerk_sees_even_after_blank_rows():
    sheets = {
        "项目台账": [
            PROJECT_HEADERS,
            [None] * 9,
            project_row(1),
            ["", " "],
            project_row(2, **{"年度": 13}),
        ]
    }

    assert problems_of(sheets) == [f'项目台账!5: 年度: 应为{YEAR_MIN}–{YEAR_MAX}的整数，实际为"13"']


# ---------------------------------------------------------------- findings


def test_it_refuses_a_finding_closed_out_without_a_closing_date():
    sheets = a_ledger(finding=finding_row(**{"整改状态": "已销号", "销号日期": None}))

    assert problems_of(sheets) == ["督查问题!2: 销号日期: 整改状态为“已销号”时必须填写销号日期"]


def test_it_refuses_a_closing_date_on_a_finding_not_closed_out():
    sheets = a_ledger(finding=finding_row(**{"整改状态": "已整改", "销号日期": "2024-03-20"}))

    assert problems_of(sheets) == ["督查问题!2: 整改状态: 已填写销号日期，整改状态应为“已销号”"]


def test_it_refuses_a_finding_whose_dates_run_backwards():
    sheets = a_ledger()
    sheets["督查问题"] = [
        FINDING_HEADERS,
        finding_row(**{"整改时限": "2024-02-01"}),
        finding_row(**{"问题描述": "用地未报批", "整改状态": "已销号", "销号日期": "2024-02-01"}),
    ]

    assert problems_of(sheets) == [
        "督查问题!2: 整改时限: 整改时限早于发现日期",
        "督查问题!3: 销号日期: 销号日期早于发现日期",
    ]


# ---------------------------------------------------------------- locked months


def test_it_refuses_to_change_a_locked_month():
    ReportingPeriod.objects.create(year=2024, month=3, locked_at=timezone.now())

    assert problems_of(a_ledger(reports=report(month=3))) == [
        "月度投资!2: 月份: 2024年3月已锁定，不能再修改该月数据；如需更正请先在“报表审核”页写明原因解锁"
    ]


def test_a_locked_month_refuses_the_whole_workbook_not_just_its_own_rows():
    ReportingPeriod.objects.create(year=2024, month=3, locked_at=timezone.now())
    sheets = a_ledger(fund=fund_row())
    sheets["月度投资"] = [REPORT_HEADERS, report(month=2), report(month=3), report(month=4)]

    assert problems_of(sheets) == [
        "月度投资!3: 月份: 2024年3月已锁定，不能再修改该月数据；如需更正请先在“报表审核”页写明原因解锁"
    ]


def test_the_same_month_of_another_year_and_an_unlocked_period_still_import():
    ReportingPeriod.objects.create(year=2024, month=3, locked_at=timezone.now())
    ReportingPeriod.objects.create(year=2024, month=4, locked_at=None)
    sheets = {
        "项目台账": [PROJECT_HEADERS, project_row(), project_row(**{"年度": 2023})],
        "月度投资": [REPORT_HEADERS, report(month=3, year=2023), report(month=4)],
    }

    result = load(sheets)

    assert result.sheets["月度投资"].created == 2


# ---------------------------------------------------------------- all or nothing


def existing_portfolio() -> None:
    load(
        {
            "项目台账": [PROJECT_HEADERS, project_row(1), project_row(2)],
            "月度投资": [REPORT_HEADERS, report(month=1, serial=1), report(month=1, serial=2)],
            "资金申报": [FUND_HEADERS, fund_row()],
            "督查问题": [FINDING_HEADERS, finding_row()],
        }
    )


def test_one_bad_row_among_many_good_updates_leaves_the_database_exactly_as_it_was():
    existing_portfolio()
    good_projects = [
        project_row(serial, **{"项目名称": f"改名{serial}"}) for serial in range(1, 40)
    ]
    sheets = {
        "项目台账": [PROJECT_HEADERS, *good_projects],
        "月度投资": [
            REPORT_HEADERS,
            report(month=1, amount=99, serial=1),
            *[report(month=2, serial=serial) for serial in range(1, 40)],
        ],
        "资金申报": [FUND_HEADERS, fund_row(**{"批复金额(万元)": 250})],
        "项目节点": [MILESTONE_HEADERS, milestone_row()],
        "督查问题": [
            FINDING_HEADERS,
            finding_row(**{"整改状态": "已销号", "销号日期": "2024-03-25"}),
            finding_row(
                **{"问题描述": "新问题", "责任单位": "新成立的单位", "整改时限": "2024-02-01"}
            ),
        ],
    }

    assert problems_of(sheets) == ["督查问题!3: 整改时限: 整改时限早于发现日期"]
    assert Project.objects.get(code=code(1)).name == "项目1"
    assert MonthlyReport.objects.get(plan__project__code=code(1), month=1).amount == 10
    assert FundApplication.objects.get().approved is None
    assert Finding.objects.get().status == "in_progress"
    assert not Unit.objects.filter(name="新成立的单位").exists()
    assert LedgerImport.objects.count() == 1


def test_a_refused_import_into_an_empty_database_writes_nothing_at_all():
    sheets = {
        "项目台账": [PROJECT_HEADERS, *[project_row(serial) for serial in range(1, 20)]],
        "月度投资": [REPORT_HEADERS, report(month=1), report(month=1, serial=99)],
        "项目节点": [MILESTONE_HEADERS, milestone_row()],
        "资金申报": [FUND_HEADERS, fund_row()],
        "督查问题": [FINDING_HEADERS, finding_row()],
    }

    assert problems_of(sheets) == [
        f"月度投资!3: 项目代码: 项目代码“{code(99)}”在系统和本工作簿“项目台账”中都不存在"
    ]
    for model in WRITTEN_BY_AN_IMPORT:
        assert model.objects.count() == 0, model.__name__


# ---------------------------------------------------------------- the command


def test_the_command_fails_writes_each_problem_to_stderr_and_writes_nothing(tmp_path):
    existing_portfolio()
    before = database_state()
    path = tmp_path / "三月台账.xlsx"
    path.write_bytes(
        xlsx(
            {
                "项目台账": [PROJECT_HEADERS, project_row(1, **{"项目名称": "改名"})],
                "月度投资": [REPORT_HEADERS, report(month=13), report(month=3, amount=-2)],
            }
        )
    )
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("import_ledger", str(path), stdout=out, stderr=err)

    assert str(failed.value) == "导入失败：发现2处问题，未写入任何数据。请修改后重新导入。"
    assert err.getvalue().splitlines() == [
        '月度投资!2: 月份: 应为1–12的整数，实际为"13"',
        '月度投资!3: 本月完成投资(万元): 金额不能为负数，实际为"-2"',
    ]
    assert out.getvalue() == ""
    assert database_state() == before


def test_the_command_explains_a_refused_file_on_stderr(tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes("项目代码,项目名称\n".encode())
    err = io.StringIO()

    with pytest.raises(CommandError, match=re.escape("发现1处问题，未写入任何数据")):
        call_command("import_ledger", str(path), stderr=err)

    assert "该文件不是有效的 Excel 工作簿（.xlsx）" in err.getvalue()
    assert Project.objects.count() == 0


def test_the_command_dry_run_on_a_bad_ledger_fails_the_same_way(tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx(a_ledger(reports=report(month=0))))
    err = io.StringIO()

    with pytest.raises(CommandError, match="发现1处问题"):
        call_command("import_ledger", str(path), "--dry-run", stderr=err)

    assert err.getvalue().splitlines() == ['月度投资!2: 月份: 应为1–12的整数，实际为"0"']
    assert Project.objects.count() == 0
