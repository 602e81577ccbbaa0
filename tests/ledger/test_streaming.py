"""Big sheets and big uploads: rows are checked and written a chunk at a time, and an upload
is counted while it arrives, so neither costs memory in proportion to its size."""

import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import resolve, reverse

from core.uploads import upload_limit
from investment.models import MonthlyReport
from ledger.rules.reader import LedgerImportError
from ledger.services import importer
from ledger.services.importer import import_ledger
from projects.models import AnnualPlan, Project
from tests.workbooks import PROJECT_HEADERS, REPORT_HEADERS, code, xlsx

ROOT = Path(__file__).resolve().parents[2]
KB = 1024
MB = 1024 * KB


@pytest.fixture
def tiny_chunks(monkeypatch):
    monkeypatch.setattr(importer, "CHUNK", 2)


def projects(count: int) -> list[list]:
    return [PROJECT_HEADERS] + [
        [code(n), f"项目{n}", "县住建局", "县重点", "新建", 100, 2024, 100, None]
        for n in range(1, count + 1)
    ]


def test_a_sheet_read_in_many_chunks_imports_every_row(tiny_chunks):
    reports = [REPORT_HEADERS] + [[code(n), 2024, m, 1] for n in range(1, 4) for m in (1, 2, 3)]

    result = import_ledger(
        data=xlsx({"项目台账": projects(3), "月度投资": reports}), filename="a.xlsx"
    )

    assert result.sheets["月度投资"].created == 9
    assert MonthlyReport.objects.count() == 9


def test_a_duplicate_row_in_a_later_chunk_is_still_found(tiny_chunks):
    reports = (
        [REPORT_HEADERS] + [[code(n), 2024, 3, 1] for n in range(1, 4)] + [[code(1), 2024, 3, 2]]
    )

    with pytest.raises(LedgerImportError) as refused:
        import_ledger(data=xlsx({"项目台账": projects(3), "月度投资": reports}), filename="a.xlsx")

    assert [str(p) for p in refused.value.problems] == [
        "月度投资!5: 月份: 与月度投资!2重复（项目代码、年度和月份相同），同一记录只能填写一行"
    ]


def test_a_bad_row_in_the_last_chunk_leaves_nothing_of_the_earlier_chunks_written(tiny_chunks):
    reports = (
        [REPORT_HEADERS] + [[code(n), 2024, 3, 1] for n in range(1, 6)] + [[code(9), 2024, 3, 1]]
    )

    with pytest.raises(LedgerImportError) as refused:
        import_ledger(data=xlsx({"项目台账": projects(5), "月度投资": reports}), filename="a.xlsx")

    assert [(p.sheet, p.row, p.column) for p in refused.value.problems] == [
        ("月度投资", 7, "项目代码")
    ]
    assert (Project.objects.count(), AnnualPlan.objects.count(), MonthlyReport.objects.count()) == (
        0,
        0,
        0,
    )


def test_sheets_are_read_in_dependency_order_whatever_the_workbooks_order():
    reports = [REPORT_HEADERS, [code(1), 2024, 3, 1]]

    result = import_ledger(
        data=xlsx({"月度投资": reports, "项目台账": projects(1)}), filename="a.xlsx"
    )

    assert result.sheets["月度投资"].created == 1


# ---------------------------------------------------------------- uploads


def multipart_request(path: str, size: int):
    """A POST of one ``size``-byte file to ``path``, its body already in memory."""
    upload = SimpleUploadedFile("台账.xlsx", b"x" * size)
    request = RequestFactory().post(path, {"file": upload})
    request.resolver_match = resolve(path)
    return request


def test_an_upload_past_its_pages_limit_is_dropped_as_it_arrives(settings):
    """The handler keeps one byte past the limit (so the view refuses the file by its size)
    and reads the rest of a 20 MB upload without keeping it anywhere."""
    settings.LEDGER_MAX_BYTES = 64 * KB
    request = multipart_request(reverse("ledger_import"), 20 * MB)

    tracemalloc.start()
    upload = request.FILES["file"]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert upload.size == 64 * KB + 1
    assert len(upload.read()) == 64 * KB + 1
    assert peak < 2 * MB, f"{peak / MB:.1f} MB"


def test_each_page_has_its_own_upload_limit(settings):
    settings.LEDGER_MAX_BYTES = 100 * MB
    settings.PHOTO_MAX_BYTES, settings.ATTACHMENT_MAX_BYTES = 15 * MB, 20 * MB

    ledger = multipart_request(reverse("ledger_import"), 1)
    photos = multipart_request(reverse("report_photos", args=[1]), 1)

    assert upload_limit(ledger) == 100 * MB
    assert upload_limit(photos) == 20 * MB


def test_an_upload_within_the_limit_arrives_whole(settings):
    settings.LEDGER_MAX_BYTES = 64 * KB

    upload = multipart_request(reverse("ledger_import"), 64 * KB).FILES["file"]

    assert (upload.size, len(upload.read())) == (64 * KB, 64 * KB)


def test_the_ledger_page_refuses_an_oversized_upload_by_its_size(client, settings, cast):
    settings.LEDGER_MAX_BYTES = 64 * KB
    client.force_login(cast.officer)
    big = SimpleUploadedFile("台账.xlsx", b"PK\x03\x04" + b"x" * (3 * MB))

    page = client.post(reverse("ledger_import"), {"file": big}).content.decode()

    assert "文件超过64 KB的大小上限，请拆分后分批导入" in page
    assert "确认导入" not in page


# Run in a fresh Python: the peak of its resident memory before the read and after it. A fresh
# process has no memory freed by earlier tests to fill again unseen, and its peak costs nothing
# to keep (tracemalloc, which traces every allocation, made the read ten times slower: 27 s).
READ_ROWS = """
import resource, sys
import django
django.setup()
from ledger.rules.reader import opened
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with opened(data, filename="台账.xlsx") as workbook:
    rows = sum(1 for _ in workbook.sheet("月度投资").rows)
print(rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


@pytest.mark.slow  # 50,001 rows written, then read in a Python of its own
def test_a_sheet_of_more_than_50000_rows_is_read_a_row_at_a_time(tmp_path):
    """The old 50,000-row cap is gone, and the rows stream: memory grows by a few MB (the same
    rows kept as lists grow it by about 20 MB)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("月度投资")
    sheet.append(REPORT_HEADERS)
    for n in range(50_001):
        sheet.append([code(n % 5000 + 1), 2024, n // 5000 + 1, 1.5])
    book.save(tmp_path / "台账.xlsx")

    read = subprocess.run(
        [sys.executable, "-c", READ_ROWS, str(tmp_path / "台账.xlsx")],
        cwd=ROOT, capture_output=True, text=True, check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"},
    )  # fmt: skip
    rows, grown_kb = map(int, read.stdout.split())

    assert rows == 50_001
    assert grown_kb * KB < 12 * MB, f"{grown_kb / KB:.1f} MB"
