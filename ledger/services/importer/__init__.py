"""The ledger import service: one workbook in, all or nothing.

``import_ledger`` is the only way ledger data gets into the database; the command, the
upload page and the tests call it. Sheets are read in dependency order (项目台账 first) and,
but for 项目台账, streamed: every ``CHUNK`` rows are checked against what the database holds
for their keys (a few set-based queries) and written with bulk inserts and updates, so memory
stays bounded whatever the sheet's length. Every problem of every row is collected; one
problem anywhere and the whole transaction is rolled back, so nothing is written.

A row equal to what is stored changes nothing (no write, no history). Each field a row
changes is recorded old → new in a ``ChangeLog``: the preview shows the first of them and
offers the whole list as a download. A new record takes the model's default for what its row
does not give (阶段 前期, 节点类型 其他, 整改状态 未整改). On PostgreSQL an advisory lock
serializes concurrent imports.

The rooms: this module runs the import (the transaction, the preview and its confirmation);
``base`` holds one import's state and what every sheet uses (``Importer.upsert``, the change
log, the units); each sheet's rows are written by its own module, which names its upsert key:
``projects_sheet`` (项目台账), ``reports_sheet`` (月度投资), ``milestones_sheet`` (项目节点),
``funds_sheet`` (资金申报), ``findings_sheet`` (督查问题), ``batches_sheet`` (三个一批).
"""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, TextIO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from audit.services import audited
from core import journal
from core.capabilities import require
from ledger.models import LedgerImport
from ledger.rules import schema
from ledger.rules.reader import LedgerImportError, Problem, RawSheet, opened
from ledger.rules.results import ChangeLog, ImportResult
from ledger.rules.rows import (
    Record,
    read_batch_entries,
    read_findings,
    read_funds,
    read_milestones,
    read_reports,
)
from ledger.services.importer.base import Importer
from ledger.services.importer.batches_sheet import import_batch_entries
from ledger.services.importer.findings_sheet import import_findings
from ledger.services.importer.funds_sheet import import_funds
from ledger.services.importer.milestones_sheet import import_milestones
from ledger.services.importer.projects_sheet import follow_starts, import_projects
from ledger.services.importer.reports_sheet import import_reports
from projects.models import ConfirmedUpload, User
from projects.previews import claim

__all__ = ["CHUNK", "Importer", "import_ledger"]

CHUNK = 2000  # rows checked and written at a time, read when an import starts
# Serializes imports on PostgreSQL so two clerks' uploads never interleave.
IMPORT_LOCK_KEY = 7_301_001

# The streamed sheets: each one's reader (`ledger.rules.rows`) and the writer of its chunks.
STREAMED: dict[
    str,
    tuple[
        Callable[[RawSheet, list[Problem]], Iterator[Record]],
        Callable[[Importer, list[Record]], None],
    ],
] = {
    schema.REPORTS: (read_reports, import_reports),
    schema.MILESTONES: (read_milestones, import_milestones),
    schema.FUNDS: (read_funds, import_funds),
    schema.FINDINGS: (read_findings, import_findings),
    schema.BATCHES: (read_batch_entries, import_batch_entries),
}


@audited(
    "导入Excel台账",
    refusals={LedgerImportError: lambda error: f"发现{len(error.problems)}处问题，未写入任何数据"},
)
def import_ledger(
    *,
    data: bytes | None = None,
    file: str | Path | IO[bytes] | None = None,
    filename: str,
    user: User | None = None,
    dry_run: bool = False,
    changes: TextIO | None = None,
    expected: str | None = None,
    preview: str | None = None,
    progress: Callable[..., None] | None = None,
) -> ImportResult:
    """Import a ledger workbook (``data``, or a ``file`` path or open file); raise
    ``LedgerImportError`` listing every bad row.

    With ``dry_run`` everything is checked, written and counted, then rolled back: the
    preview. ``changes`` (a text file) receives every change as JSON lines (``ChangeLog``).
    ``expected`` is the preview's ``fingerprint``: when the database moved on since the
    preview (another import, an edit in the app) and the import would now do something else,
    nothing is written and the difference is the refusal. ``preview`` is the token of the
    preview being confirmed: claimed inside the transaction (`projects.previews.claim`), so a
    preview confirmed twice, even at the same moment, imports once. ``progress`` (a background
    job's, `jobs.services.Progress`) is told the rows read and written as the sheets are read.
    """
    if user is not None:  # the command and the demo import as the system, with no user
        require(user, "ledger.import")
    source = data if file is None else file
    if source is None:
        raise TypeError("import_ledger needs data or file")
    result = ImportResult(dry_run=dry_run, changes=ChangeLog(changes))
    try:
        with opened(source, filename=filename) as book:
            result.ignored_sheets = book.ignored
            counter = _Counter(progress, result, total=book.row_estimate()) if progress else None
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
                if preview is not None and not dry_run:
                    try:
                        claim(token=preview, kind=ConfirmedUpload.Kind.LEDGER, user=user)
                    except ValidationError as error:
                        raise LedgerImportError([Problem(error.messages[0])]) from None
                importer = Importer(result, user=user, filename=filename, chunk=CHUNK)
                for name in schema.SHEETS:  # dependency order, whatever the workbook's
                    if name in book.worksheets:
                        raw = book.sheet(name)
                        if counter is not None:
                            raw.rows = counter.counted(raw.rows, name)
                        _import_sheet(importer, name, raw)
                follow_starts(importer)  # after 项目节点: a 主体开工 it adds is completed too
                if not dry_run:
                    if counter is not None:
                        counter.phase("核对数据质量")
                    importer.judge_quality()
                if importer.problems:
                    raise LedgerImportError(_in_sheet_order(importer.problems))
                if expected is not None and result.fingerprint() != expected:
                    raise LedgerImportError([Problem(_moved_on(result))])
                shown = "；".join(result.lines()) or "没有变化"
                if dry_run:
                    transaction.set_rollback(True)
                    journal.note(f"预览（未写入）：{filename}：{shown}")
                else:
                    journal.note(f"{filename}：{shown}")
                    LedgerImport.objects.create(
                        filename=filename[:255], imported_by=user, summary=result.as_dict()
                    )
    except IntegrityError:
        raise LedgerImportError(
            [Problem("导入时数据被他人同时修改，本次未写入任何数据，请重新导入")]
        ) from None
    return result


class _Counter:
    """The rows read so far, told to ``progress`` every ``EVERY`` rows (it writes at most once a
    second); the rows written are the records created and updated so far (none in a preview)."""

    EVERY = 200

    def __init__(self, progress: Callable[..., None], result: ImportResult, *, total: int) -> None:
        self.progress, self.result, self.read = progress, result, 0
        progress(read=0, written=0, total=total or None, phase="打开文件")

    def written(self) -> int:
        if self.result.dry_run:
            return 0
        counts = [self.result.projects, *self.result.sheets.values()]
        return sum(count.created + count.updated for count in counts)

    def counted(
        self, rows: Iterator[tuple[int, tuple[Any, ...]]], name: str
    ) -> Iterator[tuple[int, tuple[Any, ...]]]:
        doing = "预览" if self.result.dry_run else "导入"
        self.progress(phase=f"{doing}“{name}”")
        for row in rows:
            self.read += 1
            if self.read % self.EVERY == 0:
                self.progress(read=self.read, written=self.written())
            yield row
        self.progress(read=self.read, written=self.written())

    def phase(self, phase: str) -> None:
        self.progress(read=self.read, written=self.written(), phase=phase)


def _import_sheet(importer: Importer, name: str, raw: RawSheet) -> None:
    importer.counts(name)
    if name == schema.PROJECTS:
        import_projects(importer, raw)
        return
    read, write = STREAMED[name]
    for chunk in importer.chunks(read(raw, importer.problems)):
        write(importer, chunk)


def _moved_on(result: ImportResult) -> str:
    now = "；".join(result.lines()) or "没有变化"
    return (
        "预览之后系统中的数据已有变化（他人导入或在系统中修改），按现在的数据导入会与预览不同"
        f"（现在：{now}），未导入任何数据。请重新上传文件，核对新的预览后再确认"
    )


def _in_sheet_order(problems: list[Problem]) -> list[Problem]:
    order = {name: index for index, name in enumerate(schema.SHEETS)}
    return sorted(problems, key=lambda p: (order.get(p.sheet, -1), p.row))
