"""The ledger import service: one workbook in, all or nothing.

``import_ledger`` is the only way ledger data gets into the database; the command, the
upload page and the tests call it. Sheets are read in dependency order (项目台账 first) and,
but for 项目台账, streamed: every ``CHUNK`` rows are checked against what the database holds
for their keys (a few set-based queries) and written with bulk inserts and updates, so memory
stays bounded whatever the sheet's length. Every problem of every row is collected; one
problem anywhere and the whole transaction is rolled back, so nothing is written.

A row equal to what is stored changes nothing (no write, no history). Each field a row
changes is recorded old → new in a ``ChangeLog``: the preview shows the first of them and
offers the whole list as a download.

Upsert keys: a project by 项目代码; a plan row by (项目代码, 年度); a report by (项目代码, 年度,
月份); a milestone by (项目代码, 节点名称); a fund application by (项目代码, 资金类型, 年度, 批次); a
finding by (责任单位, 问题描述, 发现日期); a 三个一批 listing by (期次, 类别, 项目代码), a 期次 the
system lacks created from its name (`batches.rules.batch_place`). A new record takes the model's default for what its row
does not give (阶段 前期, 节点类型 其他, 整改状态 未整改; 资金申报's 状态 follows its amounts,
`bonds.rules.resulting_status`). A report row is equal when its amount and texts are and the
stored report already counts, so re-importing an export leaves form reports' status, source and
reviewer as they were. New reports arrive approved with ``source=ledger`` (on time for I5); a
row that changes a report entered through the forms (or a draft or returned one) makes it a
ledger report, approved, with the importing officer as reviewer (the submitter stays), and the
preview lists the change. Rows of a locked month equal to what is stored are skipped and
counted; one that would change it is a problem. 项目台账's 替换为 column (ours, beyond DESIGN.md
§4) names the project that replaced a row, so an export imported into an empty database gives
the same figures (`tests/ledger/test_reimport.py`). On PostgreSQL an advisory lock serializes
concurrent imports.
"""

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import IO, Any, TextIO, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from audit.services import audited
from batches.models import Batch, BatchEntry
from batches.rules import NAME_EXAMPLE, batch_place
from bonds.models import FundApplication, FundSpending
from bonds.rules import amount_problems, resulting_status, status_choice, status_problem
from bonds.selectors import entries_held
from core import formatting, journal
from core.capabilities import require
from core.models import Versioned, is_money
from investment import rules
from investment.models import MonthlyReport, ReportingPeriod
from investment.services import quality
from ledger.models import LedgerImport
from ledger.rules import schema
from ledger.rules.reader import LedgerImportError, Problem, RawSheet, opened
from ledger.rules.results import (
    SHOWN,
    Change,
    ChangeLog,
    ImportResult,
    SheetResult,
)
from ledger.rules.rows import (
    Record,
    read_batch_entries,
    read_findings,
    read_funds,
    read_milestones,
    read_projects,
    read_reports,
)
from projects.models import (
    AnnualPlan,
    ConfirmedUpload,
    Milestone,
    Project,
    ProjectRevision,
    Unit,
    User,
)
from projects.previews import claim
from projects.selectors import closest_units
from projects.services import revisions
from projects.services.register import start_recorded, started_on
from supervision.models import Finding

CHUNK = 2000
# Serializes imports on PostgreSQL so two clerks' uploads never interleave.
IMPORT_LOCK_KEY = 7_301_001
Report = MonthlyReport
M = TypeVar("M", bound=models.Model)
K = TypeVar("K")  # a record's key: a code, or a tuple of them


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
) -> ImportResult:
    """Import a ledger workbook (``data``, or a ``file`` path or open file); raise
    ``LedgerImportError`` listing every bad row.

    With ``dry_run`` everything is checked, written and counted, then rolled back: the
    preview. ``changes`` (a text file) receives every change as JSON lines (``ChangeLog``).
    ``expected`` is the preview's ``fingerprint``: when the database moved on since the
    preview (another import, an edit in the app) and the import would now do something else,
    nothing is written and the difference is the refusal. ``preview`` is the token of the
    preview being confirmed: claimed inside the transaction (`projects.previews.claim`), so a
    preview confirmed twice, even at the same moment, imports once.
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
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
                if preview is not None and not dry_run:
                    try:
                        claim(token=preview, kind=ConfirmedUpload.Kind.LEDGER, user=user)
                    except ValidationError as error:
                        raise LedgerImportError([Problem(error.messages[0])]) from None
                importer = Importer(result, user=user, filename=filename)
                for name in schema.SHEETS:  # dependency order, whatever the workbook's
                    if name in book.worksheets:
                        importer.sheet(name, book.sheet(name))
                importer.follow_starts()  # after 项目节点: a 主体开工 it adds is completed too
                if not dry_run:
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


def _moved_on(result: ImportResult) -> str:
    now = "；".join(result.lines()) or "没有变化"
    return (
        "预览之后系统中的数据已有变化（他人导入或在系统中修改），按现在的数据导入会与预览不同"
        f"（现在：{now}），未导入任何数据。请重新上传文件，核对新的预览后再确认"
    )


def _in_sheet_order(problems: list[Problem]) -> list[Problem]:
    order = {name: index for index, name in enumerate(schema.SHEETS)}
    return sorted(problems, key=lambda p: (order.get(p.sheet, -1), p.row))


def _chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    items = iter(items)
    while chunk := list(islice(items, size)):
        yield chunk


def _fetch(queryset: models.QuerySet[Any], lookup: str, keys: Iterable[Any]) -> list[Any]:
    """``queryset`` filtered by ``lookup__in`` keys, a chunk at a time (SQLite's limit)."""
    found: list[Any] = []
    for chunk in _chunks(set(keys)):
        found.extend(queryset.filter(**{f"{lookup}__in": chunk}))
    return found


def _snapshot(project: Project) -> Project:
    """The fields `projects.services.revisions` compares, as stored (``upsert`` changes the
    object)."""
    return Project(
        pk=project.pk,
        code=project.code,
        name=project.name,
        unit_id=project.unit_id,
        total_investment=project.total_investment,
        planned_end=project.planned_end,
        original_total=project.original_total,
        original_completion=project.original_completion,
    )


def _same(stored: object, value: object) -> bool:
    """Whether a row's value equals the stored one. An .xlsx gives every line break as LF (XML
    reads CR as LF), while text that came in another way may hold CRLF: text is compared by
    its lines."""
    if isinstance(stored, str) and isinstance(value, str):
        return stored.splitlines() == value.splitlines() and (
            stored.endswith(("\n", "\r")) == value.endswith(("\n", "\r"))
        )
    return stored == value


def named(name: str, code: str) -> str:
    """A project as a clerk recognises it in a preview: its name, then its code."""
    return f"{name}（{code}）" if name else code


def _shown(value: object) -> str:
    """A stored value as the preview shows it."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)  # amounts are written by `Importer.shown`, as every page writes them


class Importer:
    """Checks and writes one workbook, sheet by sheet, chunk by chunk, inside the caller's
    transaction. Writes stop at the first problem; checking goes on to report them all."""

    def __init__(
        self, result: ImportResult, *, user: User | None = None, filename: str = ""
    ) -> None:
        self.result = result
        self.user = user  # recorded in the model history of every row written
        self.filename = (
            filename  # the reason of the revisions it writes (projects.services.revisions)
        )
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)  # the day of an adjusting 支出 entry
        self.problems: list[Problem] = []
        # Every unit locked first (`projects.services.units.lock_units`): a merge waits for the
        # import, or the import for the merge, never a row written to a unit deleted meanwhile.
        units = Unit.objects.select_for_update(no_key=True).order_by("pk")
        self.units: dict[str, int] = dict(units.values_list("name", "pk"))
        self.unit_names = {pk: name for name, pk in self.units.items()}
        self.units_before = list(self.units)
        self.locked = set(
            ReportingPeriod.objects.filter(locked_at__isnull=False).values_list("year", "month")
        )
        self.workbook_codes: set[str] = set()  # every code 项目台账 names, even on bad rows
        self.workbook_plans: set[tuple[Any, ...]] = set()  # (code, year) of its good rows
        self.refused_codes: set[str] = set()  # codes whose 项目台账 rows were refused
        self.project_codes: dict[int, str] = {}  # id → code of the chunk's projects
        # Starts recorded by 项目台账 (project id → earliest new start, its row), and the
        # projects whose row states a 项目阶段 of its own (kept as stated): see follow_starts.
        self.starts: dict[int, tuple[date, int]] = {}
        self.stage_given: set[str] = set()
        # What the data-quality rules read that this import changed: projects (总投资), plan
        # rows (计划投资, 开工日期) and reports; their projects' reports are judged at the end.
        self.judged_projects: set[int] = set()
        self.judged_plans: set[int] = set()

    # ------------------------------------------------------------------ plumbing

    @property
    def writing(self) -> bool:
        return not self.problems

    def counts(self, sheet: str) -> SheetResult:
        return self.result.sheets.setdefault(sheet, SheetResult())

    def sheet(self, name: str, raw: RawSheet) -> None:
        self.counts(name)
        if name == schema.PROJECTS:
            self._projects(raw)
            return
        reader, write = {
            schema.REPORTS: (read_reports, self._reports),
            schema.MILESTONES: (read_milestones, self._milestones),
            schema.FUNDS: (read_funds, self._funds),
            schema.FINDINGS: (read_findings, self._findings),
            schema.BATCHES: (read_batch_entries, self._batch_entries),
        }[name]
        for chunk in _chunks(reader(raw, self.problems)):
            write(chunk)

    def problem(self, reason: str, sheet: str, row: int, column: str) -> None:
        self.problems.append(Problem(reason, sheet, row, column))

    def unknown_code(self, sheet: str, row: int, code: str) -> None:
        self.problem(
            f"项目代码“{code}”在系统和本工作簿“项目台账”中都不存在", sheet, row, "项目代码"
        )

    def project_ids(self, codes: Iterable[str]) -> dict[str, int]:
        return dict(_fetch(Project.objects.values_list("code", "pk"), "code", codes))

    def unit_ids(self, names: Iterable[str | None]) -> None:
        """Create the units named that do not exist yet (when writing)."""
        missing = sorted({n for n in names if n and n not in self.units})
        if not missing:
            return
        for name in missing:
            if name not in self.result.similar_units:
                self.result.units_created.append(name)
                self.result.similar_units[name] = closest_units(name, self.units_before)
        if self.writing:
            units = [Unit(name=name) for name in missing]
            bulk_create_with_history(units, Unit, default_user=self.user)
            for name, pk in Unit.objects.filter(name__in=missing).values_list("name", "pk"):
                self.units[name] = pk
                self.unit_names[pk] = name
        else:
            for name in missing:  # known by name from now on; never written
                self.units[name] = 0

    def shown(self, model: type[models.Model], name: str, value: Any) -> tuple[str, str]:
        """(the field's label, its value as shown) for the change log."""
        if name == "unit_id":
            return "责任单位", _shown(self.unit_names.get(value, ""))
        if name == "replaced_by_id":
            code = Project.objects.filter(pk=value).values_list("code", flat=True).first()
            return "替换为", _shown(code if value else "")
        if name == "project_id":
            code = self.project_codes.get(value) if value else ""
            if code is None:  # a project outside the chunk's (a finding moved off it)
                code = Project.objects.filter(pk=value).values_list("code", flat=True).first()
            return "项目代码", _shown(code)
        model_field = cast("models.Field[Any, Any]", model._meta.get_field(name))
        if is_money(model_field) and value is not None:
            # as the pages write it; the field's label (the workbook column) names the unit
            return str(model_field.verbose_name), formatting.wan(value)
        if model_field.choices and value:
            value = str(dict(model_field.flatchoices).get(value, value))
        return str(model_field.verbose_name), _shown(value)

    def log(
        self,
        sheet: str,
        row: int,
        record: str,
        model: type[models.Model],
        name: str,
        old: object,
        new: object,
    ) -> None:
        label, old_text = self.shown(model, name, old)
        _, new_text = self.shown(model, name, new)
        self.result.changes.add(Change(sheet, row, record, label, old_text, new_text))

    def upsert(
        self,
        sheet: str,
        counts: SheetResult,
        model: type[M],
        existing: dict[K, M],
        items: list[tuple[K, dict[str, Any], int, str]],
        make: Callable[[K, dict[str, Any]], M],
    ) -> None:
        """Create what is new, update what changed (logging each field old → new); count
        both and what stayed the same. ``items``: (key, values, row, record label)."""
        to_create, to_update, changed = [], [], set()
        for key, values, row, label in items:
            obj = existing.get(key)
            if obj is None:
                obj = make(key, values)
                existing[key] = obj
                to_create.append(obj)
                counts.created += 1
                continue
            diff = [name for name, value in values.items() if not _same(getattr(obj, name), value)]
            for name in diff:
                self.log(sheet, row, label, model, name, getattr(obj, name), values[name])
                setattr(obj, name, values[name])
            if diff:
                to_update.append(obj)
                changed.update(diff)
                counts.updated += 1
            else:
                counts.unchanged += 1
        if not self.writing:
            return
        # Bulk writes with their model history, in batches too, so an imported change shows
        # in 数据变更记录 and a form opened before the import can say what changed.
        bulk_create_with_history(to_create, model, batch_size=1000, default_user=self.user)
        if model is Project:
            self.judged_projects.update(obj.pk for obj in to_update)
        elif model is AnnualPlan:
            self.judged_plans.update(
                cast(AnnualPlan, obj).pk for obj in to_update if obj.pk is not None
            )
        if to_update:
            if issubclass(model, Versioned):  # a form opened before the import is now stale
                for versioned in cast(list[Versioned], to_update):
                    versioned.version += 1
                changed.add("version")
            bulk_update_with_history(
                to_update, model, sorted(changed), batch_size=1000, default_user=self.user
            )

    # ------------------------------------------------------------------ 项目台账

    def _projects(self, raw: RawSheet) -> None:
        sheet = read_projects(raw, self.problems)
        self.workbook_codes |= sheet.codes
        self.workbook_plans |= {record.key for record in sheet.records}
        self.refused_codes = sheet.codes - set(sheet.projects)
        self.unit_ids(values["unit_name"] for values, _ in sheet.projects.values())
        ids: dict[str, int] = {}  # code → project id, for the plan rows
        for chunk in _chunks(sheet.projects.items()):
            items = []
            stored = {p.code: p for p in Project.objects.filter(code__in=[c for c, _ in chunk])}
            # Each listed project as it stood, and what the workbook gives its 总投资 and
            # 计划竣工日期: a change is a revision (DESIGN.md §3 Overruns), written below.
            revised: dict[int, tuple[Project, dict[str, Any]]] = {}
            revised_rows: dict[int, int] = {}
            for code, (given, row) in chunk:
                values = dict(given)
                values["unit_id"] = self.units[values.pop("unit_name")]
                name = values.get("name") or getattr(stored.get(code), "name", "")
                label = named(str(name or ""), code)
                items.append((code, values, row, label))
                if code not in stored:
                    self.result.new_project(label)
                listed = stored.get(code)
                if listed is not None:
                    self._refuse_new_originals(listed, values, row)
                if listed is not None and revisions.is_listed(listed):
                    revised[listed.pk] = (_snapshot(listed), values)
                    revised_rows[listed.pk] = row
                # A 项目阶段 that only repeats the stored one (an export) states nothing new.
                if "stage" in given and (
                    code not in stored or stored[code].stage != given["stage"]
                ):
                    self.stage_given.add(code)
            self.upsert(
                schema.PROJECTS,
                self.result.projects,
                Project,
                stored,
                items,
                lambda code, values: Project(code=code, **values),
            )
            ids |= {code: project.pk for code, project in stored.items()}
            if self.writing:
                written = revisions.imported_revisions(
                    stored=revised, user=self.user, filename=self.filename
                )
                self._warn_revisions(written, revised_rows)
        if not self.writing:
            return
        # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35; fetch them elsewhere.
        ids |= self.project_ids(code for code, pk in ids.items() if pk is None)
        code_of = {pk: code for code, pk in ids.items()}

        def name_of(code: str) -> str:
            given = sheet.projects.get(code)
            return named(given[0].get("name", "") if given else "", code)

        for chunk in _chunks(sheet.records):
            chunk_ids = {ids[record.key[0]] for record in chunk}
            stored_plans = {
                (code_of[p.project_id], p.year): p
                for p in AnnualPlan.objects.filter(project_id__in=chunk_ids)
            }
            for record in chunk:
                start = record.fields.get("actual_start")
                before = stored_plans.get(record.key)
                if start is not None and (before is None or before.actual_start != start):
                    project_id = ids[record.key[0]]
                    earlier = self.starts.get(project_id)
                    if earlier is None or start < earlier[0]:
                        self.starts[project_id] = (start, record.row)
            self.upsert(
                schema.PROJECTS,
                self.counts(schema.PROJECTS),
                AnnualPlan,
                stored_plans,
                [
                    (
                        r.key,
                        self._replacement(r, ids, stored_plans.get(r.key)),
                        r.row,
                        f"{name_of(r.key[0])} {r.key[1]}年",
                    )
                    for r in chunk
                ],
                lambda key, values: AnnualPlan(project_id=ids[key[0]], year=key[1], **values),
            )
        # Every project on a list now keeps its 总投资 and 计划竣工日期 as the originals where
        # the workbook gave none (a new project; one entering its first list).
        for some in _chunks(ids.values()):
            revisions.originals_fill(some)

    def judge_quality(self) -> None:
        """Judge the reports of every project this import touched by the data-quality rules
        (`investment.services.quality`), as a form's save is: in bulk, in the database where it can."""
        if not self.writing:
            return
        plans = AnnualPlan.objects.filter(pk__in=self.judged_plans).values_list(
            "project", flat=True
        )
        projects = self.judged_projects | set(plans) | set(self.starts)
        quality.judge_projects(projects, user=self.user)

    ORIGINALS: dict[str, tuple[str, str, Callable[[Any], str]]] = {
        "original_total": ("原总投资(万元)", "总投资(万元)", formatting.wan),
        "original_completion": ("原计划竣工日期", "计划竣工日期", str),
    }

    def _refuse_new_originals(self, project: Project, values: dict[str, Any], row: int) -> None:
        """An original once kept (DESIGN.md §3 Overruns) is the measure of every overrun: a
        workbook that states another would erase an overrun with no revision and no reason."""
        for name, (column, current, shown) in self.ORIGINALS.items():
            kept = getattr(project, name)
            if kept is None or name not in values or _same(kept, values[name]):
                continue
            self.problem(
                f"已记录为{shown(kept)}（项目首次列入年度计划时的值），不能通过台账修改；"
                f"调整请改“{current}”，系统记为一次调整",
                schema.PROJECTS,
                row,
                column,
            )

    def follow_starts(self) -> None:
        """The starts 项目台账 recorded move their projects to 在建 and complete their open
        主体开工 (`projects.services.register.start_recorded`, as the plan edit does), in the
        change log."""
        if not self.writing or not self.starts:
            return
        codes = dict(_fetch(Project.objects.values_list("pk", "code"), "pk", list(self.starts)))
        keep = [pk for pk, code in codes.items() if code in self.stage_given]
        starts = {pk: start for pk, (start, _) in self.starts.items()}
        for step in start_recorded(starts=starts, user=self.user, keep_stage=keep):
            record = step.record  # logged on the 项目台账 row that recorded the start
            if isinstance(record, Project):
                row, label = self.starts[record.pk][1], named(record.name, record.code)
            else:
                row, label = (
                    self.starts[record.project_id][1],
                    f"{named(record.project.name, record.project.code)} {record.name}",
                )
            self.log(schema.PROJECTS, row, label, type(record), step.field, step.old, step.new)

    def _replacement(
        self, record: Record, ids: dict[str, int], stored: AnnualPlan | None
    ) -> dict[str, Any]:
        """A plan row's fields with 替换为's project code turned into the project's id.

        A started project is replaced only on its page, where the office writes why (the
        ledger has no column for it): a new 替换为 on a started project's row is refused."""
        fields = dict(record.fields)
        code = fields.pop("replaced_by_code", None)
        if code is None:
            return fields  # not given: left as stored
        project_id = ids.get(code) or self.project_ids([code]).get(code)
        if project_id is None:
            self.problems.append(
                Problem(
                    f"替换为的项目“{code}”不在系统或本表中", schema.PROJECTS, record.row, "替换为"
                )
            )
        elif code == record.key[0]:
            self.problems.append(
                Problem("项目不能替换为自身", schema.PROJECTS, record.row, "替换为")
            )
        else:
            fields["replaced_by_id"] = project_id
            newly = stored is None or stored.replaced_by_id != project_id
            started = newly and stored is not None and started_on(stored.project)
            if started or (newly and record.fields.get("actual_start")):
                self.problems.append(
                    Problem(
                        f"该项目{started or '已填写实际开(复)工日期'}：已开工项目的替换须在项目页面"
                        "“替换项目”中说明原因，不能通过台账替换",
                        schema.PROJECTS,
                        record.row,
                        "替换为",
                    )
                )
        return fields

    # ------------------------------------------------------------------ 月度投资

    def _reports(self, records: list[Record]) -> None:
        sheet = schema.REPORTS
        codes = {record.key[0] for record in records}
        known_codes = set(self.project_ids(codes))
        plans, names = {}, {}
        for code, name, year, pk, planned in _fetch(
            AnnualPlan.objects.values_list(
                "project__code", "project__name", "year", "pk", "planned_investment"
            ),
            "project__code",
            codes,
        ):
            plans[code, year] = (pk, planned)
            names[code] = name
        stored = {
            (r.plan_id, r.month): r
            for r in _fetch(Report.objects.all(), "plan_id", [pk for pk, _ in plans.values()])
        }
        counts = self.counts(sheet)
        to_create, to_update, changed = [], [], set()
        for record in records:
            code, year, month = record.key
            if code not in known_codes and code not in self.workbook_codes:
                self.unknown_code(sheet, record.row, code)
                continue
            plan = plans.get((code, year))
            if plan is None:
                if (code, year) not in self.workbook_plans and code not in self.refused_codes:
                    self.problem(
                        f"项目“{code}”未列入{year}年度重点项目计划，请先在“项目台账”中填写该年度",
                        sheet,
                        record.row,
                        "年度",
                    )
                continue  # (a workbook plan row that was refused: not written, not checked)
            self._warn_unusual(record, plan[1])
            report = stored.get((plan[0], month))
            values = record.fields
            label = f"{named(names[code], code)} {year}年{month}月"
            if report is not None and self._report_unchanged(report, values):
                if (year, month) in self.locked:
                    self.result.locked += 1
                    if len(self.result.locked_rows) < SHOWN:
                        self.result.locked_rows.append(f"{sheet}!{record.row}: {label}")
                else:
                    counts.unchanged += 1
                continue
            if (year, month) in self.locked:
                self.problem(
                    f"{year}年{month}月已锁定，不能再修改该月数据；如需更正请先在“报表审核”页写明原因解锁",
                    sheet,
                    record.row,
                    "月份",
                )
                continue
            if report is None:
                to_create.append(
                    Report(
                        plan_id=plan[0],
                        month=month,
                        status=Report.Status.APPROVED,
                        source=Report.Source.LEDGER,
                        **values,
                    )
                )
                counts.created += 1
                continue
            changed |= self._report_change(report, values, record.row, label)
            to_update.append(report)
            counts.updated += 1
        if self.writing:
            self.judged_plans.update(report.plan_id for report in [*to_create, *to_update])
            bulk_create_with_history(to_create, Report, batch_size=1000, default_user=self.user)
            if to_update:
                for report in to_update:
                    report.version += 1
                bulk_update_with_history(
                    to_update,
                    Report,
                    sorted(changed | {"version"}),
                    batch_size=1000,
                    default_user=self.user,
                )

    @staticmethod
    def _report_unchanged(report: Report, values: dict[str, Any]) -> bool:
        """The row gives what is stored, and the stored report already counts."""
        return report.status in Report.COUNTED_STATUSES and all(
            _same(getattr(report, name), value) for name, value in values.items()
        )

    def _report_change(
        self, report: Report, values: dict[str, Any], row: int, label: str
    ) -> set[str]:
        """Apply a row to a stored report; the fields it changed.

        The ledger's figure is the office's: a report entered through the forms (or a draft,
        or a returned one) that a row changes becomes a ledger report approved by the person
        importing. The preview lists that change old → new like any other.
        """
        sheet = schema.REPORTS
        changed = set()
        for name, value in values.items():
            if not _same(getattr(report, name), value):
                self.log(sheet, row, label, Report, name, getattr(report, name), value)
                setattr(report, name, value)
                changed.add(name)
        if report.source == Report.Source.FORM:
            self.result.form_reports += 1
        becomes: dict[str, object] = {
            "status": Report.Status.APPROVED,
            "source": Report.Source.LEDGER,
        }
        if report.source == Report.Source.FORM or report.status != Report.Status.APPROVED:
            becomes |= {"reviewed_by_id": getattr(self.user, "pk", None), "reviewed_at": self.now}
            becomes["return_reason"] = ""
        for name, value in becomes.items():
            if getattr(report, name) != value:
                if name in ("status", "source"):
                    self.log(sheet, row, label, Report, name, getattr(report, name), value)
                setattr(report, name, value)
                changed.add(name.removesuffix("_id"))  # bulk_update wants the field's name
        return changed

    def _warn_revisions(self, written: list[ProjectRevision], rows: dict[int, int]) -> None:
        """The preview says which changes become 项目调整 records, and with what reason."""
        for revision in written:
            self.result.warnings_count += 1
            if len(self.result.warnings) < SHOWN * 5:
                project = revision.project
                self.result.warnings.append(
                    f"{schema.PROJECTS}!{rows[project.pk]}: {project.code} {project.name}: "
                    f"{revisions.revision_text(revision)}，记入项目调整（原因：{revision.reason}）"
                )

    def _warn_unusual(self, record: Record, planned: Decimal | None) -> None:
        text = rules.unusual_amount(record.fields["amount"], planned or Decimal(0))
        if text:
            code, year, month = record.key
            self.result.warnings_count += 1
            if len(self.result.warnings) < SHOWN * 5:
                self.result.warnings.append(
                    f"{schema.REPORTS}!{record.row}: {code} {year}年{month}月: {text}"
                )

    # ------------------------------------------------------------------ the other sheets

    def _known_projects(
        self, sheet: str, records: list[Record], code_of: Callable[[Record], str | None]
    ) -> dict[str, int]:
        """code → project id for the chunk's codes; unknown codes are problems (and the
        record is dropped from ``records``)."""
        codes = {code for r in records if (code := code_of(r))}
        ids = self.project_ids(codes)
        self.project_codes = {pk: code for code, pk in ids.items()}
        kept = []
        for record in records:
            code = code_of(record)
            if code and code not in ids:
                if code not in self.workbook_codes:
                    self.unknown_code(sheet, record.row, code)
                continue  # (in the workbook but refused: not written)
            kept.append(record)
        records[:] = kept
        return ids

    def _milestones(self, records: list[Record]) -> None:
        ids = self._known_projects(schema.MILESTONES, records, lambda r: r.key[0])
        self.unit_ids(r.fields.get("unit_name") for r in records)
        stored = {
            (m.project.code, m.name): m
            for m in _fetch(Milestone.objects.select_related("project"), "project_id", ids.values())
        }
        items = []
        for record in records:
            values = dict(record.fields)
            if "unit_name" in values:
                values["unit_id"] = self.units[values.pop("unit_name")]
            items.append((record.key, values, record.row, f"{record.key[0]} {record.key[1]}"))
        self.upsert(
            schema.MILESTONES,
            self.counts(schema.MILESTONES),
            Milestone,
            stored,
            items,
            lambda key, values: Milestone(project_id=ids[key[0]], name=key[1], **values),
        )

    FUND_HEADERS = {
        "approved": "批复金额(万元)",
        "allocated": "下达金额(万元)",
        "spent": "支出金额(万元)",
    }
    FUND_AMOUNTS = ("requested", "approved", "allocated", "spent")

    def _funds(self, records: list[Record]) -> None:
        sheet = schema.FUNDS
        ids = self._known_projects(sheet, records, lambda r: r.key[0])
        stored = {
            (f.project.code, f.fund_type, f.year, f.batch): f
            for f in _fetch(
                FundApplication.objects.select_related("project"), "project_id", ids.values()
            )
        }
        held = entries_held([f.pk for f in stored.values()])
        adjustments: dict[tuple[Any, ...], Decimal] = {}
        items = []
        for record in records:
            values = dict(record.fields)
            fund = stored.get(record.key)
            # 支出金额 is a total: what it adds to the dated entries is one entry of today
            # (bonds.services: 支出金额 is the sum of the entries).
            if "spent" in values and (fund is None or not _same(fund.spent, values["spent"])):
                spent = values["spent"]
                entries = held.get(fund.pk, Decimal(0)) if fund is not None else Decimal(0)
                if spent < entries:
                    self.problem(
                        f"支出金额（{formatting.wan_text(spent)}）小于已登记的支出明细合计"
                        f"（{formatting.wan_text(entries)}），"
                        "请在资金申报页删除有误的支出明细",
                        sheet, record.row, "支出金额(万元)",
                    )  # fmt: skip
                elif spent > entries:
                    adjustments[record.key] = spent - entries
                    values["spent_on"] = self.today
            given = values.get("status")
            if fund is None:
                amounts = {n: values.get(n) for n in self.FUND_AMOUNTS}
                choice = given or ""
            else:
                # The row's amounts over the stored ones must still keep 批复 ≤ 申报 …
                amounts = {n: values.get(n, getattr(fund, n)) for n in self.FUND_AMOUNTS}
                for name, reason in amount_problems(amounts):
                    self.problem(reason, sheet, record.row, self.FUND_HEADERS[name])
                # A blank 状态, or the stored one repeated (an exported row whose amounts a
                # clerk changed), leaves it as it was: following the amounts, or as chosen.
                stored_amounts = {n: getattr(fund, n) for n in self.FUND_AMOUNTS}
                unchosen = given is None or given == fund.status
                choice = status_choice(fund.status, stored_amounts) if unchosen else given
            values["status"] = resulting_status(choice, amounts)
            if (problem := status_problem(values["status"], amounts)) is not None:
                self.problem(problem, sheet, record.row, "状态")
            if values.get("allocated_on") is not None and amounts["allocated"] is None:
                self.problem("填写了下达日期，但未填写下达金额", sheet, record.row, "下达日期")
            code, fund_type, year, batch = record.key
            label = f"{code} {fund_type} {year}年 {batch}".strip()
            items.append((record.key, values, record.row, label))
        self.upsert(
            sheet,
            self.counts(sheet),
            FundApplication,
            stored,
            items,
            lambda key, values: FundApplication(
                project_id=ids[key[0]], fund_type=key[1], year=key[2], batch=key[3], **values
            ),
        )
        if self.writing and adjustments:
            adjusting = [
                FundSpending(
                    application=stored[key], spent_on=self.today, amount=amount,
                    kind=FundSpending.Kind.ADJUSTMENT, note=f"台账导入（{self.filename}）",
                    recorded_by=self.user,
                )
                for key, amount in adjustments.items()
            ]  # fmt: skip
            bulk_create_with_history(
                adjusting, FundSpending, batch_size=1000, default_user=self.user
            )

    def _findings(self, records: list[Record]) -> None:
        sheet = schema.FINDINGS
        ids = self._known_projects(sheet, records, lambda r: r.fields.get("project_code"))
        self.unit_ids(record.key[0] for record in records)
        stored = {
            (f.unit.name, f.description, f.found_on): f
            for f in _fetch(
                Finding.objects.select_related("unit"), "unit__name", {r.key[0] for r in records}
            )
        }
        items = []
        for record in records:
            values = dict(record.fields)
            if "project_code" in values:
                values["project_id"] = ids[values.pop("project_code")]
            finding = stored.get(record.key)
            reopened = values.get("status", Finding.Status.CLOSED) != Finding.Status.CLOSED
            if finding is not None and reopened and "closed_on" not in values:
                values["closed_on"] = None  # a 销号日期 belongs to a closed-out finding only
            unit, description, found_on = record.key
            label = f"{unit} {found_on.isoformat()} {description[:20]}"
            items.append((record.key, values, record.row, label))
        self.upsert(
            sheet,
            self.counts(sheet),
            Finding,
            stored,
            items,
            lambda key, values: Finding(
                unit_id=self.units[key[0]], description=key[1], found_on=key[2], **values
            ),
        )

    # ------------------------------------------------------------------ 三个一批

    def batch_ids(self, names: set[str], rows: dict[str, int]) -> dict[str, int]:
        """name → id of the 期次 named; one the system lacks is created (when writing) from
        its name's year and quarter, and a name that says neither is a problem."""
        ids = dict(Batch.objects.filter(name__in=names).values_list("name", "pk"))
        missing = sorted(names - set(ids))
        new = []
        for name in missing:
            place = batch_place(name)
            if place is None:
                self.problem(
                    f"期次“{name}”在系统中不存在，且名称中看不出年度和第几期，无法新建；"
                    f"请写作“{NAME_EXAMPLE}”（第一至第四期对应一至四季度），或先在“三个一批”页面新建",
                    schema.BATCHES,
                    rows[name],
                    "期次",
                )
                continue
            if name not in self.result.batches_created:
                self.result.batches_created.append(name)
            new.append(Batch(name=name, year=place[0], quarter=place[1]))
        if self.writing and new:
            bulk_create_with_history(new, Batch, default_user=self.user)
            ids |= dict(
                Batch.objects.filter(name__in=[b.name for b in new]).values_list("name", "pk")
            )
        return ids

    def _batch_entries(self, records: list[Record]) -> None:
        sheet = schema.BATCHES
        ids = self._known_projects(sheet, records, lambda r: r.key[2])
        first_rows: dict[str, int] = {}
        for record in records:
            first_rows.setdefault(record.key[0], record.row)
        batches = self.batch_ids(set(first_rows), first_rows)
        stored = {
            (e.batch.name, e.kind, e.project.code): e
            for e in _fetch(
                BatchEntry.objects.select_related("batch", "project"), "project_id", ids.values()
            )
        }
        kinds = {value: label for label, value in schema.BATCH_KINDS.items()}
        items = [
            (r.key, dict(r.fields), r.row, f"{r.key[0]} {kinds[r.key[1]]} {r.key[2]}")
            for r in records
        ]
        self.upsert(
            sheet,
            self.counts(sheet),
            BatchEntry,
            stored,
            items,
            lambda key, values: BatchEntry(
                batch_id=batches.get(key[0], 0), kind=key[1], project_id=ids[key[2]], **values
            ),
        )
