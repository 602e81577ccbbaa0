"""Fund amounts follow the lifecycle: 批复 ≤ 申报, 下达 ≤ 批复, 支出 ≤ 下达."""

from decimal import Decimal

import pytest

from bonds.rules import amount_problems, spending_progress
from ledger.rules.reader import LedgerImportError
from tests.builders import sheet
from tests.workbooks import code, load

D = Decimal


def test_amounts_in_order_have_no_problem():
    assert (
        amount_problems(
            {"requested": D(100), "approved": D(80), "allocated": D(80), "spent": D(30)}
        )
        == []
    )


def test_each_step_above_the_one_before_is_named():
    problems = amount_problems(
        {"requested": D(100), "approved": D(120), "allocated": D(130), "spent": D(140)}
    )

    assert problems == [
        ("approved", "批复金额（120.00万元）不能大于申报金额（100.00万元）"),
        ("allocated", "下达金额（130.00万元）不能大于批复金额（120.00万元）"),
        ("spent", "支出金额（140.00万元）不能大于下达金额（130.00万元）"),
    ]


def test_a_blank_step_is_skipped_and_the_nearest_earlier_one_compared():
    assert amount_problems({"requested": D(100), "spent": D(150)}) == [
        ("spent", "支出金额（150.00万元）不能大于申报金额（100.00万元）")
    ]


def test_spending_progress_is_spent_over_allocated():
    assert spending_progress(D(30), D(120)) == 25
    assert spending_progress(D(30), None) is None


def test_the_import_refuses_a_spent_amount_above_the_allocated_one():
    headers = [
        "项目代码",
        "资金类型",
        "年度",
        "申报金额(万元)",
        "批复金额(万元)",
        "下达金额(万元)",
        "支出金额(万元)",
    ]
    sheets = {
        "项目台账": sheet("项目台账", [
            {"项目代码": code(1), "项目名称": "甲", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50},
        ]),
        "资金申报": [headers, [code(1), "专项债券", 2024, 500, 400, 300, 350]],
    }  # fmt: skip

    with pytest.raises(LedgerImportError) as refused:
        load(sheets)

    assert [str(p) for p in refused.value.problems] == [
        "资金申报!2: 支出金额(万元): 支出金额（350.00万元）不能大于下达金额（300.00万元）"
    ]
