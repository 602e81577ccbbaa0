"""Memory and time of importing a city's ledger: a 500,000-row 月度投资 sheet (not in the suite).

    .venv/bin/python benchmarks/import_big_sheet.py [REPORT_ROWS]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_bench .venv/bin/python benchmarks/...

The workbook is a city's export (issue 14): 20,000 projects × 5 years of plan rows
(项目台账, 100,000 rows) and 5 months of reports per plan row (月度投资, 500,000 rows),
written by openpyxl like the app's own export. It is built in a child process, so its memory
is not counted, then imported into a fresh test database (SQLite in a file, not in memory,
so the database's pages are not counted as the import's) three times: the preview (a dry
run), the import, and a re-import of the same file (nothing changes). After each, the time
and the peak resident memory of that step (VmHWM, reset before each step) are printed.
"""

import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

YEARS = (2020, 2021, 2022, 2023, 2024)
MONTHS = (3, 4, 5, 6, 7)


def build(path: str, report_rows: int) -> None:
    """Write the workbook row by row (openpyxl write-only), as the export does."""
    from openpyxl import Workbook

    from ledger.rules.schema import SHEETS
    from tests.workbooks import code

    plans = report_rows // len(MONTHS)
    projects = max(plans // len(YEARS), 1)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("项目台账")
    sheet.append(list(SHEETS["项目台账"].headers))
    for serial in range(1, projects + 1):
        for year in YEARS:
            sheet.append(
                [code(serial, year=2020), f"重点项目{serial}", f"单位{serial % 200}", "市重点",
                 "新建" if year == 2020 else "续建", Decimal(20000), year, Decimal(4000),
                 "基础设施", "2020-03-01", "2026-12-31", f"{year}-03-01", "张副市长", "否",
                 "道路及配套管网建设", "在建", f"{year}-04-15", "李专员"]
            )  # fmt: skip
    sheet = book.create_sheet("月度投资")
    sheet.append(list(SHEETS["月度投资"].headers))
    for serial in range(1, projects + 1):
        for year in YEARS:
            for month in MONTHS:
                sheet.append(
                    [code(serial, year=2020), year, month, Decimal("312.5"),
                     "主体结构施工，完成形象进度的45%", ""]
                )  # fmt: skip
    book.save(path)


def peak_reset() -> None:
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # resets VmHWM, the peak resident set size


def memory() -> tuple[int, int]:
    """(current, peak) resident memory in MB."""
    fields = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024


def main(report_rows: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import get_runner

    from investment.models import MonthlyReport
    from ledger.services.importer import import_ledger

    workdir = Path(tempfile.mkdtemp(prefix="ledger-bench-"))
    path = workdir / "city.xlsx"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, __file__, "--build", str(path), str(report_rows)], check=True, cwd=ROOT
    )
    print(
        f"built {path.name}: {report_rows:,} 月度投资 rows + {report_rows // len(MONTHS):,} "
        f"项目台账 rows, {path.stat().st_size / 1024 / 1024:.1f} MB, "
        f"{time.perf_counter() - started:.0f} s"
    )
    settings.LEDGER_MAX_BYTES = max(settings.LEDGER_MAX_BYTES, path.stat().st_size)
    settings.DEBUG = False  # as in production: no log of every query's SQL
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(workdir / "bench.sqlite3")
    runner = get_runner(settings)(verbosity=0)
    old = runner.setup_databases()
    try:
        print(f"{connection.vendor}; before: {memory()[0]} MB resident")
        for step, dry_run in (("preview", True), ("import", False), ("re-import", False)):
            peak_reset()
            started = time.perf_counter()
            result = import_ledger(file=path, filename=path.name, dry_run=dry_run)
            elapsed = time.perf_counter() - started
            current, peak = memory()
            counts = result.sheets["月度投资"]
            print(
                f"  {step:9}: {elapsed:6.1f} s, peak {peak} MB resident (now {current} MB); "
                f"月度投资 created {counts.created:,}, updated {counts.updated:,}, "
                f"unchanged {counts.unchanged:,}"
            )
        print(f"  reports in the database: {MonthlyReport.objects.count():,}")
    finally:
        runner.teardown_databases(old)
        for leftover in workdir.iterdir():
            leftover.unlink()
        workdir.rmdir()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--build"]:
        import django

        django.setup()
        build(sys.argv[2], int(sys.argv[3]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 500_000)
