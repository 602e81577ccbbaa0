"""`core.xlsx.render_workbook` writes each value as a typed cell: amounts and dates formatted,
formula-looking text as text, everything else as openpyxl types it; the style of one cell never
leaks into the next (its cells are shared between the values of a kind, docs/performance.md)."""

import io
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import openpyxl

from core.xlsx import AMOUNT_FORMAT, DATE_FORMAT, render_workbook

HEADERS = ("文字", "金额", "日期", "整数", "时间")


def written(rows: list[tuple]) -> list[list[Any]]:
    data = render_workbook([("表", HEADERS, iter(rows))])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["表"]
    return [list(row) for row in sheet.iter_rows(min_row=2, max_col=len(HEADERS))]


def test_each_kind_of_value_gets_its_type_and_format_in_every_row():
    rows = [
        ("甲", Decimal("3600.0000"), date(2024, 3, 5), 7, time(9, 30)),
        ("=1+1", Decimal("0.0012"), datetime(2024, 3, 6, 10, 0), 8, None),
        ("乙", None, None, True, "@SUM(A1)"),
    ]

    first, second, third = written(rows)

    assert [(c.value, c.number_format) for c in first[:4]] == [
        ("甲", "General"),
        (3600, AMOUNT_FORMAT),
        (datetime(2024, 3, 5), DATE_FORMAT),
        (7, "General"),
    ]
    assert first[4].value == time(9, 30) and first[4].is_date  # openpyxl's own time format
    assert (second[0].value, second[0].data_type, second[0].quotePrefix) == ("=1+1", "s", True)
    assert (second[1].value, second[1].number_format) == (0.0012, AMOUNT_FORMAT)
    assert (second[2].value, second[2].number_format) == (datetime(2024, 3, 6, 10), DATE_FORMAT)
    assert (third[0].value, third[0].quotePrefix, third[0].number_format) == (
        "乙",
        False,
        "General",
    )
    assert (third[3].value, third[3].number_format) == (True, "General")
    assert (third[4].value, third[4].data_type, third[4].quotePrefix) == ("@SUM(A1)", "s", True)


def test_a_row_of_many_amounts_and_dates_keeps_each_value():
    rows = [
        tuple(Decimal(n) + Decimal("0.5") for n in range(5)),
        ("丙", *[date(2024, 1, d) for d in (1, 2, 3, 4)]),
    ]

    amounts, dates = written(rows)

    assert [c.value for c in amounts] == [0.5, 1.5, 2.5, 3.5, 4.5]
    assert [c.value for c in dates[1:]] == [datetime(2024, 1, d) for d in (1, 2, 3, 4)]
    assert {c.number_format for c in dates[1:]} == {DATE_FORMAT}
