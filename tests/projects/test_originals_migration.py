"""Migration 0014: a project already on an annual list keeps its current 总投资 and 计划竣工日期 as
原总投资 and 原计划竣工日期; a project on no list has none yet (DESIGN.md §3 Overruns)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.prebuilt import DATABASES

# slow: the test migrates a copy of the database back
pytestmark = pytest.mark.slow

BEFORE = [("projects", "0013_project_replace_reason")]
AFTER = [("projects", "0014_project_originals_and_revisions")]


@pytest.fixture(autouse=True)
def at_0013(transactional_db):
    """The test on its own copy of the database as at 0013 (tests/prebuilt.py)."""
    with DATABASES.at_migration(BEFORE):
        yield


@pytest.mark.django_db(transaction=True)
def test_listed_projects_take_their_current_values_as_the_originals():
    executor = MigrationExecutor(connection)
    old = executor.loader.project_state(BEFORE).apps
    unit = old.get_model("projects", "Unit").objects.create(name="县住建局")
    Project = old.get_model("projects", "Project")
    listed = Project.objects.create(code="A-1", name="甲", unit=unit, total_investment=5000,
                                    planned_end=date(2025, 6, 30))  # fmt: skip
    Project.objects.create(code="A-2", name="乙", unit=unit, total_investment=800)
    old.get_model("projects", "AnnualPlan").objects.create(
        project=listed, year=2024, level="county", nature="new", planned_investment=100
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    projects = new.get_model("projects", "Project").objects.order_by("code")

    assert [(p.code, p.original_total, p.original_completion) for p in projects] == [
        ("A-1", Decimal(5000), date(2025, 6, 30)),
        ("A-2", None, None),
    ]
