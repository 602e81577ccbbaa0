"""逾期未销号 (Finding.overdue_q / is_overdue, the rule of projects/deadlines.py): past the
整改时限 and not closed out, the same in a list, a count, an export and one finding's page."""

from datetime import date

import pytest

from supervision.models import Finding
from supervision.selectors import export_rows, overdue_findings, status_counts
from supervision.services import finding_answer, finding_close
from tests.supervision.builders import a_finding, people_of

FOUND = date(2026, 3, 2)
DEADLINE = date(2026, 3, 9)  # ordinary 13710: 7 days


@pytest.fixture
def people(cast):
    return people_of(cast)


def closed(people, on: date) -> Finding:
    finding = a_finding(people, description=f"问题{on}")
    finding_answer(user=people["reporter"], finding=finding, note="已整改", done=True, today=on)
    return finding_close(user=people["supervisor"], finding=finding, today=on)


def test_a_finding_is_overdue_the_day_after_its_deadline_until_it_is_closed(people):
    finding = a_finding(people)

    assert not finding.overdue_on(DEADLINE)  # the deadline day is still in time
    assert finding.overdue_on(date(2026, 3, 10))
    assert list(Finding.objects.overdue(on=date(2026, 3, 10))) == [finding]
    assert not Finding.objects.overdue(on=DEADLINE).exists()


def test_at_the_end_of_a_period_a_finding_due_that_day_and_open_is_overdue(people):
    finding = a_finding(people)

    assert list(Finding.objects.overdue(at_end_of=DEADLINE)) == [finding]
    assert not Finding.objects.overdue(at_end_of=date(2026, 3, 8)).exists()


def test_a_finding_closed_late_was_overdue_until_its_closing_day_and_not_after(people):
    finding = closed(people, date(2026, 3, 20))

    assert Finding.objects.overdue(at_end_of=date(2026, 3, 19)).get() == finding
    assert not Finding.objects.overdue(at_end_of=date(2026, 3, 20)).exists()
    assert not finding.overdue_on(date(2026, 4, 1))


def test_the_count_the_list_and_the_export_agree(people):
    late = a_finding(people, description="逾期未整改")
    closed(people, date(2026, 3, 20))
    today = date(2026, 3, 25)

    assert status_counts(Finding.objects.all(), today=today)["overdue"] == 1
    assert list(overdue_findings(Finding.objects.all(), today=today)) == [late]
    flags = {row[1]: row[9] for row in export_rows(Finding.objects.all(), today=today)}
    assert flags == {"逾期未整改": "是", "问题2026-03-20": "否"}
