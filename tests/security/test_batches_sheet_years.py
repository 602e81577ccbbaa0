"""The ledger's sheet 三个一批 names a 期次 the system lacks: it is created from the year and
quarter its name says, within the years the 三个一批 page accepts (2000–2100). A name of year 9999
or 0001 was created as a batch the page itself refuses to save; it is refused naming the row."""

import pytest

from batches.models import Batch, BatchEntry
from ledger.rules.reader import LedgerImportError
from tests.builders import ledger
from tests.ledger.test_batches_sheet import HEADERS, two_projects
from tests.workbooks import code


@pytest.mark.parametrize("name", ["9999年第二期", "0001年第一期", "1999年第四期", "2101年第一期"])
def test_a_batch_named_for_a_year_the_page_refuses_is_refused_naming_the_row(cast, name):
    ledger({"项目台账": two_projects()})

    with pytest.raises(LedgerImportError) as refused:
        ledger({"三个一批": [HEADERS, ["2026年第二期", "签约", code(1), None],
                             [name, "开工", code(2), None]]}, user=cast.officer)  # fmt: skip

    (problem,) = refused.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("三个一批", 3, "期次")
    assert "年度应为2000–2100之间的四位年份" in problem.reason
    assert not Batch.objects.exists() and not BatchEntry.objects.exists()


def test_a_batch_named_for_a_year_within_the_range_is_created(cast):
    ledger({"项目台账": two_projects()})

    ledger({"三个一批": [HEADERS, ["2100年第一期", "签约", code(1), None]]}, user=cast.officer)

    assert list(Batch.objects.values_list("name", "year", "quarter")) == [("2100年第一期", 2100, 1)]
