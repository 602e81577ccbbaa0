"""Migration 0009: a year's saved 投资滞后阈值 becomes its 投资滞后 rule's yellow threshold."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.prebuilt import DATABASES

# slow: the test migrates a copy of the database back
pytestmark = pytest.mark.slow

BEFORE = [("investment", "0008_period_unlock_reason")]
AFTER = [("investment", "0009_warning_rules")]


@pytest.fixture(autouse=True)
def at_0008(transactional_db):
    """The test on its own copy of the database as at 0008 (tests/prebuilt.py)."""
    with DATABASES.at_migration(BEFORE):
        yield


@pytest.mark.django_db(transaction=True)
def test_a_saved_lag_threshold_moves_into_the_investment_rule():
    executor = MigrationExecutor(connection)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("investment", "YearSettings").objects.create(year=2025, lag_threshold=15)
    old.get_model("investment", "YearSettings").objects.create(year=2026, lag_threshold=35)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rules = new.get_model("investment", "WarningRule").objects.order_by("year")

    assert [(r.year, r.indicator, r.yellow, r.red) for r in rules] == [
        (2025, "investment", 15, 30),
        (2026, "investment", 35, 35),  # red is never below yellow
    ]
