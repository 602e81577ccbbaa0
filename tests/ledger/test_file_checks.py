"""A file that is not a usable .xlsx is refused, before anything is parsed or written,
with a message a clerk can act on (DESIGN.md §4)."""

import io
import re
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bonds.models import FundApplication
from investment.models import MonthlyReport
from ledger.models import LedgerImport
from ledger.rules.reader import LedgerImportError, read_workbook
from ledger.rules.results import SheetResult
from ledger.services.importer import import_ledger
from projects.models import AnnualPlan, Milestone, Project, Unit
from supervision.models import Finding
from tests import bombs
from tests.workbooks import PROJECT_HEADERS, REPORT_HEADERS, code, xlsx

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAVE_AS_XLSX = "请在 Excel 中“另存为”Excel 工作簿（*.xlsx）后再导入"
OLD_XLS = f"不支持旧版 Excel 97-2003（.xls）文件。{SAVE_AS_XLSX}"
MACROS = f"不接受含宏的工作簿（.xlsm）。{SAVE_AS_XLSX}"
NOT_A_WORKBOOK = (
    f"该文件不是有效的 Excel 工作簿（.xlsx），可能已损坏或并非 Excel 文件。{SAVE_AS_XLSX}"
)
MB = 1024 * 1024


def a_good_workbook(rows: int = 1) -> bytes:
    """A ledger that imports as it stands: ``rows`` projects, each with a March report."""
    projects, reports = [PROJECT_HEADERS], [REPORT_HEADERS]
    for serial in range(1, rows + 1):
        projects.append(
            [code(serial), f"项目{serial}", "县住建局", "县重点", "新建", 10, 2024, 10, None]
        )
        reports.append([code(serial), 2024, 3, 1])
    return xlsx({"项目台账": projects, "月度投资": reports})


def nothing_written() -> bool:
    models = (Unit, Project, AnnualPlan, MonthlyReport, Milestone, FundApplication, Finding)
    return all(model.objects.count() == 0 for model in (*models, LedgerImport))


def refusal(data: bytes, filename: str = "台账.xlsx") -> str:
    """The one problem an import of ``data`` is refused with; nothing may be written."""
    with pytest.raises(LedgerImportError) as refused:
        import_ledger(data=data, filename=filename)
    assert nothing_written()
    (problem,) = refused.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("", 0, "")
    return str(problem)


def rewrite(data: bytes, member: str, change) -> bytes:
    """The same zip with one member's bytes passed through ``change``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info, change(content) if info.filename == member else content)
    return out.getvalue()


def member(data: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def test_the_good_workbook_used_below_imports():
    result = import_ledger(data=a_good_workbook(), filename="台账.xlsx")

    assert result.projects.created == 1
    assert Project.objects.count() == 1


# ---------------------------------------------------------------- the wrong kind of file


def test_an_old_xls_file_is_refused_by_its_content():
    assert refusal(OLE2_MAGIC + b"\0" * 4096) == OLD_XLS


def test_an_old_xls_file_is_refused_whatever_it_is_called():
    assert refusal(OLE2_MAGIC + b"\0" * 4096, filename="台账.xlsx") == OLD_XLS
    assert refusal(OLE2_MAGIC + b"\0" * 4096, filename="台账") == OLD_XLS


@pytest.mark.parametrize("filename", ["台账.xls", "台账.XLS", "三月 台账.Xls"])
def test_a_file_named_xls_is_refused(filename):
    assert refusal(a_good_workbook(), filename=filename) == OLD_XLS


@pytest.mark.parametrize("filename", ["台账.xlsm", "台账.XLSM"])
def test_a_file_named_xlsm_is_refused(filename):
    assert refusal(a_good_workbook(), filename=filename) == MACROS


def test_a_macro_enabled_workbook_renamed_xlsx_is_refused_by_its_content_types():
    good = a_good_workbook()
    content_types = member(good, "[Content_Types].xml")
    assert b"spreadsheetml.sheet.main+xml" in content_types  # what openpyxl wrote
    macro_enabled = rewrite(
        good,
        "[Content_Types].xml",
        lambda xml: xml.replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        ),
    )
    assert b"macroEnabled" in member(macro_enabled, "[Content_Types].xml")

    assert refusal(macro_enabled) == MACROS


def test_a_workbook_carrying_a_vba_project_is_refused():
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(a_good_workbook())) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("xl/vbaProject.bin", b"\0" * 64)

    assert refusal(out.getvalue()) == MACROS


def test_a_text_file_renamed_xlsx_is_refused():
    csv = "项目代码,项目名称,责任单位\n2024-510623-47-01-000001,甲,县住建局\n".encode()

    assert refusal(csv) == NOT_A_WORKBOOK


def test_an_html_page_saved_as_xlsx_is_refused():
    assert refusal(b"<html><body><table><tr><td>1</td></tr></table></body></html>") == (
        NOT_A_WORKBOOK
    )


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("台账.csv", "项目代码\n")

    assert refusal(out.getvalue()) == f"该文件不是有效的 Excel 工作簿（.xlsx）。{SAVE_AS_XLSX}"


def test_a_truncated_workbook_is_refused():
    good = a_good_workbook()

    assert refusal(good[: len(good) // 2]) == NOT_A_WORKBOOK


def test_a_workbook_with_a_damaged_part_is_refused():
    broken = rewrite(a_good_workbook(), "xl/workbook.xml", lambda xml: xml[: len(xml) // 2])

    assert refusal(broken) == f"无法读取该工作簿，文件可能已损坏。{SAVE_AS_XLSX}"


def test_an_empty_file_is_refused():
    assert refusal(b"") == "文件是空的"


# ---------------------------------------------------------------- limits


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened(settings):
    settings.LEDGER_MAX_BYTES = 1 * MB

    assert refusal(b"x" * (MB + 1)) == "文件超过1 MB的大小上限，请拆分后分批导入"


def test_a_real_workbook_over_the_size_limit_is_refused(settings):
    data = a_good_workbook(rows=20)
    settings.LEDGER_MAX_BYTES = len(data) - 1

    message = refusal(data)

    assert message.startswith("文件超过") and message.endswith("的大小上限，请拆分后分批导入")


def test_a_file_exactly_at_the_size_limit_is_accepted(settings):
    data = a_good_workbook()
    settings.LEDGER_MAX_BYTES = len(data)

    assert import_ledger(data=data, filename="台账.xlsx").projects.created == 1


def test_a_size_limit_under_1_mb_is_written_in_kb_not_as_0_mb(settings):
    """LEDGER_MAX_BYTES is set from the environment and may be any number of bytes."""
    data = a_good_workbook(rows=20)
    settings.LEDGER_MAX_BYTES = 4096

    assert refusal(data) == "文件超过4 KB的大小上限，请拆分后分批导入"


def test_a_workbook_that_unzips_past_the_setting_is_refused(settings):
    settings.LEDGER_MAX_UNZIPPED_BYTES = 512 * 1024
    padded = rewrite(a_good_workbook(), "docProps/app.xml", lambda xml: xml + b" " * 3 * MB)
    assert len(padded) < MB  # small on disk, large once unzipped

    assert refusal(padded) == (
        "工作簿解压后超过512 KB，内容异常，拒绝导入。请删除多余内容后另存再导入"
    )


def test_a_small_workbook_that_unzips_a_hundred_times_its_size_is_refused(settings):
    """Within the setting (1 GB), but not within what a file of its size unzips to."""
    padded = rewrite(a_good_workbook(), "docProps/app.xml", lambda xml: xml + b" " * 3 * MB)

    assert refusal(padded) == (
        "工作簿解压后超过1 MB，内容异常，拒绝导入。请删除多余内容后另存再导入"
    )


def test_an_unzipped_limit_under_1_mb_is_written_in_kb_not_as_0_mb(settings):
    """Like the file size limit, LEDGER_MAX_UNZIPPED_BYTES may be any number of bytes."""
    settings.LEDGER_MAX_UNZIPPED_BYTES = 1024

    assert refusal(a_good_workbook()) == (
        "工作簿解压后超过1 KB，内容异常，拒绝导入。请删除多余内容后另存再导入"
    )


def declaring(data: bytes, dimension: str) -> bytes:
    """``data`` with the first sheet's declared dimension replaced by ``dimension``."""
    sheet = member(data, "xl/worksheets/sheet1.xml")
    assert re.search(rb'<dimension ref="[^"]+"\s*/>', sheet), "openpyxl wrote a dimension"
    return rewrite(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(
            rb'<dimension ref="[^"]+"', f'<dimension ref="{dimension}"'.encode(), xml
        ),
    )


def test_what_openpyxl_declares_for_the_good_workbook_is_its_real_range():
    sheet = member(a_good_workbook(rows=3), "xl/worksheets/sheet1.xml")

    assert b'<dimension ref="A1:I4"' in sheet


def test_an_absurd_declared_dimension_is_not_believed_and_the_rows_really_there_import():
    absurd = declaring(a_good_workbook(rows=3), "A1:XFD1048576")

    result = import_ledger(data=absurd, filename="台账.xlsx")

    assert result.projects.created == 3
    assert MonthlyReport.objects.count() == 3


def test_an_understated_dimension_still_reads_every_row():
    understated = declaring(a_good_workbook(rows=8), "A1:I2")

    result = import_ledger(data=understated, filename="台账.xlsx")

    assert result.projects.created == 8


def a_workbook_with_a_cell_in_column_xfd_on_every_row(rows: int) -> bytes:
    """The hostile file of issue 14: a small file whose every row has one more cell, in the
    last column Excel has (XFD, the 16,384th)."""
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.title = "月度投资"
    sheet.append(REPORT_HEADERS)
    for row in range(2, rows + 2):
        sheet.cell(row=row, column=16384, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_cell_in_column_xfd_on_every_row_costs_no_more_than_the_headers_columns():
    """Read up to the header's last column only: before, each such row became 16,384 values
    and a 22 KB file cost 480 MB; now the rows are read, found blank, and skipped."""
    data = a_workbook_with_a_cell_in_column_xfd_on_every_row(3000)
    assert len(data) < 40_000

    tracemalloc.start()
    started = time.perf_counter()
    result = import_ledger(data=data, filename="台账.xlsx")
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert result.sheets["月度投资"] == SheetResult()
    assert peak < 20 * MB, f"{peak / MB:.0f} MB"
    assert elapsed < 10


def test_rows_past_the_known_headers_columns_are_read_up_to_the_last_known_one():
    """An unknown header far to the right does not widen what is read."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目台账"
    sheet.append(PROJECT_HEADERS)
    sheet.cell(row=1, column=16384, value="备注")
    sheet.append([code(1), "项目1", "县住建局", "县重点", "新建", 10, 2024, 10, None])
    sheet.cell(row=2, column=16384, value="随手记的备注")
    buffer = io.BytesIO()
    book.save(buffer)

    (raw,), _ = read_workbook(buffer.getvalue(), filename="台账.xlsx")

    (row,) = list(raw.rows)
    assert row == (2, (code(1), "项目1", "县住建局", "县重点", "新建", 10, 2024, 10, None))


def test_a_file_check_refusal_also_leaves_existing_data_alone():
    import_ledger(data=a_good_workbook(rows=2), filename="台账.xlsx")
    before = {m.__name__: list(m.objects.values()) for m in (Project, AnnualPlan, MonthlyReport)}

    with pytest.raises(LedgerImportError):
        import_ledger(data=a_good_workbook(rows=2)[:-100], filename="台账.xlsx")

    after = {m.__name__: list(m.objects.values()) for m in (Project, AnnualPlan, MonthlyReport)}
    assert after == before
    assert LedgerImport.objects.count() == 1


# ---------------------------------------------------------------- the command


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("台账.xls", OLE2_MAGIC + b"\0" * 512, OLD_XLS),
        ("台账.xlsm", None, MACROS),
        ("台账.xlsx", "项目代码,项目名称\n".encode(), NOT_A_WORKBOOK),
        ("台账.xlsx", b"", "文件是空的"),
    ],
)
def test_the_command_explains_a_refused_file_and_fails(tmp_path, filename, data, message):
    path = tmp_path / filename
    path.write_bytes(a_good_workbook() if data is None else data)
    err = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("import_ledger", str(path), stderr=err)

    assert str(failed.value) == "导入失败：发现1处问题，未写入任何数据。请修改后重新导入。"
    assert err.getvalue().splitlines() == [message]
    assert nothing_written()


def test_the_command_names_a_file_that_does_not_exist(tmp_path):
    missing = tmp_path / "没有这个文件.xlsx"

    with pytest.raises(CommandError) as failed:
        call_command("import_ledger", str(missing))

    assert str(failed.value) == f"找不到文件：{missing}"


# ---------------------------------------------------------------- bombs (issue 22)


def measured(call):
    """The problem ``call()`` was refused with, its time in seconds and peak traced MB."""
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(LedgerImportError) as refused:
        call()
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    (problem,) = refused.value.problems
    return str(problem), elapsed, peak / MB


def a_ledger() -> bytes:
    return bombs.ledger([[code(1), 2024, 3, 1]])


@pytest.mark.parametrize("build", [bombs.many_strings, bombs.strings_elsewhere])
def test_36_mb_of_one_letter_strings_in_95_kb_are_refused_before_parsing(build):
    """Before: past 150 s on this machine (22 s and 310 MB in the issue), and the byte limit
    on xl/sharedStrings.xml did not apply to a table the content types put elsewhere."""
    data = build(a_ledger(), 36 * MB // len(b"<si><t>a</t></si>"))
    assert len(data) < 100 * 1024

    message, seconds, peak = measured(lambda: import_ledger(data=data, filename="台账.xlsx"))

    assert message.startswith("工作簿解压后超过9.")
    assert seconds < 5 and peak < 5, (seconds, peak)
    assert nothing_written()


def test_a_large_ledgers_strings_are_counted_not_their_bytes(settings):
    """At the 100 MB limit a file may hold a large table: it is counted by strings and
    characters (LEDGER_MAX_SHARED_STRINGS), whatever the bytes."""
    settings.LEDGER_MAX_SHARED_STRINGS = 30_000
    data = bombs.ballast(bombs.many_strings(a_ledger(), 40_000), 200 * 1024)

    message, seconds, _ = measured(lambda: import_ledger(data=data, filename="台账.xlsx"))

    assert message == (
        "工作簿中不同的文字超过30000条（按文件大小的上限），内容异常，拒绝导入。"
        "请删除多余内容后另存再导入"
    )
    assert seconds < 10


def test_a_row_numbered_a_hundred_million_is_refused_at_once():
    """Before: openpyxl made up the 99,999,998 rows between, killed after 150 s."""
    data = bombs.row_numbered(a_ledger(), 100_000_000)

    message, seconds, _ = measured(lambda: import_ledger(data=data, filename="台账.xlsx"))

    assert message == "工作表“月度投资”超过Excel的1048576行上限，文件内容异常"
    assert seconds < 5


@pytest.mark.parametrize(
    "damage", [bombs.bad_sheet_xml, bombs.bad_string_index, bombs.malformed_number]
)
def test_a_damaged_sheet_is_refused_as_damaged(damage):
    assert refusal(damage(a_ledger())) == f"无法读取该工作簿，文件可能已损坏。{SAVE_AS_XLSX}"
