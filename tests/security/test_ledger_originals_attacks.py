"""Hostile 原总投资(万元) and 原计划竣工日期 cells (issue 23): a clear error on the row, nothing
half-written, never a traceback; a revision written by import re-imports as nothing."""

from datetime import date
from decimal import Decimal

import pytest

from core.params import YEAR_MAX, YEAR_MIN
from core.xlsx import render_workbook
from ledger.documents.exporter import ledger_sheets
from ledger.rules.reader import LedgerImportError
from ledger.services.importer import import_ledger
from projects.models import Project, ProjectRevision
from tests.workbooks import code, load

HEADERS = ["项目代码", "项目名称", "责任单位", "项目级别", "建设性质", "总投资(万元)", "年度",
           "年度计划投资(万元)", "计划竣工日期", "原总投资(万元)", "原计划竣工日期"]  # fmt: skip


def _row(total=5000, end="2025-06-30", original_total=None, original_end=None):
    return [code(1), "城关污水处理厂", "县住建局", "县重点", "新建", total, 2024, 1000, end,
            original_total, original_end]  # fmt: skip


def _load(**kwargs):
    try:
        return load({"项目台账": [HEADERS, _row(**kwargs)]})
    except LedgerImportError as error:
        return error


HOSTILE_TOTALS = [-1, "-5", "abc", "=1+1", 1e20, 10**30, float("nan"), float("inf"), "1e5",
                  "５０００", True, "1" * 500]  # fmt: skip
HOSTILE_DATES = ["garbage", "9999-99-99", "0000-00-00", 0, -1, 2958466, 10**12, "2024-02-30",
                 "=TODAY()", "２０２４年１月１日"]  # fmt: skip


@pytest.mark.parametrize("value", HOSTILE_TOTALS, ids=range(len(HOSTILE_TOTALS)))
def test_a_hostile_原总投资_is_an_error_not_a_traceback(db, value):
    result = _load(original_total=value)
    project = Project.objects.first()
    if project is not None:  # read as a number it is a valid amount
        assert project.original_total is not None and project.original_total >= 0
    else:
        assert isinstance(result, LedgerImportError) and "原总投资(万元)" in str(result)


@pytest.mark.parametrize("value", HOSTILE_DATES, ids=range(len(HOSTILE_DATES)))
def test_a_hostile_原计划竣工日期_is_an_error_not_a_traceback(db, value):
    _load(original_end=value)
    project = Project.objects.first()
    if project is not None:
        assert project.original_completion is None or date(YEAR_MIN, 1, 1) <= (
            project.original_completion) <= date(YEAR_MAX, 12, 31)  # fmt: skip


def test_a_revision_by_import_then_reimport_of_the_export_writes_nothing(db):
    load({"项目台账": [HEADERS, _row()]})
    load({"项目台账": [HEADERS, _row(total=6000, end="2026-06-30")]})
    project = Project.objects.get()
    assert (project.total_investment, project.original_total) == (Decimal(6000), Decimal(5000))
    revisions = ProjectRevision.objects.count()
    assert revisions >= 1
    history = project.history.count()
    for _ in range(2):
        import_ledger(data=render_workbook(ledger_sheets()), filename="导出.xlsx")
    assert ProjectRevision.objects.count() == revisions
    assert project.history.count() == history
