"""One import's state and what every sheet's rows use: the problems found, the units (created
when named), lookups a chunk at a time, the change log, and ``Importer.upsert`` (create what is
new, update what changed, with model history). The sheets' own rules are in the modules beside
this one; ``ledger.services.importer.import_ledger`` runs them in one transaction."""

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any, TypeVar, cast

from django.db import connection, models
from django.utils import timezone

from core import formatting
from core.history_rows import bulk_create_recorded, bulk_update_recorded
from core.models import Versioned, is_money
from investment.models import MonthlyReport, ReportingPeriod
from investment.services import quality
from ledger.rules.reader import Problem
from ledger.rules.results import Change, ImportResult, SheetResult
from ledger.rules.rows import Record
from projects.models import AnnualPlan, Milestone, Project, Unit, User
from projects.selectors import closest_units

M = TypeVar("M", bound=models.Model)
K = TypeVar("K")  # a record's key: a code, or a tuple of them


def same(stored: object, value: object) -> bool:
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
        self, result: ImportResult, *, user: User | None = None, filename: str = "", chunk: int
    ) -> None:
        self.result = result
        self.user = user  # recorded in the model history of every row written
        self.filename = (
            filename  # the reason of the revisions it writes (projects.services.revisions)
        )
        self.chunk = chunk  # rows checked and written at a time; keys per lookup (SQLite's limit)
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
        # projects whose row states a 项目阶段 of its own (kept as stated): see
        # `ledger.services.importer.projects_sheet.follow_starts`.
        self.starts: dict[int, tuple[date, int]] = {}
        self.stage_given: set[str] = set()
        # What the data-quality rules read that this import changed: projects (总投资), plan
        # rows (计划投资, 开工日期) and reports; their projects' reports are judged at the end.
        self.judged_projects: set[int] = set()
        self.judged_plans: set[int] = set()

    @property
    def writing(self) -> bool:
        return not self.problems

    def counts(self, sheet: str) -> SheetResult:
        return self.result.sheets.setdefault(sheet, SheetResult())

    def chunks(self, items: Iterable[Any]) -> Iterator[list[Any]]:
        items = iter(items)
        while chunk := list(islice(items, self.chunk)):
            yield chunk

    def fetch(self, queryset: models.QuerySet[Any], lookup: str, keys: Iterable[Any]) -> list[Any]:
        """``queryset`` filtered by ``lookup__in`` keys, a chunk at a time (SQLite's limit)."""
        found: list[Any] = []
        for chunk in self.chunks(set(keys)):
            found.extend(queryset.filter(**{f"{lookup}__in": chunk}))
        return found

    def problem(self, reason: str, sheet: str, row: int, column: str) -> None:
        self.problems.append(Problem(reason, sheet, row, column))

    def unknown_code(self, sheet: str, row: int, code: str) -> None:
        self.problem(
            f"项目代码“{code}”在系统和本工作簿“项目台账”中都不存在", sheet, row, "项目代码"
        )

    def project_ids(self, codes: Iterable[str]) -> dict[str, int]:
        return dict(self.fetch(Project.objects.values_list("code", "pk"), "code", codes))

    def known_projects(
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
            bulk_create_recorded(units, Unit, user=self.user)
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
            diff = [name for name, value in values.items() if not same(getattr(obj, name), value)]
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
        bulk_create_recorded(to_create, model, batch_size=1000, user=self.user)
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
            bulk_update_recorded(to_update, model, sorted(changed), batch_size=1000, user=self.user)

    def refresh_statistics(self) -> None:
        """On PostgreSQL, when this import created at least ``chunk`` rows, the planner's
        statistics of the tables the data-quality rules read, taken inside the import's
        transaction (ANALYZE counts the transaction's own rows; autovacuum sees none of them
        before the commit). A city's ledger imported into an empty database was judged with the
        plans of empty tables: a hash join over every report for each report judged, 39 s a
        chunk of 2,000 reports instead of 0.4 s (docs/performance.md)."""
        counts = [self.result.projects, *self.result.sheets.values()]
        if connection.vendor != "postgresql" or sum(c.created for c in counts) < self.chunk:
            return
        models = (Project, AnnualPlan, MonthlyReport, Milestone)
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")

    def judge_quality(self) -> None:
        """Judge the reports of every project this import touched by the data-quality rules
        (`investment.services.quality`), as a form's save is: in bulk, in the database where it can."""
        if not self.writing:
            return
        self.refresh_statistics()
        plans = AnnualPlan.objects.filter(pk__in=self.judged_plans).values_list(
            "project", flat=True
        )
        projects = self.judged_projects | set(plans) | set(self.starts)
        quality.judge_projects(projects, user=self.user)
