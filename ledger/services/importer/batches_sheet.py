"""三个一批: a batch's listed projects, by (期次, 类别, 项目代码); a 期次 the system lacks is
created from its name (`batches.rules.batch_place`)."""

from batches.models import Batch, BatchEntry
from batches.rules import NAME_EXAMPLE, batch_place, target_date_problem
from batches.services import batch_problems
from core.history_rows import bulk_create_recorded
from ledger.rules import schema
from ledger.rules.rows import Record
from ledger.services.importer.base import Importer


def import_batch_entries(run: Importer, records: list[Record]) -> None:
    sheet = schema.BATCHES
    ids = run.known_projects(sheet, records, lambda r: r.key[2])
    first_rows: dict[str, int] = {}
    for record in records:
        first_rows.setdefault(record.key[0], record.row)
    batches = batch_ids(run, set(first_rows), first_rows)
    stored = {
        (e.batch.name, e.kind, e.project.code): e
        for e in run.fetch(
            BatchEntry.objects.select_related("batch", "project"), "project_id", ids.values()
        )
    }
    years = batch_years(set(first_rows))
    kept = []
    for record in records:  # a 目标日期 before its batch's year is refused, as on the page
        year = years.get(record.key[0])
        target = record.fields.get("target_date")
        if year is not None and (problem := target_date_problem(target, year)):
            run.problem(problem, sheet, record.row, "目标日期")
        else:
            kept.append(record)
    kinds = {value: label for label, value in schema.BATCH_KINDS.items()}
    items = [
        (r.key, dict(r.fields), r.row, f"{r.key[0]} {kinds[r.key[1]]} {r.key[2]}") for r in kept
    ]
    run.upsert(
        sheet,
        run.counts(sheet),
        BatchEntry,
        stored,
        items,
        lambda key, values: BatchEntry(
            batch_id=batches.get(key[0], 0), kind=key[1], project_id=ids[key[2]], **values
        ),
    )


def batch_years(names: set[str]) -> dict[str, int]:
    """name → year of each 期次 named: the stored batch's, else the one its name says."""
    years = dict(Batch.objects.filter(name__in=names).values_list("name", "year"))
    for name in names - set(years):
        if (place := batch_place(name)) is not None:
            years[name] = place[0]
    return years


def batch_ids(run: Importer, names: set[str], rows: dict[str, int]) -> dict[str, int]:
    """name → id of the 期次 named; one the system lacks is created (when writing) from
    its name's year and quarter, and a name that says neither is a problem."""
    ids = dict(Batch.objects.filter(name__in=names).values_list("name", "pk"))
    missing = sorted(names - set(ids))
    new = []
    for name in missing:
        place = batch_place(name)
        if place is None:
            run.problem(
                f"期次“{name}”在系统中不存在，且名称中看不出年度和第几期，无法新建；"
                f"请写作“{NAME_EXAMPLE}”（第一至第四期对应一至四季度），或先在“三个一批”页面新建",
                schema.BATCHES,
                rows[name],
                "期次",
            )
            continue
        # the checks the 三个一批 page's save makes (a year within 2000–2100, …): the database
        # refuses such a batch too, and a refusal at the write reads as a concurrent change
        problems = batch_problems(name=name, year=place[0], quarter=place[1])
        if problems:
            reasons = "；".join(problem.rstrip("。") for problem in problems)
            run.problem(f"期次“{name}”：{reasons}", schema.BATCHES, rows[name], "期次")
            continue
        if name not in run.result.batches_created:
            run.result.batches_created.append(name)
        new.append(Batch(name=name, year=place[0], quarter=place[1]))
    if run.writing and new:
        bulk_create_recorded(new, Batch, user=run.user)
        ids |= dict(Batch.objects.filter(name__in=[b.name for b in new]).values_list("name", "pk"))
    return ids
