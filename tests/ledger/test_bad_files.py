"""Files that are not a usable .xlsx are refused before anything is parsed or written."""

import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ledger.importer import import_ledger
from ledger.reader import LedgerImportError
from projects.models import Project, Unit
from tests.workbooks import PROJECT_HEADERS, code, xlsx

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def a_good_workbook(rows: int = 1) -> bytes:
    projects = [PROJECT_HEADERS]
    for serial in range(1, rows + 1):
        projects.append([code(serial), "甲", "县住建局", "县重点", "新建", 10, 2024, 10, None])
    return xlsx({"项目台账": projects})


def refusal(data: bytes, filename: str = "台账.xlsx") -> str:
    with pytest.raises(LedgerImportError) as refused:
        import_ledger(data=data, filename=filename)
    assert Project.objects.count() == Unit.objects.count() == 0
    (problem,) = refused.value.problems
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


def test_an_old_xls_is_refused_with_how_to_save_it_as_xlsx():
    assert "不支持旧版 Excel 97-2003（.xls）文件" in refusal(OLE2_MAGIC + b"\0" * 512)
    assert "另存为" in refusal(a_good_workbook(), filename="台账.xls")


def test_a_macro_enabled_workbook_is_refused_by_name_and_by_content():
    assert "不接受含宏的工作簿（.xlsm）" in refusal(a_good_workbook(), filename="台账.xlsm")
    disguised = rewrite(
        a_good_workbook(),
        "[Content_Types].xml",
        lambda xml: xml.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml"),
    )
    assert "不接受含宏的工作簿（.xlsm）" in refusal(disguised)


def test_a_text_file_renamed_xlsx_is_refused():
    assert "不是有效的 Excel 工作簿（.xlsx）" in refusal("项目代码,项目名称\n".encode())


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "不是有效的 Excel 工作簿（.xlsx）" in refusal(out.getvalue())


def test_a_damaged_workbook_is_refused():
    broken = rewrite(a_good_workbook(), "xl/workbook.xml", lambda xml: xml[: len(xml) // 2])
    assert "无法读取该工作簿，文件可能已损坏" in refusal(broken)


def test_an_empty_file_is_refused():
    assert refusal(b"") == "文件是空的"


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.LEDGER_MAX_BYTES = 1024 * 1024
    assert "文件超过1 MB的大小上限" in refusal(b"x" * (1024 * 1024 + 1))


def test_a_limit_under_1_mb_is_written_in_kb_not_as_0_mb(settings):
    settings.LEDGER_MAX_BYTES = 300 * 1024
    assert "文件超过300 KB的大小上限" in refusal(b"x" * (300 * 1024 + 1))


def test_a_number_cell_that_cannot_be_read_is_a_damaged_workbook_not_a_crash():
    # A writer other than Excel may store NaN as <v>NaN</v> in a number cell.
    broken = rewrite(
        a_good_workbook(),
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb"<v>10</v>", b"<v>NaN</v>", xml, count=1),
    )
    assert "无法读取该工作簿，文件可能已损坏" in refusal(broken)


def test_a_workbook_that_unzips_too_large_is_refused(settings):
    settings.LEDGER_MAX_UNZIPPED_BYTES = 2 * 1024 * 1024
    padded = rewrite(
        a_good_workbook(), "docProps/app.xml", lambda xml: xml + b" " * 3 * 1024 * 1024
    )
    assert "工作簿解压后超过2 MB，" in refusal(padded)


def test_an_absurd_declared_dimension_is_refused_before_reading_rows():
    absurd = rewrite(
        a_good_workbook(),
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml),
    )
    assert "工作表“项目台账”的范围为1048576行×16384列，超过50000行×100列的上限" in refusal(absurd)


def test_too_many_rows_are_refused(settings):
    settings.LEDGER_MAX_ROWS = 5
    assert "超过5行×100列的上限" in refusal(a_good_workbook(rows=8))


def test_too_many_rows_are_refused_even_when_the_declared_dimension_understates_them(settings):
    settings.LEDGER_MAX_ROWS = 5
    understated = rewrite(
        a_good_workbook(rows=8),
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:I2"', xml),
    )
    assert "工作表“项目台账”超过5行的上限，请拆分后分批导入" in refusal(understated)


def test_the_command_explains_a_bad_file(tmp_path, capsys):
    path = tmp_path / "台账.xls"
    path.write_bytes(OLE2_MAGIC)

    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_ledger", str(path))

    assert "不支持旧版 Excel 97-2003（.xls）文件" in capsys.readouterr().err
