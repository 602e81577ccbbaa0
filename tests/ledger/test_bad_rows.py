"""Bad rows: every one reported as ``sheet!row: column: reason``, and nothing written."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from bonds.models import FundApplication
from investment.models import MonthlyReport, ReportingPeriod
from ledger.reader import LedgerImportError
from projects.models import AnnualPlan, Milestone, Project, Unit
from supervision.models import Finding
from tests.workbooks import PROJECT_HEADERS, REPORT_HEADERS, code, load, xlsx

ALL_MODELS = (Unit, Project, AnnualPlan, MonthlyReport, Milestone, FundApplication, Finding)


def database_state() -> dict:
    return {model.__name__: list(model.objects.values()) for model in ALL_MODELS}


def project_row(serial: int = 1, **overrides) -> list:
    row = dict(
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
    row.update(overrides)
    return list(row.values())


def problems_of(sheets: dict) -> list[str]:
    """Import ``sheets``, expecting a refusal that changes nothing; return its lines."""
    before = database_state()
    with pytest.raises(LedgerImportError) as refused:
        load(sheets)
    assert database_state() == before
    return [str(problem) for problem in refused.value.problems]


def one_project_with(**overrides) -> dict:
    return {"项目台账": [PROJECT_HEADERS, project_row(**overrides)]}


def one_report_with(month: object = 1, amount: object = 10) -> dict:
    return {
        "项目台账": [PROJECT_HEADERS, project_row()],
        "月度投资": [REPORT_HEADERS, [code(1), 2024, month, amount]],
    }


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("abc", '应为金额（万元）的数字，实际为"abc"'),
        (-5, '金额不能为负数，实际为"-5"'),
        ("-5", '金额不能为负数，实际为"-5"'),
        ("#NUM!", "单元格是Excel错误值“#NUM!”，请检查公式后填写"),
        ("#DIV/0!", "单元格是Excel错误值“#DIV/0!”，请检查公式后填写"),
        ("NaN", '应为金额（万元）的数字，实际为"NaN"'),
        ("12.34567", '金额最多保留4位小数（万元），实际为"12.34567"'),
        (True, '应为金额（万元），实际为"True"'),
        ("1,23,4", '应为金额（万元）的数字，实际为"1,23,4"'),
    ],
)
def test_it_refuses_an_amount_that_is_not_a_plain_non_negative_number(amount, reason):
    assert problems_of(one_report_with(amount=amount)) == [
        f"月度投资!2: 本月完成投资(万元): {reason}"
    ]


@pytest.mark.parametrize("month", [13, 0, "13", 3.5, "三月"])
def test_it_refuses_a_month_outside_1_to_12(month):
    shown = {3.5: "3.5"}.get(month, str(month))
    assert problems_of(one_report_with(month=month)) == [
        f'月度投资!2: 月份: 应为1–12的整数，实际为"{shown}"'
    ]


@pytest.mark.parametrize(
    ("column", "value", "accepted"),
    [
        ("项目级别", "国家重点", "省重点、市重点、县重点"),
        ("建设性质", "改建", "新建、续建"),
    ],
)
def test_it_refuses_an_unknown_coded_value_and_names_the_accepted_ones(column, value, accepted):
    assert problems_of(one_project_with(**{column: value})) == [
        f'项目台账!2: {column}: 应为以下之一：{accepted}，实际为"{value}"'
    ]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2024-02-30", '不是有效的日期，实际为"2024-02-30"'),
        (
            "明年三月",
            '应为日期（如2024-03-05、2024/3/5、2024.3.5或2024年3月5日），实际为"明年三月"',
        ),
        (45356, '应为日期（如2024-03-05、2024/3/5、2024.3.5或2024年3月5日），实际为"45356"'),
    ],
)
def test_it_refuses_a_date_that_is_not_a_date(value, reason):
    assert problems_of(one_project_with(**{"实际开(复)工日期": value})) == [
        f"项目台账!2: 实际开(复)工日期: {reason}"
    ]


def test_it_refuses_a_report_for_a_project_it_does_not_know():
    sheets = {"月度投资": [REPORT_HEADERS, [code(9), 2024, 1, 10]]}

    assert problems_of(sheets) == [
        f"月度投资!2: 项目代码: 项目代码“{code(9)}”在系统和本工作簿“项目台账”中都不存在"
    ]


def test_it_refuses_a_report_for_a_year_the_project_is_not_planned_in():
    sheets = one_report_with()
    sheets["月度投资"][1][1] = 2025

    assert problems_of(sheets) == [
        f"月度投资!2: 年度: 项目“{code(1)}”未列入2025年度重点项目计划，请先在“项目台账”中填写该年度"
    ]


def test_a_project_already_in_the_database_needs_no_ledger_row():
    load(one_project_with())

    result = load({"月度投资": [REPORT_HEADERS, [code(1), 2024, 1, 10]]})

    assert result.sheets["月度投资"].created == 1


def test_it_refuses_milestones_funds_and_findings_of_unknown_projects():
    unknown = code(9)
    sheets = {
        "项目节点": [["项目代码", "节点名称", "计划完成日期"], [unknown, "施工许可", "2024-03-01"]],
        "资金申报": [
            ["项目代码", "资金类型", "年度", "申报金额(万元)"],
            [unknown, "专项债券", 2024, 100],
        ],
        "督查问题": [
            ["责任单位", "问题描述", "发现日期", "整改时限", "项目代码"],
            ["营盘镇", "征迁滞后", "2024-03-01", "2024-04-01", unknown],
        ],
    }

    problems = problems_of(sheets)

    missing = f"项目代码“{unknown}”在系统和本工作簿“项目台账”中都不存在"
    assert problems == [
        f"项目节点!2: 项目代码: {missing}",
        f"资金申报!2: 项目代码: {missing}",
        f"督查问题!2: 项目代码: {missing}",
    ]


def test_it_refuses_the_same_key_twice_in_one_workbook():
    sheets = {
        "项目台账": [PROJECT_HEADERS, project_row(), project_row(2), project_row()],
        "月度投资": [REPORT_HEADERS, [code(1), 2024, 3, 1], [code(1), 2024, 3, 2]],
    }

    assert problems_of(sheets) == [
        "项目台账!4: 年度: 与第2行重复（项目代码和年度相同），同一记录只能填写一行",
        "月度投资!3: 月份: 与第2行重复（项目代码、年度和月份相同），同一记录只能填写一行",
    ]


def test_it_refuses_two_years_of_one_project_that_disagree():
    sheets = {
        "项目台账": [
            PROJECT_HEADERS,
            project_row(),
            project_row(**{"年度": 2025, "项目名称": "别的名字"}),
        ]
    }

    assert problems_of(sheets) == [
        "项目台账!3: 项目名称: 与第2行同一项目的项目名称不一致，同一项目各年度的项目信息应相同"
    ]


@pytest.mark.parametrize(
    ("bad_code", "reason"),
    [
        ("2024-51062-47-01-012345", "格式不正确。国家代码应为"),
        ("1990-510623-47-01-012345", "代码中的年份1990不合理"),
        ("ZS 001", "格式不正确。本地代码应为2–40位"),
    ],
)
def test_it_refuses_a_malformed_project_code(bad_code, reason):
    (problem,) = problems_of(one_project_with(**{"项目代码": bad_code}))

    assert problem.startswith(f"项目台账!2: 项目代码: {reason}")
    assert problem.endswith(f'实际为"{bad_code}"')


def test_a_missing_required_column_is_one_message_naming_it():
    headers = [h for h in PROJECT_HEADERS if h != "总投资(万元)"]
    row = project_row()
    del row[PROJECT_HEADERS.index("总投资(万元)")]

    assert problems_of({"项目台账": [headers, row, row]}) == [
        "项目台账!1: 总投资(万元): 缺少必填列"
    ]


def test_a_blank_required_cell_is_named():
    assert problems_of(one_project_with(**{"项目名称": "  "})) == [
        "项目台账!2: 项目名称: 必填，不能为空"
    ]


def test_every_bad_row_is_reported_at_once_in_sheet_order():
    sheets = {
        "月度投资": [REPORT_HEADERS, [code(1), 2024, 13, 1]],
        "项目台账": [
            PROJECT_HEADERS,
            project_row(1),
            project_row(2, **{"项目级别": "乡重点"}),
            project_row(3),
            project_row(4, **{"年度计划投资(万元)": "五百"}, **{"建设性质": ""}),
        ],
    }

    assert problems_of(sheets) == [
        '项目台账!3: 项目级别: 应为以下之一：省重点、市重点、县重点，实际为"乡重点"',
        "项目台账!5: 建设性质: 必填，不能为空",
        '项目台账!5: 年度计划投资(万元): 应为金额（万元）的数字，实际为"五百"',
        '月度投资!2: 月份: 应为1–12的整数，实际为"13"',
    ]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            ["营盘镇", "征迁滞后", "2024-03-01", "2024-04-01", "已销号", None],
            "督查问题!2: 销号日期: 整改状态为“已销号”时必须填写销号日期",
        ),
        (
            ["营盘镇", "征迁滞后", "2024-03-01", "2024-04-01", "整改中", "2024-03-20"],
            "督查问题!2: 整改状态: 已填写销号日期，整改状态应为“已销号”",
        ),
        (
            ["营盘镇", "征迁滞后", "2024-03-01", "2024-02-01", None, None],
            "督查问题!2: 整改时限: 整改时限早于发现日期",
        ),
        (
            ["营盘镇", "征迁滞后", "2024-03-01", "2024-04-01", "已解决", None],
            '督查问题!2: 整改状态: 应为以下之一：未整改、整改中、已整改、已销号，实际为"已解决"',
        ),
    ],
)
def test_it_refuses_a_finding_whose_state_does_not_add_up(row, problem):
    headers = ["责任单位", "问题描述", "发现日期", "整改时限", "整改状态", "销号日期"]

    assert problems_of({"督查问题": [headers, row]}) == [problem]


def test_it_refuses_unknown_fund_types_statuses_categories_and_milestone_kinds():
    load(one_project_with())
    sheets = {
        "资金申报": [
            ["项目代码", "资金类型", "年度", "申报金额(万元)", "状态"],
            [code(1), "地方债", 2024, 100, None],
            [code(1), "专项债券", 2024, 100, "已拨付"],
        ],
        "项目节点": [
            ["项目代码", "节点名称", "计划完成日期", "节点类型"],
            [code(1), "开工", "2024-3-1", "里程碑"],
        ],
        "督查问题": [
            ["责任单位", "问题描述", "发现日期", "整改时限", "问题类别"],
            ["营盘镇", "用地未报批", "2024-03-01", "2024-04-01", "土地"],
        ],
    }

    assert problems_of(sheets) == [
        '项目节点!2: 节点类型: 应为以下之一：前期手续、建设节点、其他，实际为"里程碑"',
        "资金申报!2: 资金类型: 应为以下之一：专项债券、中央预算内投资、省预算内投资、一般债券、"
        '政策性开发性金融工具、中长期贷款，实际为"地方债"',
        '资金申报!3: 状态: 应为以下之一：储备、已申报、已批复、已下达、已支出、未获批，实际为"已拨付"',
        '督查问题!2: 问题类别: 应为以下之一：用地、资金、审批、环评、征迁、水电气、其他，实际为"土地"',
    ]


def test_it_refuses_to_change_a_locked_month():
    ReportingPeriod.objects.create(year=2024, month=3, locked_at=timezone.now())

    assert problems_of(one_report_with(month=3)) == [
        "月度投资!2: 月份: 2024年3月已锁定，不能再修改该月数据；如需更正请联系项目办解锁"
    ]


def test_one_bad_row_among_good_updates_leaves_the_existing_data_untouched():
    load({"项目台账": [PROJECT_HEADERS, project_row(1), project_row(2)]})
    before = database_state()
    sheets = {
        "项目台账": [
            PROJECT_HEADERS,
            project_row(1, **{"项目名称": "改过的名字"}),
            project_row(2, **{"年度计划投资(万元)": -1}),
            project_row(3),
        ]
    }

    with pytest.raises(LedgerImportError):
        load(sheets)

    assert database_state() == before
    assert Project.objects.get(code=code(1)).name == "项目1"


def test_the_command_prints_each_problem_and_fails(tmp_path, capsys):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx(one_report_with(month=13)))

    with pytest.raises(CommandError, match="发现1处问题，未写入任何数据"):
        call_command("import_ledger", str(path))

    assert '月度投资!2: 月份: 应为1–12的整数，实际为"13"' in capsys.readouterr().err
    assert Project.objects.count() == 0


def test_the_command_names_a_file_that_does_not_exist():
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_ledger", "/no/such/台账.xlsx")


def test_a_dry_run_checks_and_counts_but_writes_nothing():
    result = load(one_report_with(), dry_run=True)

    assert result.sheets["月度投资"].created == 1
    assert Project.objects.count() == 0
    assert MonthlyReport.objects.count() == 0
