"""Turning raw sheet rows into checked records, one reader per sheet.

Each record carries the row number it came from and only the fields the row gives: a
column left out of a sheet, or a blank optional cell, means "not given" (DESIGN.md §4). It
leaves a stored value alone and agrees with any value another row gives; a new record takes
the model's default for it. Every reader but the project sheet's is a generator, so a sheet
of a million rows is checked as it streams by.
"""

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from bonds.rules import amount_problems
from core.params import YEAR_MAX, YEAR_MIN
from core.workbooks import row_ref
from ledger.rules import schema
from ledger.rules.cells import (
    CellError,
    check_not_excel_error,
    is_blank,
    read_amount,
    read_choice,
    read_date,
    read_integer,
    read_name,
    read_text,
    read_yes_no,
)
from ledger.rules.reader import Problem, RawSheet
from projects.codes import project_code_problem
from projects.rules import actual_date_problem

YEAR_RANGE: dict[str, Any] = {"low": YEAR_MIN, "high": YEAR_MAX, "unit": "年"}


@dataclass(slots=True)
class Record:
    row: int
    key: tuple
    fields: dict = field(default_factory=dict)


class RowReader:
    """Reads the cells of one sheet, collecting every problem rather than stopping."""

    def __init__(self, raw: RawSheet, problems: list[Problem]):
        self.raw = raw
        self.spec = schema.SHEETS[raw.name]
        self.problems = problems
        self.number = 0
        self.values: tuple = ()
        self.ok = True

    def check_headers(self) -> bool:
        for header in self.raw.duplicate_headers:
            self.problems.append(Problem("列名重复，每列只能出现一次", self.raw.name, 1, header))
        missing = [h for h in self.spec.headers if h in self.spec.required and not self.has(h)]
        for header in missing:
            self.problems.append(Problem("缺少必填列", self.raw.name, 1, header))
        return not missing and not self.raw.duplicate_headers

    def rows(self):
        for number, values in self.raw.rows:
            self.number, self.values, self.ok = number, values, True
            yield number

    def has(self, header: str) -> bool:
        return header in self.raw.columns

    def cell(self, header: str) -> object:
        index = self.raw.columns.get(header)
        if index is None or index >= len(self.values):
            return None
        return self.values[index]

    def read(self, header: str, reader: Callable[[object], object]) -> Any:
        """The cell read by ``reader``; None when blank (a problem if required) or bad."""
        value = self.cell(header)
        if is_blank(value):
            if header in self.spec.required:
                self.fail(header, "必填，不能为空")
            return None
        try:
            check_not_excel_error(value)
            return reader(value)
        except CellError as error:
            self.fail(header, str(error))
            return None

    def optional(self, fields: dict, name: str, header: str, reader) -> None:
        """Set ``fields[name]`` when the row gives it; a blank cell is "not given"."""
        if self.has(header):
            value = self.read(header, reader)
            if value is not None:
                fields[name] = value

    def fail(self, header: str, reason: str) -> None:
        self.problems.append(Problem(reason, self.raw.name, self.number, header))
        self.ok = False


def text(max_length: int) -> Callable[[object], str]:
    return lambda value: read_text(value, max_length=max_length)


def unit_name_text(value: object) -> str:
    return read_name(value, max_length=100)


def batch_name_text(value: object) -> str:
    """A 期次 as `batches.services.batch_save` keeps it (``core.names.clean_name``)."""
    return read_name(value, max_length=50)


def choice(labels: dict[str, str]) -> Callable[[object], str]:
    return lambda value: read_choice(value, labels=labels)


def read_code(value: object) -> str:
    code = read_text(value, max_length=40)
    problem = project_code_problem(code, today=timezone.localdate())
    if problem:
        raise CellError(f'{problem}，实际为"{code}"')
    # A code repeats on every month of its project: one string per code, not per row.
    return sys.intern(code)


def read_year(value: object) -> int:
    return read_integer(value, **YEAR_RANGE)


def read_month(value: object) -> int:
    return read_integer(value, low=1, high=12, unit="月")


class DuplicateCheck:
    """Refuses a second row with the same key inside the workbook."""

    def __init__(self, what: str):
        self.what = what
        self.seen: dict[tuple, int] = {}

    def check(self, reader: RowReader, key: tuple, header: str) -> None:
        first = self.seen.setdefault(key, reader.number)
        if first != reader.number:
            reader.fail(
                header,
                f"与{row_ref(reader.raw.name, first)}重复（{self.what}相同），同一记录只能填写一行",
            )


PROJECT_HEADERS = {
    "name": "项目名称",
    "unit_name": "责任单位",
    "total_investment": "总投资(万元)",
    "industry": "行业类别",
    "planned_start": "计划开工日期",
    "planned_end": "计划竣工日期",
    "leader": "包抓领导",
    "is_private": "是否民间投资",
    "content": "建设内容",
    "stage": "项目阶段",
    "service_officer": "服务专员",
    "original_total": "原总投资(万元)",
    "original_completion": "原计划竣工日期",
    "signed_on": "签约日期",
    "production_on": "投产日期",
}


# 项目台账's dates of what has happened, the project's and the plan row's: never after today.
ACTUAL_DATES = {
    "signed_on": "签约日期",
    "production_on": "投产日期",
    "actual_start": "实际开(复)工日期",
    "statistics_date": "纳统日期",
}


@dataclass
class ProjectSheet:
    """项目台账 read: plan rows as records keyed (code, year) with the plan's fields; each
    project once, with the values its rows give merged, and the row that first named it; and
    every code the sheet names, even on bad rows, so that other sheets referring to them are
    not reported a second time as unknown projects."""

    records: list[Record] = field(default_factory=list)
    projects: dict[str, tuple[dict, int]] = field(default_factory=dict)
    codes: set[str] = field(default_factory=set)


def read_projects(raw: RawSheet, problems: list[Problem]) -> ProjectSheet:
    reader = RowReader(raw, problems)
    sheet = ProjectSheet()
    if not reader.check_headers():
        return sheet
    duplicates = DuplicateCheck("项目代码和年度")
    today = timezone.localdate()
    # code → field → (the value the first row giving it gave, that row's number)
    given_by_project: dict[str, dict[str, tuple]] = {}
    first_row: dict[str, int] = {}
    for _ in reader.rows():
        code = reader.read("项目代码", read_code)
        if not is_blank(reader.cell("项目代码")):
            sheet.codes.add(str(reader.cell("项目代码")).strip())
        year = reader.read("年度", read_year)
        project = {
            "name": reader.read("项目名称", text(200)),
            "unit_name": reader.read("责任单位", unit_name_text),
            "total_investment": reader.read("总投资(万元)", read_amount),
        }
        reader.optional(project, "industry", "行业类别", text(50))
        reader.optional(project, "planned_start", "计划开工日期", read_date)
        reader.optional(project, "planned_end", "计划竣工日期", read_date)
        reader.optional(project, "leader", "包抓领导", text(50))
        reader.optional(project, "is_private", "是否民间投资", read_yes_no)
        reader.optional(project, "content", "建设内容", text(2000))
        reader.optional(project, "stage", "项目阶段", choice(schema.STAGES))
        reader.optional(project, "service_officer", "服务专员", text(50))
        # DESIGN.md §3 Overruns: the original approval, so an export's round trip keeps it
        # (blank: the first 总投资 and 计划竣工日期 seen are the originals).
        reader.optional(project, "original_total", "原总投资(万元)", read_amount)
        reader.optional(project, "original_completion", "原计划竣工日期", read_date)
        # 三个一批 (DESIGN.md §3): the dates 签约率 and 投产率 read.
        reader.optional(project, "signed_on", "签约日期", read_date)
        reader.optional(project, "production_on", "投产日期", read_date)
        plan = {
            "level": reader.read("项目级别", choice(schema.LEVELS)),
            "nature": reader.read("建设性质", choice(schema.NATURES)),
            "planned_investment": reader.read("年度计划投资(万元)", read_amount),
        }
        reader.optional(plan, "actual_start", "实际开(复)工日期", read_date)
        reader.optional(plan, "statistics_date", "纳统日期", read_date)
        # What has happened is never after today: the one rule the forms give (projects.rules).
        given_dates = project | plan
        for name, header in ACTUAL_DATES.items():
            if problem := actual_date_problem(header, given_dates.get(name), today=today):
                reader.fail(header, problem)
        # 替换 (DESIGN.md §3): the code of the project that took this year's place, so a
        # replaced row stays out of the figures after an export → import.
        reader.optional(plan, "replaced_by_code", "替换为", read_code)
        start, end = project.get("planned_start"), project.get("planned_end")
        if start and end and end < start:
            reader.fail("计划竣工日期", "计划竣工日期早于计划开工日期")
        if code and year:
            duplicates.check(reader, (code, year), "年度")
        if not reader.ok:
            continue
        given = given_by_project.setdefault(code, {})
        _check_same_project(reader, given, project)
        if reader.ok:
            for name, value in project.items():
                given.setdefault(name, (value, reader.number))
            first_row.setdefault(code, reader.number)
            sheet.records.append(Record(reader.number, (code, year), plan))
    sheet.projects = {
        code: ({name: value for name, (value, _) in given.items()}, first_row[code])
        for code, given in given_by_project.items()
        if code in first_row
    }
    return sheet


def _check_same_project(reader: RowReader, given: dict, project: dict) -> None:
    """Two years of one project must describe the same project: each value a row gives must
    equal the value an earlier row gave (a blank cell gives none, so it agrees with any)."""
    for name, value in project.items():
        if name in given and given[name][0] != value:
            reader.fail(
                PROJECT_HEADERS[name],
                f"与{row_ref(reader.raw.name, given[name][1])}同一项目的{PROJECT_HEADERS[name]}不一致，"
                "同一项目各年度的项目信息应相同",
            )


def read_reports(raw: RawSheet, problems: list[Problem]) -> Iterator[Record]:
    reader = RowReader(raw, problems)
    if not reader.check_headers():
        return
    duplicates = DuplicateCheck("项目代码、年度和月份")
    for _ in reader.rows():
        code = reader.read("项目代码", read_code)
        year = reader.read("年度", read_year)
        month = reader.read("月份", read_month)
        fields = {"amount": reader.read("本月完成投资(万元)", read_amount)}
        reader.optional(fields, "progress", "形象进度", text(2000))
        reader.optional(fields, "problems", "存在问题", text(2000))
        if code and year and month:
            duplicates.check(reader, (code, year, month), "月份")
        if reader.ok:
            yield Record(reader.number, (code, year, month), fields)


def read_milestones(raw: RawSheet, problems: list[Problem]) -> Iterator[Record]:
    reader = RowReader(raw, problems)
    if not reader.check_headers():
        return
    duplicates = DuplicateCheck("项目代码和节点名称")
    today = timezone.localdate()
    for _ in reader.rows():
        code = reader.read("项目代码", read_code)
        name = reader.read("节点名称", text(100))
        fields = {"planned_date": reader.read("计划完成日期", read_date)}
        reader.optional(fields, "kind", "节点类型", choice(schema.MILESTONE_KINDS))
        reader.optional(fields, "actual_date", "实际完成日期", read_date)
        if problem := actual_date_problem("实际完成日期", fields.get("actual_date"), today=today):
            reader.fail("实际完成日期", problem)
        reader.optional(fields, "unit_name", "责任单位", unit_name_text)
        if code and name:
            duplicates.check(reader, (code, name), "节点名称")
        if reader.ok:
            yield Record(reader.number, (code, name), fields)


def read_funds(raw: RawSheet, problems: list[Problem]) -> Iterator[Record]:
    reader = RowReader(raw, problems)
    if not reader.check_headers():
        return
    duplicates = DuplicateCheck("项目代码、资金类型、年度和批次")
    for _ in reader.rows():
        code = reader.read("项目代码", read_code)
        fund_type = reader.read("资金类型", choice(schema.FUND_TYPES))
        year = reader.read("年度", read_year)
        batch = reader.read("批次", text(50)) or ""
        fields: dict = {"requested": reader.read("申报金额(万元)", read_amount)}
        reader.optional(fields, "approved", "批复金额(万元)", read_amount)
        reader.optional(fields, "allocated", "下达金额(万元)", read_amount)
        reader.optional(fields, "spent", "支出金额(万元)", read_amount)
        headers = {
            "approved": "批复金额(万元)",
            "allocated": "下达金额(万元)",
            "spent": "支出金额(万元)",
        }
        if reader.ok:
            for field_name, reason in amount_problems(fields):
                reader.fail(headers[field_name], reason)
        # A blank 状态 follows the amounts when the import writes the application, or keeps
        # a status chosen by hand (bonds.rules.resulting_status; see
        # ledger.services.importer.funds_sheet).
        reader.optional(fields, "status", "状态", choice(schema.FUND_STATUSES))
        reader.optional(fields, "allocated_on", "下达日期", read_date)  # ours, beyond DESIGN.md §4
        if code and fund_type and year:
            duplicates.check(reader, (code, fund_type, year, batch), "批次")
        if reader.ok:
            yield Record(reader.number, (code, fund_type, year, batch), fields)


def read_findings(raw: RawSheet, problems: list[Problem]) -> Iterator[Record]:
    reader = RowReader(raw, problems)
    if not reader.check_headers():
        return
    duplicates = DuplicateCheck("责任单位、问题描述和发现日期")
    for _ in reader.rows():
        unit_name = reader.read("责任单位", unit_name_text)
        description = reader.read("问题描述", text(500))
        found_on: date | None = reader.read("发现日期", read_date)
        fields: dict = {"deadline": reader.read("整改时限", read_date)}
        reader.optional(fields, "project_code", "项目代码", read_code)
        reader.optional(fields, "category", "问题类别", choice(schema.CATEGORIES))
        reader.optional(fields, "status", "整改状态", choice(schema.FINDING_STATUSES))
        reader.optional(fields, "closed_on", "销号日期", read_date)
        status, closed_on = fields.get("status", "open"), fields.get("closed_on")
        if reader.ok and status == "closed" and closed_on is None:
            reader.fail("销号日期", "整改状态为“已销号”时必须填写销号日期")
        if reader.ok and status != "closed" and closed_on is not None:
            reader.fail("整改状态", "已填写销号日期，整改状态应为“已销号”")
        if reader.ok and found_on and fields["deadline"] < found_on:
            reader.fail("整改时限", "整改时限早于发现日期")
        if reader.ok and found_on and closed_on and closed_on < found_on:
            reader.fail("销号日期", "销号日期早于发现日期")
        if unit_name and description and found_on:
            duplicates.check(reader, (unit_name, description, found_on), "问题")
        if reader.ok:
            yield Record(reader.number, (unit_name, description, found_on), fields)


def read_batch_entries(raw: RawSheet, problems: list[Problem]) -> Iterator[Record]:
    """三个一批: keyed (期次, 类别, 项目代码); a 期次 not in the system is created by the import
    when its name says its year and quarter (`batches.rules.batch_place`)."""
    reader = RowReader(raw, problems)
    if not reader.check_headers():
        return
    duplicates = DuplicateCheck("期次、类别和项目代码")
    for _ in reader.rows():
        batch = reader.read("期次", batch_name_text)
        kind = reader.read("类别", choice(schema.BATCH_KINDS))
        code = reader.read("项目代码", read_code)
        fields: dict = {}
        reader.optional(fields, "target_date", "目标日期", read_date)
        if batch and kind and code:
            duplicates.check(reader, (batch, kind, code), "项目代码")
        if reader.ok:
            yield Record(reader.number, (batch, kind, code), fields)
