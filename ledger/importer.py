"""The ledger import service: one workbook in, all or nothing.

``import_ledger`` is the only way ledger data gets into the database; the command, the
upload page and the tests call it. It reads and checks every sheet, looks up what
already exists with a few set-based queries, and writes nothing unless every row is
good. Writes are bulk inserts and updates, so a 10,000-row ledger takes seconds.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, models, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from bonds.models import FundApplication
from bonds.rules import derived_status
from investment import rules
from investment.models import MonthlyReport, ReportingPeriod
from ledger import schema
from ledger.models import LedgerImport
from ledger.reader import LedgerImportError, Problem, read_workbook
from ledger.rows import (
    Record,
    read_findings,
    read_funds,
    read_milestones,
    read_projects,
    read_reports,
)
from projects.models import AnnualPlan, Milestone, Project, Unit, Versioned
from supervision.models import Finding

CHUNK = 2000
# Serializes imports on PostgreSQL so two clerks' uploads never interleave.
IMPORT_LOCK_KEY = 7_301_001


@dataclass
class SheetResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    projects: SheetResult = field(default_factory=SheetResult)
    sheets: dict[str, SheetResult] = field(default_factory=dict)
    units_created: list[str] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)
    dry_run: bool = False
    # Imported all the same, but worth a look (a month above half the year's plan: 元 for 万元?).
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What the import did, in Chinese, one line per sheet."""
        out = [f"忽略未知工作表“{name}”" for name in self.ignored_sheets]
        if self.units_created:
            out.append(f"新建责任单位{len(self.units_created)}个：{'、'.join(self.units_created)}")
        if schema.PROJECTS in self.sheets:
            p = self.projects
            out.append(f"项目：新增{p.created}个，更新{p.updated}个，未变化{p.unchanged}个")
        for name, result in self.sheets.items():
            out.append(
                f"{name}：新增{result.created}条，更新{result.updated}条，"
                f"未变化{result.unchanged}条"
            )
        if not self.sheets:
            out.append("工作簿中没有可导入的工作表（应为：" + "、".join(schema.SHEETS) + "）")
        return out

    def as_dict(self) -> dict:
        return {
            "projects": vars(self.projects),
            "sheets": {name: vars(result) for name, result in self.sheets.items()},
            "units_created": self.units_created,
            "ignored_sheets": self.ignored_sheets,
        }


@dataclass
class Parsed:
    projects: list[Record] = field(default_factory=list)
    project_codes: set[str] = field(default_factory=set)
    reports: list[Record] = field(default_factory=list)
    milestones: list[Record] = field(default_factory=list)
    funds: list[Record] = field(default_factory=list)
    findings: list[Record] = field(default_factory=list)
    present: list[str] = field(default_factory=list)


def import_ledger(*, data: bytes, filename: str, user=None, dry_run: bool = False) -> ImportResult:
    """Import a ledger workbook; raise ``LedgerImportError`` listing every bad row.

    With ``dry_run`` everything is checked and counted, then rolled back: the preview.
    """
    sheets, ignored = read_workbook(data, filename=filename)
    problems: list[Problem] = []
    parsed = Parsed(present=[sheet.name for sheet in sheets])
    for sheet in sheets:
        if sheet.name == schema.PROJECTS:
            parsed.projects, parsed.project_codes = read_projects(sheet, problems)
        elif sheet.name == schema.REPORTS:
            parsed.reports = read_reports(sheet, problems)
        elif sheet.name == schema.MILESTONES:
            parsed.milestones = read_milestones(sheet, problems)
        elif sheet.name == schema.FUNDS:
            parsed.funds = read_funds(sheet, problems)
        elif sheet.name == schema.FINDINGS:
            parsed.findings = read_findings(sheet, problems)

    result = ImportResult(ignored_sheets=ignored, dry_run=dry_run)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
            existing = Existing.load(parsed)
            problems += existing.check(parsed)
            if problems:
                raise LedgerImportError(_in_sheet_order(problems))
            Writer(existing, result, user=user).write(parsed)
            result.warnings = _unusual_reports(parsed.reports)
            if dry_run:
                transaction.set_rollback(True)
            else:
                LedgerImport.objects.create(
                    filename=filename[:255], imported_by=user, summary=result.as_dict()
                )
    except IntegrityError:
        raise LedgerImportError(
            [Problem("导入时数据被他人同时修改，本次未写入任何数据，请重新导入")]
        ) from None
    return result


def _unusual_reports(records: list[Record]) -> list[str]:
    """月度投资 rows whose month is above half of their plan row's year (one query)."""
    years = {record.key[1] for record in records}
    planned = {
        (code, year): amount
        for code, year, amount in AnnualPlan.objects.filter(year__in=years).values_list(
            "project__code", "year", "planned_investment"
        )
    }  # by year, not by code: a city's ten thousand codes would overflow SQLite's parameters
    warnings = []
    for record in records:
        code, year, month = record.key
        text = rules.unusual_amount(record.fields["amount"], planned.get((code, year), 0))
        if text:
            warnings.append(f"{schema.REPORTS}!{record.row}: {code} {year}年{month}月: {text}")
    return warnings


def _in_sheet_order(problems: list[Problem]) -> list[Problem]:
    order = {name: index for index, name in enumerate(schema.SHEETS)}
    return sorted(problems, key=lambda p: (order.get(p.sheet, -1), p.row))


def _chunks(items: Iterable, size: int = CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _fetch(queryset: models.QuerySet, lookup: str, keys: Iterable) -> list:
    """``queryset`` filtered by ``lookup__in`` keys, a chunk at a time (SQLite's limit)."""
    found: list = []
    for chunk in _chunks(set(keys)):
        found.extend(queryset.filter(**{f"{lookup}__in": chunk}))
    return found


@dataclass
class Existing:
    """What the database already holds for the keys the workbook names."""

    units: dict[str, Unit]
    projects: dict[str, Project]
    plans: dict[tuple, AnnualPlan]
    reports: dict[tuple, MonthlyReport]
    milestones: dict[tuple, Milestone]
    funds: dict[tuple, FundApplication]
    findings: dict[tuple, Finding]
    locked: set[tuple[int, int]]

    @classmethod
    def load(cls, parsed: Parsed) -> "Existing":
        codes = (
            parsed.project_codes
            | {r.key[0] for r in parsed.reports + parsed.milestones + parsed.funds}
            | {r.fields["project_code"] for r in parsed.findings if r.fields.get("project_code")}
        )
        unit_names = (
            {r.fields["project"]["unit_name"] for r in parsed.projects}
            | {r.fields["unit_name"] for r in parsed.milestones if r.fields.get("unit_name")}
            | {r.key[0] for r in parsed.findings}
        )
        plans = _fetch(AnnualPlan.objects.select_related("project"), "project__code", codes)
        reports = _fetch(
            MonthlyReport.objects.select_related("plan__project"),
            "plan__project__code",
            {r.key[0] for r in parsed.reports},
        )
        milestones = _fetch(
            Milestone.objects.select_related("project"),
            "project__code",
            {r.key[0] for r in parsed.milestones},
        )
        funds = _fetch(
            FundApplication.objects.select_related("project"),
            "project__code",
            {r.key[0] for r in parsed.funds},
        )
        findings = _fetch(
            Finding.objects.select_related("unit"),
            "unit__name",
            {r.key[0] for r in parsed.findings},
        )
        return cls(
            units={u.name: u for u in _fetch(Unit.objects.all(), "name", unit_names)},
            projects={p.code: p for p in _fetch(Project.objects.all(), "code", codes)},
            plans={(p.project.code, p.year): p for p in plans},
            reports={(r.plan.project.code, r.plan.year, r.month): r for r in reports},
            milestones={(m.project.code, m.name): m for m in milestones},
            funds={(f.project.code, f.fund_type, f.year, f.batch): f for f in funds},
            findings={(f.unit.name, f.description, f.found_on): f for f in findings},
            locked=set(
                ReportingPeriod.objects.filter(locked_at__isnull=False).values_list("year", "month")
            ),
        )

    def check(self, parsed: Parsed) -> list[Problem]:
        """References to projects and plan rows that exist neither here nor in the workbook."""
        problems: list[Problem] = []
        known_codes = parsed.project_codes | set(self.projects)
        known_plans = {r.key for r in parsed.projects} | set(self.plans)
        # Codes whose 项目台账 rows were refused: their problems are already reported.
        refused_codes = parsed.project_codes - {r.key[0] for r in parsed.projects}

        def unknown(sheet: str, row: int, column: str, code: str) -> None:
            problems.append(
                Problem(f"项目代码“{code}”在系统和本工作簿“项目台账”中都不存在", sheet, row, column)
            )

        for record in parsed.reports:
            code, year, month = record.key
            if code not in known_codes:
                unknown(schema.REPORTS, record.row, "项目代码", code)
            elif (code, year) not in known_plans and code not in refused_codes:
                problems.append(
                    Problem(
                        f"项目“{code}”未列入{year}年度重点项目计划，请先在“项目台账”中填写该年度",
                        schema.REPORTS,
                        record.row,
                        "年度",
                    )
                )
            if (year, month) in self.locked and self._would_change(record):
                problems.append(
                    Problem(
                        f"{year}年{month}月已锁定，不能再修改该月数据；如需更正请联系项目办解锁",
                        schema.REPORTS,
                        record.row,
                        "月份",
                    )
                )
        for sheet, records in (
            (schema.MILESTONES, parsed.milestones),
            (schema.FUNDS, parsed.funds),
        ):
            for record in records:
                if record.key[0] not in known_codes:
                    unknown(sheet, record.row, "项目代码", record.key[0])
        for record in parsed.findings:
            code = record.fields.get("project_code")
            if code and code not in known_codes:
                unknown(schema.FINDINGS, record.row, "项目代码", code)
        return problems

    def _would_change(self, record: Record) -> bool:
        """Whether a report row differs from what is stored (a locked month may be
        re-imported unchanged, e.g. an export imported back)."""
        report = self.reports.get(record.key)
        if report is None:
            return True
        return any(getattr(report, name) != value for name, value in record.fields.items())


class Writer:
    """Applies checked records in dependency order with bulk writes."""

    def __init__(self, existing: Existing, result: ImportResult, user=None):
        self.existing = existing
        self.result = result
        self.user = user  # recorded in the model history of every row written

    def write(self, parsed: Parsed) -> None:
        self._units(parsed)
        if schema.PROJECTS in parsed.present:
            self._projects(parsed.projects)
        if schema.REPORTS in parsed.present:
            self._reports(parsed.reports)
        if schema.MILESTONES in parsed.present:
            self._milestones(parsed.milestones)
        if schema.FUNDS in parsed.present:
            self._funds(parsed.funds)
        if schema.FINDINGS in parsed.present:
            self._findings(parsed.findings)

    def _counts(self, sheet: str) -> SheetResult:
        return self.result.sheets.setdefault(sheet, SheetResult())

    def _units(self, parsed: Parsed) -> None:
        names = (
            [r.fields["project"]["unit_name"] for r in parsed.projects]
            + [r.fields["unit_name"] for r in parsed.milestones if r.fields.get("unit_name")]
            + [r.key[0] for r in parsed.findings]
        )
        missing = sorted({n for n in names if n not in self.existing.units})
        if missing:
            bulk_create_with_history([Unit(name=name) for name in missing], Unit)
            for unit in Unit.objects.filter(name__in=missing):
                self.existing.units[unit.name] = unit
        self.result.units_created = missing

    def _upsert(self, counts: SheetResult, model, existing: dict, rows: list[tuple], make):
        """Create what is new, update what changed; count both and what stayed the same."""
        to_create, to_update, changed = [], [], set()
        for key, values in rows:
            obj = existing.get(key)
            if obj is None:
                obj = make(key, values)
                existing[key] = obj
                to_create.append(obj)
                counts.created += 1
                continue
            diff = [name for name, value in values.items() if getattr(obj, name) != value]
            for name in diff:
                setattr(obj, name, values[name])
            if diff:
                to_update.append(obj)
                changed.update(diff)
                counts.updated += 1
            else:
                counts.unchanged += 1
        # Bulk writes with their model history, in batches too, so an imported change shows
        # in 数据变更记录 and a form opened before the import can say what changed.
        bulk_create_with_history(to_create, model, batch_size=1000, default_user=self.user)
        if to_update:
            if issubclass(model, Versioned):  # a form opened before the import is now stale
                for obj in to_update:
                    obj.version += 1
                changed.add("version")
            bulk_update_with_history(
                to_update, model, sorted(changed), batch_size=1000, default_user=self.user
            )

    def _projects(self, records: list[Record]) -> None:
        units = self.existing.units
        rows: dict[str, dict] = {}
        for record in records:
            values = dict(record.fields["project"])
            values["unit_id"] = units[values.pop("unit_name")].pk
            rows.setdefault(record.key[0], {}).update(values)
        self._upsert(
            self.result.projects,
            Project,
            self.existing.projects,
            list(rows.items()),
            lambda code, values: Project(code=code, **values),
        )
        # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35; fetch them elsewhere.
        new_codes = [code for code, project in self.existing.projects.items() if project.pk is None]
        for project in _fetch(Project.objects.all(), "code", new_codes):
            self.existing.projects[project.code] = project
        projects = self.existing.projects
        self._upsert(
            self._counts(schema.PROJECTS),
            AnnualPlan,
            self.existing.plans,
            [(r.key, r.fields["plan"]) for r in records],
            lambda key, values: AnnualPlan(project=projects[key[0]], year=key[1], **values),
        )
        self._refresh_plans()

    def _refresh_plans(self) -> None:
        new_codes = {code for (code, _), plan in self.existing.plans.items() if plan.pk is None}
        for plan in _fetch(
            AnnualPlan.objects.select_related("project"), "project__code", new_codes
        ):
            self.existing.plans[(plan.project.code, plan.year)] = plan

    def _reports(self, records: list[Record]) -> None:
        plans, locked = self.existing.plans, self.existing.locked
        ledger_fields = {
            "status": MonthlyReport.Status.APPROVED,
            "source": MonthlyReport.Source.LEDGER,
        }
        self._upsert(
            self._counts(schema.REPORTS),
            MonthlyReport,
            self.existing.reports,
            # Rows of a locked month passed the check only because they change nothing.
            [(r.key, r.fields | ledger_fields) for r in records if r.key[1:] not in locked],
            lambda key, values: MonthlyReport(plan=plans[key[:2]], month=key[2], **values),
        )

    def _milestones(self, records: list[Record]) -> None:
        projects, units = self.existing.projects, self.existing.units
        self._upsert(
            self._counts(schema.MILESTONES),
            Milestone,
            self.existing.milestones,
            _resolve_reference(records, "unit_name", "unit_id", units),
            lambda key, values: Milestone(project=projects[key[0]], name=key[1], **values),
        )

    def _funds(self, records: list[Record]) -> None:
        projects = self.existing.projects
        self._upsert(
            self._counts(schema.FUNDS),
            FundApplication,
            self.existing.funds,
            [(r.key, r.fields) for r in records],
            lambda key, values: FundApplication(
                project=projects[key[0]],
                fund_type=key[1],
                year=key[2],
                batch=key[3],
                **({"status": derived_status(values)} | values),
            ),
        )

    def _findings(self, records: list[Record]) -> None:
        projects, units = self.existing.projects, self.existing.units
        self._upsert(
            self._counts(schema.FINDINGS),
            Finding,
            self.existing.findings,
            _resolve_reference(records, "project_code", "project_id", projects),
            lambda key, values: Finding(
                unit=units[key[0]], description=key[1], found_on=key[2], **values
            ),
        )


def _resolve_reference(records, name_field: str, id_field: str, known: dict) -> list:
    """(key, values) rows with an optional reference by name (a unit, a project code) turned into
    the row's foreign key; a blank name clears it. Rows that leave the column out keep theirs."""
    rows = []
    for record in records:
        values = dict(record.fields)
        if name_field in values:
            name = values.pop(name_field)
            values[id_field] = known[name].pk if name else None
        rows.append((record.key, values))
    return rows
