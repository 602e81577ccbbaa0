"""A restore on SQLite writes most rows without model instances (``_Columns`` in
backup/services/loader.py): each value as the deserializer, then the INSERT compiler, would
make it. Held equal here, model by model, on every row of the demo county's backup data; the
end-to-end promise (every row and file back as it was) is test_restore_a_used_county.py's."""

import io
import json
from collections import defaultdict
from typing import Any

from django.core.serializers.python import Deserializer
from django.db import connection

from backup.services import loader, serializer
from backup.services.archive import backed_up_models


def backup_rows() -> dict[str, list[dict[str, Any]]]:
    """data.jsonl's rows as a backup writes them, by model."""
    stream = io.StringIO()
    serializer.write(backed_up_models(), stream)
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in stream.getvalue().splitlines():
        row = json.loads(line)
        rows[row["model"]].append(row)
    return rows


def as_the_compiler_sends(label_rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The rows' values the way loaddata's raw save sends them: instances, then each
    column's ``get_db_prep_save``."""
    instances = [item.object for item in Deserializer(label_rows)]
    meta = type(instances[0])._meta
    fields = [field for field in meta.local_concrete_fields if not field.generated]
    return [
        tuple(field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields)
        for row in instances
    ]


def plain(values: list[tuple[Any, ...]] | None) -> list[tuple[Any, ...]]:
    """Values compared by what they hold (PostgreSQL's JSON wrapper compares by identity)."""
    assert values is not None
    return [tuple(getattr(value, "obj", value) for value in row) for row in values]


def test_every_row_is_sent_as_the_instances_way_sends_it(demo_county):
    taken = set()
    for label, rows in backup_rows().items():
        columns = loader._columns(label)
        if columns is None:
            continue
        taken.add(label)
        assert plain(columns.values(rows)) == plain(as_the_compiler_sends(rows)), label
    # what a county holds most of takes the shortcut: reports, plan rows, milestones, history
    assert {
        "investment.monthlyreport", "investment.historicalmonthlyreport", "projects.project",
        "projects.annualplan", "projects.milestone", "bonds.fundapplication",
    } <= taken  # fmt: skip


def test_models_with_many_to_many_fields_or_natural_keys_go_the_instances_way():
    assert loader._columns("supervision.inspection") is None  # its projects
    assert loader._columns("projects.user") is None  # its groups and permissions
    assert loader._columns("admin.logentry") is None  # a content type, by natural key


def test_a_row_missing_a_column_sends_its_batch_the_instances_way(demo_county):
    rows = backup_rows()["projects.project"]
    del rows[-1]["fields"]["name"]
    assert loader._columns("projects.project").values(rows) is None
    assert loader._columns("projects.project").values(rows[:-1]) is not None


def test_a_value_that_does_not_convert_sends_its_batch_the_instances_way(demo_county):
    rows = backup_rows()["investment.monthlyreport"]
    rows[0]["fields"]["amount"] = "不是金额"
    assert loader._columns("investment.monthlyreport").values(rows) is None
