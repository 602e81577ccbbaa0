"""A county's 三个一批 built the way the office builds it: projects through the ledger, the
batch and its listings through the services."""

from datetime import date
from typing import Any

from batches.models import Batch, BatchEntry
from batches.services import batch_save, entries_add
from projects.models import Project
from tests.builders import ledger, project_row
from tests.workbooks import code

SECOND_QUARTER: dict[str, Any] = {"name": "2026年第二期", "year": 2026, "quarter": 2}


def projects(dates: list[dict[str, Any]], *, start: int = 1) -> list[Project]:
    """One 2026 project per item, of 县住建局 (odd serials) or 营盘镇 (even), with the dates it
    names by 表头 (签约日期, 实际开(复)工日期, 投产日期)."""
    rows = [
        project_row(serial, {"年度": 2026, "责任单位": "县住建局" if serial % 2 else "营盘镇",
                             "项目名称": f"项目{serial}", **given}, year=2026)
        for serial, given in enumerate(dates, start=start)
    ]  # fmt: skip
    ledger({"项目台账": rows})
    return [Project.objects.get(code=code(s, year=2026)) for s in range(start, start + len(dates))]


def a_batch(officer: Any, **values: Any) -> Batch:
    return batch_save(user=officer, **(SECOND_QUARTER | values))


def listed(officer: Any, batch: Batch, kind: str, some: list[Project],
           target: date | None = None) -> list[BatchEntry]:  # fmt: skip
    return entries_add(user=officer, batch=batch, kind=kind, projects=some, target_date=target)
