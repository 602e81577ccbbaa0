"""The tests' builders: ledger rows by header name, one project, a year's settings.

Records are made the way the county makes them, through the ledger import (tests/workbooks.py's
``load``) and the services, so every test meets the history, the originals and the checks a
real row has; people come from tests/cast.py. A factory library (factory-boy, model-bakery)
would write model rows directly, around exactly those services, so it is not used: what
repeats across the tests is the ledger's rows and their defaults, and those are here.

A ledger row is a dict of 表头 → value. ``sheet`` turns records into the sheet's header and
rows in the ledger's own column order (``ledger.schema``), so a test names the columns it
cares about and a header the ledger does not know fails at once. ``project_row`` and
``report_row`` fill in the rest of a 项目台账 or 月度投资 row; ``project`` loads one project.
A year's settings default to the model's own defaults (``year_settings``), never a copy.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from investment.models import YearSettings
from investment.rules.year_settings import FIELDS
from ledger.rules import schema
from ledger.rules.results import ImportResult
from projects.models import Project, Unit
from tests.workbooks import code, load

# A 项目台账 row's values when a test does not name them: a county-level new project of
# 县住建局 on 2024's list.
PROJECT: dict[str, Any] = {
    "项目名称": "城关污水处理厂",
    "责任单位": "县住建局",
    "项目级别": "县重点",
    "建设性质": "新建",
    "总投资(万元)": 1000,
    "年度": 2024,
    "年度计划投资(万元)": 400,
}

Record = Mapping[str, Any]


def sheet(name: str, records: Iterable[Record]) -> list[list[Any]]:
    """Sheet ``name``'s header row and one row per record (表头 → value): the columns any
    record names, in the ledger's order; a cell a record leaves out is empty."""
    records = list(records)
    if not all(isinstance(record, Mapping) for record in records):
        raise TypeError(f"{name}: a record is a dict of 表头 → value")
    known = schema.SHEETS[name].headers
    unknown = {header for record in records for header in record} - set(known)
    if unknown:
        raise ValueError(f"{name} has no column {sorted(unknown)}")
    headers = [header for header in known if any(header in record for record in records)]
    return [headers, *([record.get(header) for header in headers] for record in records)]


def ledger(sheets: Mapping[str, Iterable[Any]], **kwargs: Any) -> ImportResult:
    """Import a workbook of the given sheets, each a list of records (表头 → value); a sheet
    given as rows (its header row first, as tests/workbooks.py's ``load`` takes them) goes in
    as it is."""
    workbook: dict[str, list[list[Any]]] = {}
    for name, given in sheets.items():
        rows = list(given)
        workbook[name] = rows if rows and isinstance(rows[0], list) else sheet(name, rows)
    return load(workbook, **kwargs)


def project_row(serial: int = 1, values: Record | None = None, **kwargs: Any) -> dict[str, Any]:
    """A 项目台账 row: the project coded ``code(serial, **kwargs)``, PROJECT's values with
    ``values`` over them."""
    return {"项目代码": code(serial, **kwargs), **PROJECT, **(values or {})}


def report_row(serial: int, year: int, month: int, amount: Any, **values: Any) -> dict[str, Any]:
    """A 月度投资 row of project ``code(serial)``; ``values`` by 表头 (形象进度, 存在问题)."""
    row = {"项目代码": code(serial), "年度": year, "月份": month, "本月完成投资(万元)": amount}
    return row | values


def project(values: Record | None = None, *, serial: int = 1, listed: bool = True) -> Project:
    """One project, ``project_row(serial, values)``: loaded through the ledger onto its year's
    list, or (``listed=False``) registered with its code, name, unit and 总投资 only, on no
    list yet."""
    row = project_row(serial, values)
    if listed:
        ledger({schema.PROJECTS: [row]})
    else:
        unit = Unit.objects.get_or_create(
            name=row["责任单位"], defaults={"kind": Unit.Kind.DEPARTMENT}
        )[0]
        Project.objects.create(
            code=row["项目代码"], name=row["项目名称"], unit=unit,
            total_investment=row["总投资(万元)"],
        )  # fmt: skip
    return Project.objects.get(code=row["项目代码"])


def year_settings(**changes: Any) -> dict[str, Any]:
    """年度设置's values: the model's defaults (what a year without a saved row uses) with
    ``changes`` over them."""
    fields = {field.name: field for field in YearSettings._meta.concrete_fields}
    defaults = {name: fields[name].get_default() for name in FIELDS}  # what 年度设置 edits
    unknown = set(changes) - set(defaults)
    if unknown:
        raise ValueError(f"年度设置 has no {sorted(unknown)}")
    return defaults | changes
