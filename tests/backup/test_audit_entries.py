"""The audit trail across a restore onto a new machine that has already written entries of
its own (an operator's commands before the restore): both trails are kept whole."""

import io

import pytest
from django.core.management import call_command

from audit.models import AuditEntry
from audit.services import record
from tests.workbooks import a_portfolio, load

pytestmark = pytest.mark.django_db(transaction=True)


def trail() -> list[tuple]:
    return list(AuditEntry.objects.order_by("at", "pk").values_list("at", "action", "username"))


def test_a_new_machines_own_entries_and_the_backups_are_all_kept(tmp_path):
    load(a_portfolio(3, 2026))
    for serial in range(5):
        record(
            category=AuditEntry.Category.COMMAND, action=f"旧机器操作{serial}", username="office"
        )
    old_trail = trail()
    call_command("backup", "-o", str(tmp_path / "b.zip"), stdout=io.StringIO())

    call_command("flush", "--noinput")  # the new machine: numbers start again at 1
    for serial in range(2):
        record(category=AuditEntry.Category.COMMAND, action=f"新机器操作{serial}", username="admin")
    new_trail = trail()

    call_command("restore", str(tmp_path / "b.zip"), stdout=io.StringIO())

    after = trail()
    assert set(old_trail) | set(new_trail) <= set(after)  # nothing lost, times unchanged
    assert len(after) == len(old_trail) + len(new_trail) + 1  # and the restore's own entry
    assert after[-1][1] == "从备份恢复数据"
    record(category=AuditEntry.Category.COMMAND, action="恢复后的操作", username="admin")
    assert AuditEntry.objects.order_by("-pk").first().action == "恢复后的操作"
