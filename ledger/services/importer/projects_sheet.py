"""项目台账: projects (by 项目代码) and their plan rows (by 项目代码, 年度).

The sheet is read whole (`ledger.rules.rows.read_projects` checks that a project's rows agree),
then written a chunk at a time: the projects, with a change of 总投资 or 计划竣工日期 written as a
revision (`projects.services.revisions`, DESIGN.md §3 Overruns) and an original once kept
refused; then the plan rows, whose 替换为 column (ours, beyond DESIGN.md §4) names the project
that replaced a row, so an export imported into an empty database gives the same figures. The
starts it records move their projects to 在建 afterwards (``follow_starts``)."""

from collections.abc import Callable
from typing import Any

from core import formatting
from core.workbooks import row_ref
from ledger.rules import schema
from ledger.rules.reader import Problem, RawSheet
from ledger.rules.results import SHOWN
from ledger.rules.rows import Record, read_projects
from ledger.services.importer.base import Importer, named, same
from projects.models import AnnualPlan, Project, ProjectRevision
from projects.services import revisions
from projects.services.register import start_recorded, started_on

ORIGINALS: dict[str, tuple[str, str, Callable[[Any], str]]] = {
    "original_total": ("原总投资(万元)", "总投资(万元)", formatting.wan),
    "original_completion": ("原计划竣工日期", "计划竣工日期", str),
}


def import_projects(run: Importer, raw: RawSheet) -> None:
    sheet = read_projects(raw, run.problems)
    run.workbook_codes |= sheet.codes
    run.workbook_plans |= {record.key for record in sheet.records}
    run.refused_codes = sheet.codes - set(sheet.projects)
    run.unit_ids(values["unit_name"] for values, _ in sheet.projects.values())
    ids: dict[str, int] = {}  # code → project id, for the plan rows
    for chunk in run.chunks(sheet.projects.items()):
        items = []
        stored = {p.code: p for p in Project.objects.filter(code__in=[c for c, _ in chunk])}
        # Each listed project as it stood, and what the workbook gives its 总投资 and
        # 计划竣工日期: a change is a revision (DESIGN.md §3 Overruns), written below.
        revised: dict[int, tuple[Project, dict[str, Any]]] = {}
        revised_rows: dict[int, int] = {}
        for code, (given, row) in chunk:
            values = dict(given)
            values["unit_id"] = run.units[values.pop("unit_name")]
            name = values.get("name") or getattr(stored.get(code), "name", "")
            label = named(str(name or ""), code)
            items.append((code, values, row, label))
            if code not in stored:
                run.result.new_project(label)
            listed = stored.get(code)
            if listed is not None:
                _refuse_new_originals(run, listed, values, row)
            if listed is not None and revisions.is_listed(listed):
                revised[listed.pk] = (_snapshot(listed), values)
                revised_rows[listed.pk] = row
            # A 项目阶段 that only repeats the stored one (an export) states nothing new.
            if "stage" in given and (code not in stored or stored[code].stage != given["stage"]):
                run.stage_given.add(code)
        run.upsert(
            schema.PROJECTS,
            run.result.projects,
            Project,
            stored,
            items,
            lambda code, values: Project(code=code, **values),
        )
        ids |= {code: project.pk for code, project in stored.items()}
        if run.writing:
            written = revisions.imported_revisions(
                stored=revised, user=run.user, filename=run.filename
            )
            _warn_revisions(run, written, revised_rows)
    if not run.writing:
        return
    # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35; fetch them elsewhere.
    ids |= run.project_ids(code for code, pk in ids.items() if pk is None)
    code_of = {pk: code for code, pk in ids.items()}

    def name_of(code: str) -> str:
        given = sheet.projects.get(code)
        return named(given[0].get("name", "") if given else "", code)

    for chunk in run.chunks(sheet.records):
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
                earlier = run.starts.get(project_id)
                if earlier is None or start < earlier[0]:
                    run.starts[project_id] = (start, record.row)
        run.upsert(
            schema.PROJECTS,
            run.counts(schema.PROJECTS),
            AnnualPlan,
            stored_plans,
            [
                (
                    r.key,
                    _replacement(run, r, ids, stored_plans.get(r.key)),
                    r.row,
                    f"{name_of(r.key[0])} {r.key[1]}年",
                )
                for r in chunk
            ],
            lambda key, values: AnnualPlan(project_id=ids[key[0]], year=key[1], **values),
        )
    # Every project on a list now keeps its 总投资 and 计划竣工日期 as the originals where
    # the workbook gave none (a new project; one entering its first list).
    for some in run.chunks(ids.values()):
        revisions.originals_fill(some)


def follow_starts(run: Importer) -> None:
    """The starts 项目台账 recorded move their projects to 在建 and complete their open
    主体开工 (`projects.services.register.start_recorded`, as the plan edit does), in the
    change log."""
    if not run.writing or not run.starts:
        return
    codes = dict(run.fetch(Project.objects.values_list("pk", "code"), "pk", list(run.starts)))
    keep = [pk for pk, code in codes.items() if code in run.stage_given]
    starts = {pk: start for pk, (start, _) in run.starts.items()}
    for step in start_recorded(starts=starts, user=run.user, keep_stage=keep):
        record = step.record  # logged on the 项目台账 row that recorded the start
        if isinstance(record, Project):
            row, label = run.starts[record.pk][1], named(record.name, record.code)
        else:
            row, label = (
                run.starts[record.project_id][1],
                f"{named(record.project.name, record.project.code)} {record.name}",
            )
        run.log(schema.PROJECTS, row, label, type(record), step.field, step.old, step.new)


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


def _warn_revisions(run: Importer, written: list[ProjectRevision], rows: dict[int, int]) -> None:
    """The preview says which changes become 项目调整 records, and with what reason."""
    for revision in written:
        run.result.warnings_count += 1
        if len(run.result.warnings) < SHOWN * 5:
            project = revision.project
            run.result.warnings.append(
                f"{row_ref(schema.PROJECTS, rows[project.pk])}: {project.code} {project.name}: "
                f"{revisions.revision_text(revision)}，记入项目调整（原因：{revision.reason}）"
            )


def _refuse_new_originals(
    run: Importer, project: Project, values: dict[str, Any], row: int
) -> None:
    """An original once kept (DESIGN.md §3 Overruns) is the measure of every overrun: a
    workbook that states another would erase an overrun with no revision and no reason."""
    for name, (column, current, shown) in ORIGINALS.items():
        kept = getattr(project, name)
        if kept is None or name not in values or same(kept, values[name]):
            continue
        run.problem(
            f"已记录为{shown(kept)}（项目首次列入年度计划时的值），不能通过台账修改；"
            f"调整请改“{current}”，系统记为一次调整",
            schema.PROJECTS,
            row,
            column,
        )


def _replacement(
    run: Importer, record: Record, ids: dict[str, int], stored: AnnualPlan | None
) -> dict[str, Any]:
    """A plan row's fields with 替换为's project code turned into the project's id.

    A started project is replaced only on its page, where the office writes why (the
    ledger has no column for it): a new 替换为 on a started project's row is refused."""
    fields = dict(record.fields)
    code = fields.pop("replaced_by_code", None)
    if code is None:
        return fields  # not given: left as stored
    project_id = ids.get(code) or run.project_ids([code]).get(code)
    if project_id is None:
        run.problems.append(
            Problem(f"替换为的项目“{code}”不在系统或本表中", schema.PROJECTS, record.row, "替换为")
        )
    elif code == record.key[0]:
        run.problems.append(Problem("项目不能替换为自身", schema.PROJECTS, record.row, "替换为"))
    else:
        fields["replaced_by_id"] = project_id
        newly = stored is None or stored.replaced_by_id != project_id
        started = newly and stored is not None and started_on(stored.project)
        if started or (newly and record.fields.get("actual_start")):
            run.problems.append(
                Problem(
                    f"该项目{started or '已填写实际开(复)工日期'}：已开工项目的替换须在项目页面"
                    "“替换项目”中说明原因，不能通过台账替换",
                    schema.PROJECTS,
                    record.row,
                    "替换为",
                )
            )
    return fields
