"""The ledger's 资金申报 sheet and the dated 支出 entries: 支出金额 is a total, 下达日期 an optional
column (ours, beyond DESIGN.md §4) the export writes, so a round trip changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from bonds.models import FundApplication, FundSpending
from bonds.services import spending_record
from core.xlsx import render_workbook
from ledger.documents.exporter import ledger_sheets
from ledger.rules.reader import LedgerImportError
from ledger.services.importer import import_ledger
from tests.workbooks import PROJECT_HEADERS, code, load, read_back

FUNDS = [
    "项目代码",
    "资金类型",
    "年度",
    "申报金额(万元)",
    "下达金额(万元)",
    "支出金额(万元)",
    "下达日期",
]
IMPORT_DAY = date(2026, 5, 10)


def ledger(spent, allocated_on=date(2026, 1, 1), allocated=200) -> dict:
    return {
        "项目台账": [PROJECT_HEADERS, [code(1), "老旧小区改造", "县住建局", "县重点", "新建", 1000, 2026, 500, None]],
        "资金申报": [FUNDS, [code(1), "专项债券", 2026, 300, allocated, spent, allocated_on]],
    }  # fmt: skip


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(IMPORT_DAY, tick=False):
        yield


def test_a_new_application_s_total_is_one_entry_of_the_import_day_and_its_allocation_is_dated():
    load(ledger(spent=50))

    fund = FundApplication.objects.get()
    assert (fund.allocated_on, fund.spent, fund.spent_on) == (
        date(2026, 1, 1),
        Decimal(50),
        IMPORT_DAY,
    )
    assert list(FundSpending.objects.values_list("spent_on", "amount", "kind")) == [
        (IMPORT_DAY, Decimal(50), "adjustment")
    ]


def test_a_higher_total_adds_the_difference_an_equal_one_nothing(cast):
    load(ledger(spent=None))
    fund = FundApplication.objects.get()
    spending_record(
        user=cast.officer, application=fund, spent_on=date(2026, 2, 1), amount=Decimal(30)
    )

    load(ledger(spent=30))  # what the entries hold
    assert FundSpending.objects.count() == 1
    load(ledger(spent=80))

    assert list(FundSpending.objects.values_list("spent_on", "amount")) == [
        (date(2026, 2, 1), Decimal(30)), (IMPORT_DAY, Decimal(50)),
    ]  # fmt: skip
    fund.refresh_from_db()
    assert (fund.spent, fund.spent_on) == (Decimal(80), IMPORT_DAY)


def test_a_total_below_the_entries_or_a_date_without_money_is_refused_and_nothing_written(cast):
    load(ledger(spent=None))
    fund = FundApplication.objects.get()
    spending_record(
        user=cast.officer, application=fund, spent_on=date(2026, 2, 1), amount=Decimal(30)
    )

    with pytest.raises(LedgerImportError) as refused:
        load(ledger(spent=20, allocated_on=date(2026, 1, 2)))
    with pytest.raises(LedgerImportError) as no_money:
        import_ledger(data=render_workbook([("资金申报", FUNDS, [[code(1), "专项债券", 2027, 9, None, None, date(2027, 1, 1)]])]),
                      filename="台账.xlsx")  # fmt: skip

    (problem,) = refused.value.problems
    assert (problem.sheet, problem.column) == ("资金申报", "支出金额(万元)")
    assert "支出金额（20.00万元）小于已登记的支出明细合计（30.00万元）" in problem.reason
    assert "填写了下达日期，但未填写下达金额" in no_money.value.problems[0].reason
    fund.refresh_from_db()
    assert (fund.allocated_on, fund.spent, FundApplication.objects.count()) == (
        date(2026, 1, 1),
        Decimal(30),
        1,
    )


def test_the_export_writes_the_allocation_date_and_re_imports_unchanged():
    load(ledger(spent=50))
    exported = render_workbook(ledger_sheets())
    rows = read_back(exported)["资金申报"]
    assert rows[0][-1] == "下达日期" and rows[1][-1].date() == date(2026, 1, 1)
    versions = list(FundApplication.objects.values_list("version", flat=True))

    result = import_ledger(data=exported, filename="导出.xlsx")

    assert result.sheets["资金申报"].unchanged == 1
    assert list(FundApplication.objects.values_list("version", flat=True)) == versions
    assert FundSpending.objects.count() == 1
