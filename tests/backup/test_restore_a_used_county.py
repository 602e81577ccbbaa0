"""A county people have used restores into an empty database with every row of every table
and every byte of every uploaded file as it was (issue 14: a backup that cannot be restored
is the worst data loss there is). Runs on the suite's database: SQLite by default,
PostgreSQL with DATABASE_URL."""

import io

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEntry
from backup.services.archive import backed_up_models
from investment.models import MonthlyReport, ReportPhoto
from tests.backup import snapshot
from tests.backup.county import NEW_PASSWORD, YEAR, a_used_county, entry_lines, sign_in
from tests.backup.pages import submit
from tests.cast import PASSWORD

# Emptying the database (flush) cannot run inside a test's transaction on PostgreSQL. Slow: a
# county used through its pages, backed up, emptied and restored.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# What people's work writes, each of which must come back: the list.
WRITTEN_BY_USE = [
    "audit.AuditEntry", "axes.AccessLog", "axes.AccessAttempt",
    "admin.LogEntry", "projects.User", "projects.HistoricalUser", "projects.PasswordHistory",
    "projects.Unit", "projects.HistoricalUnit", "projects.Project", "projects.HistoricalProject",
    "projects.AnnualPlan", "projects.Milestone", "investment.MonthlyReport",
    "investment.HistoricalMonthlyReport", "investment.ReportingPeriod", "investment.ReportPhoto",
    "supervision.Inspection", "supervision.Inspection_projects", "supervision.Finding",
    "supervision.HistoricalFinding", "supervision.FindingEvent", "supervision.Evidence",
    "bonds.FundApplication", "bonds.HistoricalFundApplication", "bonds.FundAttachment",
    "ledger.LedgerImport", "auth.Group", "auth.Group_permissions", "promotion.Activity",
    "promotion.Activity_projects", "promotion.HistoricalActivity", "batches.Batch",
    "batches.HistoricalBatch", "batches.BatchEntry", "batches.HistoricalBatchEntry",
]  # fmt: skip


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads on disk, as in production, in a folder of this test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def empty_migrated_database() -> None:
    """What `migrate` leaves on a new machine: every table empty but the content types and
    permissions it creates (flush empties every table and recreates those, renumbered)."""
    call_command("flush", "--noinput")
    assert not any(model._base_manager.exists() for model in backed_up_models())


def assert_same_tables(after: dict, before: dict) -> None:
    assert after.keys() == before.keys()
    for label, rows in before.items():
        assert after[label] == rows, f"{label} differs after the restore"


def test_a_used_county_restores_with_every_row_and_every_file_equal(settings, media_root, tmp_path, cast):  # fmt: skip
    a_used_county(cast)
    before, files = snapshot.database(), snapshot.media(media_root)
    empty = [label for label in WRITTEN_BY_USE if not before[label]]
    assert not empty, f"the county wrote nothing into {empty}"
    assert AuditEntry.objects.filter(user__isnull=False).count() >= 10  # signed-in users' acts
    assert {name.split("/")[0] for name in files} >= {
        "report-photos", "evidence", "fund-files", "ledger-uploads"
    }  # fmt: skip
    assert Session.objects.exists()
    call_command("backup", "-o", str(tmp_path / "county.zip"), stdout=io.StringIO())

    empty_migrated_database()
    settings.MEDIA_ROOT = tmp_path / "new-machine-media"
    output = io.StringIO()
    call_command("restore", str(tmp_path / "county.zip"), stdout=output)

    restored = snapshot.database()
    restore_entry = restored["audit.AuditEntry"].pop()  # the restore's own entry, added last
    assert "从备份恢复数据" in restore_entry
    assert_same_tables(restored, before)
    assert snapshot.media(tmp_path / "new-machine-media") == files
    assert not Session.objects.exists()  # a restore signs everyone out
    assert "已从" in output.getvalue()

    # The restored county works: people sign in with their passwords, see their photos and
    # go on writing (new rows and history rows numbered after the restored ones).
    office = sign_in("office", PASSWORD)
    photo = ReportPhoto.objects.order_by("pk").first()
    response = office.get(reverse("photo_file", args=[photo.pk, "full"]))
    assert b"".join(response.streaming_content) == photo.image.open("rb").read()
    township = sign_in("township", NEW_PASSWORD)
    october = reverse("report_month", args=[YEAR, 10])
    lines = entry_lines(township, october, {"营盘公路改建": "56", "营盘农贸市场": "3.5"})
    submit(township, october, lines, press=("action", "submit"))
    assert MonthlyReport.objects.filter(plan__year=YEAR, month=10, status="submitted").count() == 4
