"""项目节点: milestones, by (项目代码, 节点名称); a unit named in 责任单位 is created if new."""

from ledger.rules import schema
from ledger.rules.rows import Record
from ledger.services.importer.base import Importer
from projects.models import Milestone


def import_milestones(run: Importer, records: list[Record]) -> None:
    ids = run.known_projects(schema.MILESTONES, records, lambda r: r.key[0])
    run.unit_ids(r.fields.get("unit_name") for r in records)
    stored = {
        (m.project.code, m.name): m
        for m in run.fetch(Milestone.objects.select_related("project"), "project_id", ids.values())
    }
    items = []
    for record in records:
        values = dict(record.fields)
        if "unit_name" in values:
            values["unit_id"] = run.units[values.pop("unit_name")]
        items.append((record.key, values, record.row, f"{record.key[0]} {record.key[1]}"))
    run.upsert(
        schema.MILESTONES,
        run.counts(schema.MILESTONES),
        Milestone,
        stored,
        items,
        lambda key, values: Milestone(project_id=ids[key[0]], name=key[1], **values),
    )
