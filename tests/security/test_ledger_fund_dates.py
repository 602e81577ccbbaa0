"""The ledger's 资金申报 sheet against the dated 支出 entries: a 下达日期 later than an entry
already recorded, or a 支出金额 whose adjusting entry (dated the import day) would fall before the
row's 下达日期, is refused naming the row, as the 资金申报 page refuses it; nothing is written."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from bonds.models import FundApplication, FundSpending
from bonds.services import spending_record
from ledger.rules.reader import LedgerImportError
from tests.bonds.test_fund_ledger_clock import IMPORT_DAY, ledger
from tests.workbooks import load


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(IMPORT_DAY, tick=False):
        yield


@pytest.fixture
def spent_in_february(cast):
    load(ledger(spent=None))
    fund = FundApplication.objects.get()
    spending_record(
        user=cast.officer, application=fund, spent_on=date(2026, 2, 1), amount=Decimal(30)
    )
    return FundApplication.objects.get()


def test_a_row_moving_the_allocation_past_a_recorded_entry_is_refused(spent_in_february):
    with pytest.raises(LedgerImportError) as refused:
        load(ledger(spent=30, allocated_on=date(2026, 3, 1)))

    (problem,) = refused.value.problems
    assert (problem.sheet, problem.column) == ("资金申报", "下达日期")
    assert "下达日期（2026-03-01）不能晚于已登记的最早一笔支出（2026-02-01）" in problem.reason
    fund = FundApplication.objects.get()
    assert (fund.allocated_on, fund.version) == (date(2026, 1, 1), spent_in_february.version)


def test_a_row_moving_the_allocation_to_the_first_entry_s_day_is_taken(spent_in_february):
    load(ledger(spent=30, allocated_on=date(2026, 2, 1)))

    assert FundApplication.objects.get().allocated_on == date(2026, 2, 1)


def test_a_total_whose_entry_of_the_import_day_precedes_the_allocation_is_refused(cast):
    """下达 dated after the import day: the difference would be an entry of the import day, a
    支出 before its money was 下达 (the page refuses such an entry: 到下达日期后才能登记支出)."""
    with pytest.raises(LedgerImportError) as refused:
        load(ledger(spent=50, allocated_on=date(2026, 6, 1)))

    (problem,) = refused.value.problems
    assert (problem.sheet, problem.column) == ("资金申报", "支出金额(万元)")
    assert "下达日期（2026-06-01）晚于今天（2026-05-10）" in problem.reason
    assert FundApplication.objects.count() == FundSpending.objects.count() == 0


def test_a_later_allocation_with_no_money_spent_is_taken():
    load(ledger(spent=None, allocated_on=date(2026, 6, 1)))

    assert FundApplication.objects.get().allocated_on == date(2026, 6, 1)
    assert FundSpending.objects.count() == 0
