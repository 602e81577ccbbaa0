"""资金申报's form writes the 支出金额 it is given as a dated 支出 entry (of 支出截至日期, or today).
That entry obeys what 登记支出 obeys: never after today, never before 下达日期. A 下达日期 ahead of
today with money spent, or a 支出截至日期 ahead of today, was saved as an entry the 登记支出 form
refuses; it is refused in Chinese and nothing is written."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from bonds.models import FundApplication, FundSpending, FundType
from bonds.services import fund_save
from tests import builders

TODAY = date(2026, 6, 15)


@pytest.fixture
def project(cast):
    with time_machine.travel(TODAY, tick=False):
        yield builders.project(
            {"项目代码": "ZJ-001", "项目名称": "老旧小区改造", "责任单位": cast.housing.name,
             "总投资(万元)": 5000}, listed=False,
        )  # fmt: skip


def save(cast, project, **values):
    amounts = {"requested": Decimal(100), "approved": Decimal(100), "allocated": Decimal(100)}
    with time_machine.travel(TODAY, tick=False):
        return fund_save(user=cast.officer, project=project, fund_type=FundType.SPECIAL_BOND,
                         year=2026, **(amounts | values))  # fmt: skip


@pytest.mark.parametrize(
    ("values", "told"),
    [
        ({"allocated_on": date(2026, 7, 1), "spent": Decimal(10)},
         "下达日期（2026-07-01）晚于今天（2026-06-15），到下达日期后才能登记支出"),
        ({"allocated_on": date(2026, 1, 10), "spent": Decimal(10), "spent_on": date(2026, 8, 1)},
         "支出截至日期（2026-08-01）不能晚于今天（2026-06-15）"),
    ],
)  # fmt: skip
def test_a_new_application_s_spending_dated_where_an_entry_may_not_be_is_refused(
    cast, project, values, told
):
    with pytest.raises(ValidationError) as refused:
        save(cast, project, **values)

    assert told in " ".join(refused.value.messages)
    assert FundApplication.objects.count() == FundSpending.objects.count() == 0


def test_an_edit_raising_the_total_with_a_later_allocation_or_date_is_refused(cast, project):
    application = save(cast, project, allocated_on=date(2026, 7, 1))
    version = application.version

    for values, told in [
        ({"allocated_on": date(2026, 7, 1), "spent": Decimal(10)}, "到下达日期后才能登记支出"),
        ({"allocated_on": date(2026, 6, 1), "spent": Decimal(10), "spent_on": date(2026, 9, 1)},
         "支出截至日期（2026-09-01）不能晚于今天（2026-06-15）"),
    ]:  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            save(cast, project, application=application, expected_version=version, **values)
        assert told in " ".join(refused.value.messages)

    application.refresh_from_db()
    assert (application.version, application.spent, FundSpending.objects.count()) == (
        version,
        None,
        0,
    )


def test_money_spent_today_on_an_allocation_of_today_is_taken(cast, project):
    application = save(cast, project, allocated_on=TODAY, spent=Decimal(10))

    assert list(FundSpending.objects.values_list("spent_on", "amount")) == [(TODAY, Decimal(10))]
    assert application.spent == Decimal(10)
