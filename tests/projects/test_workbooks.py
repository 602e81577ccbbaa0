"""The one reader of uploaded workbooks: what a file may cost grows with its size, whatever it
declares, and a damaged file is one refusal, never an exception from openpyxl."""

import time
import tracemalloc

import pytest

from core import workbooks
from core.workbooks import DAMAGED, Budget, Limits, WorkbookRefused
from tests import bombs

KB = 1024
MB = 1024 * KB
LIMITS = Limits(max_bytes=2 * MB, max_unzipped=20 * MB, max_strings=50_000, max_text=2_000_000)


def read(data: bytes, *, width: int = 4) -> list[tuple[int, tuple]]:
    with workbooks.opened(data, filename="a.xlsx", limits=LIMITS) as book:
        return list(book.sheets[0].rows(width))


def refusal(data: bytes) -> str:
    with pytest.raises(WorkbookRefused) as refused:
        read(data)
    return refused.value.reason


def measured(call):
    """``call()``'s outcome, its time in seconds and its peak traced memory in MB."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = call()
    except WorkbookRefused as error:
        outcome = error
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return outcome, elapsed, peak / MB


def test_a_small_files_budget_is_its_floor_and_a_large_ones_grows_with_it_up_to_the_limits():
    assert Budget.of(LIMITS, 512) == Budget(unzipped=1 * MB, strings=1_000, text=1_000_000)
    assert Budget.of(LIMITS, 100 * KB) == Budget(
        unzipped=100 * 100 * KB, strings=50_000, text=2_000_000
    )
    assert Budget.of(LIMITS, 2 * MB) == Budget(unzipped=20 * MB, strings=50_000, text=2_000_000)


def test_a_genuine_workbook_of_distinct_texts_is_within_its_budget():
    """20,000 different codes and names cost about 2.4 compressed bytes each: well inside one
    string per byte of file."""
    rows = [
        [f"2024-510623-47-01-{n:06d}", f"重点项目{n}", n, f"单位{n % 50}"] for n in range(20_000)
    ]

    assert len(read(bombs.workbook("项目", rows))) == 20_000 - 1  # the first row is row 1


def test_rows_are_read_as_they_are_in_the_file_not_as_declared():
    data = bombs.people([[f"u{n}", f"名{n}", "", "县住建局"] for n in range(1, 9)])

    assert [n for n, _ in read(bombs.declaring(data, "A1:D2"))] == list(range(2, 10))
    assert [n for n, _ in read(bombs.declaring(data, "A1:XFD1048576"))] == list(range(2, 10))


def test_a_row_numbered_past_excels_last_is_refused_without_making_up_the_rows_between():
    data = bombs.row_numbered(bombs.people([["zs", "张三", "", "县住建局"]]), 100_000_000)

    outcome, seconds, _ = measured(lambda: read(data))

    assert str(outcome) == "工作表“填报员”超过Excel的1048576行上限，文件内容异常"
    assert seconds < 5


def test_a_row_far_down_is_one_row():
    data = bombs.row_numbered(bombs.people([["zs", "张三", "", "县住建局"]]), 1_048_576)

    outcome, seconds, _ = measured(lambda: read(data))

    assert [n for n, _ in outcome] == [1_048_576]
    assert seconds < 5


@pytest.mark.parametrize("build", [bombs.many_strings, bombs.strings_elsewhere])
def test_two_million_one_letter_strings_in_89_kb_are_refused_before_parsing(build):
    """Before: openpyxl read all of them, 52 s and 285 MB. Whatever the table's part is called,
    34 MB of XML is more than an 89 KB file unzips to."""
    data = build(bombs.people([["zs", "张三", "", "县住建局"]]), 2_000_000)
    assert len(data) < 100 * KB

    outcome, seconds, peak = measured(lambda: read(data))

    assert str(outcome) == "工作簿解压后超过8.4 MB，内容异常，拒绝导入。请删除多余内容后另存再导入"
    assert seconds < 5 and peak < 5, (seconds, peak)


def test_strings_past_one_per_byte_of_file_stop_being_read_at_the_budget():
    """With 20 KB of incompressible ballast, 40,000 one-letter strings (680 KB of XML) are
    within what the file may unzip to, so the table is read, and stops at one string per byte
    of file."""
    strings = bombs.many_strings(bombs.people([["zs", "张三", "", "县住建局"]]), 40_000)
    data = bombs.ballast(strings, 20 * KB)

    outcome, seconds, peak = measured(lambda: read(data))

    assert len(data) < 40_000
    assert str(outcome) == (
        f"工作簿中不同的文字超过{len(data)}条（按文件大小的上限），内容异常，拒绝导入。"
        "请删除多余内容后另存再导入"
    )
    assert seconds < 10 and peak < 10, (seconds, peak)


def test_strings_past_the_kinds_limit_are_refused_however_large_the_file():
    strings = bombs.many_strings(bombs.people([["zs", "张三", "", "县住建局"]]), 60_000)
    data = bombs.ballast(strings, 200 * KB)

    assert refusal(data).startswith("工作簿中不同的文字超过50000条")


def test_a_table_of_more_characters_than_the_budget_is_refused():
    """Forty texts of 30,000 letters: 1.2 million characters in a file of 20 KB."""
    data = bombs.people([[f"u{n}", "张三", "", f"unit{n}"] for n in range(40)])
    for n in range(40):
        data = bombs.long_text(data, f"unit{n}", 30_000)
    data = bombs.ballast(data, 14 * KB)
    assert len(data) < 25 * KB

    assert refusal(data) == (
        "工作簿中的文字超过1000000个字（按文件大小的上限），内容异常，拒绝导入。"
        "请删除多余内容后另存再导入"
    )


def test_a_part_that_unzips_past_its_ratio_to_the_file_is_refused_before_parsing():
    padded = bombs.rewrite(
        bombs.people([["zs", "张三", "", "县住建局"]]),
        {"docProps/app.xml": lambda xml: xml + b" " * (8 * MB)},
    )
    assert len(padded) < 30 * KB

    outcome, seconds, _ = measured(lambda: read(padded))

    assert str(outcome).startswith("工作簿解压后超过1.")
    assert str(outcome).endswith("MB，内容异常，拒绝导入。请删除多余内容后另存再导入")
    assert seconds < 5


@pytest.mark.parametrize(
    "damage", [bombs.bad_sheet_xml, bombs.bad_string_index, bombs.malformed_number]
)
def test_a_damaged_sheet_is_one_refusal(damage):
    data = damage(bombs.people([["zs", "张三", 13900000001, "县住建局"]]))

    assert refusal(data) == DAMAGED


def test_a_text_longer_than_excel_allows_is_refused():
    data = bombs.long_text(bombs.people([["zs", "张三", "", "县住建局"]]), "县住建局", 32_768)

    assert refusal(data) == (
        "有单元格超过Excel的32767字上限，内容异常，拒绝导入。请删除多余内容后另存再导入"
    )
