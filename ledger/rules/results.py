"""What an import did, or would do: counts per sheet, every field changed old → new, new
units with the existing units closest to them, and the fingerprint a confirmation checks.

Kept apart from `ledger.services.importer` (which does the work) so the page, the command and the
download read results without the import's machinery.
"""

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from ledger.rules import schema

SHOWN = 200  # changes, locked rows and warnings kept in memory for the page
# what a preview that changes nothing says instead of offering 确认导入 (the page, the job)
NOTHING_TO_IMPORT = "与系统数据一致，无需导入。"


@dataclass
class SheetResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Change:
    """One field one row changes: ``sheet!row`` (record) field: old → new."""

    sheet: str
    row: int
    record: str
    field: str
    old: str
    new: str

    def as_row(self) -> tuple[Any, ...]:
        return (self.sheet, self.row, self.record, self.field, self.old, self.new)


class ChangeLog:
    """Every field the import changes. The first ``SHOWN`` stay in memory for the page; with
    a text ``file``, all of them are also written there, one JSON list a line, for the
    download (``read_changes``)."""

    def __init__(self, file: TextIO | None = None):
        self.count = 0
        self.first: list[Change] = []
        self.file = file
        self.digest = hashlib.sha256()

    def add(self, change: Change) -> None:
        self.count += 1
        self.digest.update(json.dumps(change.as_row(), ensure_ascii=False).encode() + b"\n")
        if len(self.first) < SHOWN:
            self.first.append(change)
        if self.file is not None:
            self.file.write(json.dumps(change.as_row(), ensure_ascii=False) + "\n")


def read_changes(lines: Iterable[str | bytes]) -> Iterator[tuple[Any, ...]]:
    """The rows a ``ChangeLog`` wrote, from the lines of its file, as they come."""
    for line in lines:
        if line.strip():
            yield tuple(json.loads(line))


@dataclass
class ImportResult:
    projects: SheetResult = field(default_factory=SheetResult)
    sheets: dict[str, SheetResult] = field(default_factory=dict)
    units_created: list[str] = field(default_factory=list)
    # new unit → the existing units whose names are closest (a new unit is often a typo)
    similar_units: dict[str, list[str]] = field(default_factory=dict)
    ignored_sheets: list[str] = field(default_factory=list)
    batches_created: list[str] = field(default_factory=list)  # 三个一批's new 期次
    dry_run: bool = False
    # Imported all the same, but worth a look (a month above half the year's plan: 元 for 万元?).
    warnings: list[str] = field(default_factory=list)
    warnings_count: int = 0
    changes: ChangeLog = field(default_factory=ChangeLog)
    # 月度投资 rows of a locked month that equal what is stored: left alone, counted, listed
    locked: int = 0
    locked_rows: list[str] = field(default_factory=list)
    # reports entered through the forms that this import changes (they become ledger reports)
    form_reports: int = 0
    # the projects the import creates, as 名称（代码）: the first SHOWN, and how many in all
    new_projects: list[str] = field(default_factory=list)
    new_projects_count: int = 0

    @property
    def new_projects_hidden(self) -> int:
        return self.new_projects_count - len(self.new_projects)

    def new_project(self, label: str) -> None:
        self.new_projects_count += 1
        if len(self.new_projects) < SHOWN:
            self.new_projects.append(label)

    @property
    def changes_nothing(self) -> bool:
        counts = [self.projects, *self.sheets.values()]
        return (
            not self.units_created
            and not self.batches_created
            and all(c.created == c.updated == 0 for c in counts)
        )

    def lines(self) -> list[str]:
        """What the import did, in Chinese, one line per sheet."""
        out = [f"忽略未知工作表“{name}”" for name in self.ignored_sheets]
        if self.units_created:
            out.append(f"新建责任单位{len(self.units_created)}个：{'、'.join(self.units_created)}")
        if self.batches_created:
            out.append(
                f"新建三个一批期次{len(self.batches_created)}个：{'、'.join(self.batches_created)}"
            )
        if schema.PROJECTS in self.sheets:
            p = self.projects
            out.append(f"项目：新增{p.created}个，更新{p.updated}个，未变化{p.unchanged}个")
        for name, result in self.sheets.items():
            # 项目台账's own count is of its plan rows: the projects are counted above, so a row
            # that only changes a project's field is 项目 更新 and its plan row 未变化.
            what = f"{name}（年度计划）" if name == schema.PROJECTS else name
            line = (
                f"{what}：新增{result.created}条，更新{result.updated}条，"
                f"未变化{result.unchanged}条"
            )
            if name == schema.REPORTS and self.locked:
                line += f"，已锁定月份与系统一致而跳过{self.locked}条"
            out.append(line)
        if self.form_reports:
            out.append(
                f"其中{self.form_reports}份在线填报的月报被台账修改：数值以台账为准，"
                "来源改为“台账导入”、状态改为“已审核”，审核人为导入人"
            )
        if not self.sheets:
            out.append("工作簿中没有可导入的工作表（应为：" + "、".join(schema.SHEETS) + "）")
        return out

    def fingerprint(self) -> str:
        """What this import does to the records as they stand: every change old → new and
        every count. A confirmation must do exactly what its preview showed. (A unit the
        preview would have created that exists by then is no difference worth refusing.)"""
        digest = self.changes.digest.copy()
        counts = [vars(self.projects), {name: vars(r) for name, r in self.sheets.items()}]
        digest.update(
            json.dumps([counts, self.locked_rows, self.form_reports], ensure_ascii=False).encode()
        )
        return digest.hexdigest()

    def as_dict(self) -> dict[str, Any]:
        return {
            "projects": vars(self.projects),
            "sheets": {name: vars(result) for name, result in self.sheets.items()},
            "units_created": self.units_created,
            "batches_created": self.batches_created,
            "ignored_sheets": self.ignored_sheets,
            "changes": self.changes.count,
            "locked": self.locked,
            "form_reports": self.form_reports,
        }
