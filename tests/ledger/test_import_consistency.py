"""Rows of one project in several years must describe the same project."""

import pytest

from ledger.rules.reader import LedgerImportError
from projects.models import Project
from tests.workbooks import PROJECT_HEADERS, code, load


def a_row(year: int, **overrides) -> list:
    row = dict(
        zip(
            PROJECT_HEADERS,
            [code(1), "项目1", "县交通运输局", "县重点", "新建", 1000, year, 500, None],
            strict=True,
        )
    )
    row.update(overrides)
    return list(row.values())


def test_it_refuses_two_years_of_one_project_that_disagree():
    sheets = {
        "项目台账": [
            PROJECT_HEADERS,
            a_row(2024),
            a_row(2025, **{"项目名称": "别的名字", "总投资(万元)": 2000}),
        ]
    }

    with pytest.raises(LedgerImportError) as refused:
        load(sheets)

    assert [str(p) for p in refused.value.problems] == [
        "项目台账!3: 项目名称: 与项目台账!2同一项目的项目名称不一致，同一项目各年度的项目信息应相同",
        "项目台账!3: 总投资(万元): 与项目台账!2同一项目的总投资(万元)不一致，同一项目各年度的项目信息应相同",
    ]
    assert Project.objects.count() == 0


def test_years_that_agree_make_one_project():
    load({"项目台账": [PROJECT_HEADERS, a_row(2024), a_row(2025, **{"建设性质": "续建"})]})

    assert Project.objects.get().plans.count() == 2
