"""Time the ledger import of a large workbook (not part of the test suite).

    DATABASE_URL=... .venv/bin/python benchmarks/import_ledger.py [ROWS]

Builds a workbook of ROWS plan rows (default 10,000) with one report each, imports it into a
fresh test database, and prints the seconds taken for the first import (all created) and a
second one (all unchanged).
"""

import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import get_runner  # noqa: E402

from ledger.services.importer import import_ledger  # noqa: E402
from tests.workbooks import PROJECT_HEADERS, REPORT_HEADERS, code, xlsx  # noqa: E402


def main(rows: int) -> None:
    runner = get_runner(django.conf.settings)(verbosity=0)
    old = runner.setup_databases()
    try:
        projects, reports = [PROJECT_HEADERS], [REPORT_HEADERS]
        for serial in range(1, rows + 1):
            project_code = code(serial)
            projects.append(
                [project_code, f"项目{serial}", f"单位{serial % 30}", "县重点", "新建",
                 Decimal(1000), 2024, Decimal(500), "2024-03-01"]
            )  # fmt: skip
            reports.append([project_code, 2024, 3, Decimal("12.5")])
        data = xlsx({"项目台账": projects, "月度投资": reports})
        print(
            f"{connection.vendor}: workbook of {rows} plan rows + {rows} reports, {len(data) // 1024} KB"
        )
        for attempt in ("first import (creates)", "second import (unchanged)"):
            start = time.perf_counter()
            import_ledger(data=data, filename="bench.xlsx")
            print(f"  {attempt}: {time.perf_counter() - start:.2f} s")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
