"""督查问题: findings, by (责任单位, 问题描述, 发现日期); a unit named is created if new, and a
finding reopened loses its 销号日期."""

from ledger.rules import schema
from ledger.rules.rows import Record
from ledger.services.importer.base import Importer
from supervision.models import Finding


def import_findings(run: Importer, records: list[Record]) -> None:
    sheet = schema.FINDINGS
    ids = run.known_projects(sheet, records, lambda r: r.fields.get("project_code"))
    run.unit_ids(record.key[0] for record in records)
    stored = {
        (f.unit.name, f.description, f.found_on): f
        for f in run.fetch(
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
    run.upsert(
        sheet,
        run.counts(sheet),
        Finding,
        stored,
        items,
        lambda key, values: Finding(
            unit_id=run.units[key[0]], description=key[1], found_on=key[2], **values
        ),
    )
