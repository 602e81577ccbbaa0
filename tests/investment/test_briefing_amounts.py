"""One way to write an amount in the briefing's running text (`core.formatting.prose`), as the
seeds write them: from 1 亿元 up in 亿元 with one decimal, below it in whole 万元. The
walkthrough found section (四) saying 5.6亿元 and 10,704.00万元 in one sentence."""

from decimal import Decimal

import pytest

from core.formatting import prose
from tests.investment.test_briefing import briefing
from tests.workbooks import PROJECT_HEADERS, code, load


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        (Decimal("210000"), "21.0亿元"),
        (Decimal("56000"), "5.6亿元"),
        (Decimal("10704"), "1.1亿元"),
        (Decimal("10000"), "1.0亿元"),
        (Decimal("9999.6"), "10,000万元"),
        (Decimal("8520.4"), "8,520万元"),
        (Decimal("10"), "10万元"),
        (Decimal("0.5"), "0.50万元"),
        (Decimal("0"), "0万元"),
        (None, "—"),
    ],
)
def test_an_amount_in_running_text(amount, written):
    assert prose(amount) == written


def test_section_four_writes_both_funds_one_way(tmp_path):
    fund_headers = [
        "项目代码",
        "资金类型",
        "年度",
        "申报金额(万元)",
        "批复金额(万元)",
        "下达金额(万元)",
        "下达日期",  # 下达 counts from its day (bonds.selectors.fund_totals)
    ]
    load({
        "项目台账": [PROJECT_HEADERS,
                 [code(1, 2026), "城关污水处理厂", "县住建局", "县重点", "新建", 90000, 2026, 30000,
                  "2026-01-05"]],
        "资金申报": [fund_headers,
                 [code(1, 2026), "专项债券", 2026, 60000, 56000, 56000, "2026-03-01"],
                 [code(1, 2026), "中央预算内投资", 2026, 10704, 10704, 10704, "2026-03-01"]],
    })  # fmt: skip

    text = briefing(tmp_path, "--year", "2026", "--month", "10")

    assert "争取到位（下达）资金5.6亿元；争取中省预算内资金（已下达）1.1亿元" in text
    assert "10,704.00万元" not in text
    assert "总投资9.0亿元，年度计划投资3.0亿元" in text
