"""总体情况's red and yellow counts are kept in the cache under the data version
(`investment.selectors.data_version`), and every kind of write moves the version on as it commits: the
page shows the new figures at once, in this process and in any other (the version is read
from the database; the cache is each process's own)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from investment.models import MonthlyReport, QualityFlag, WarningRule
from investment.rules.periods import Period
from investment.selectors import data_version
from investment.selectors.progress import lag_level_counts
from investment.services import reports
from investment.services.quality_flags import flag_accept
from investment.services.warning_rules import RuleEntry, warning_rules_save
from investment.services.year_settings import year_settings_save
from projects.models import AnnualPlan, Project
from projects.services.register import milestone_add, milestone_done
from projects.services.units import unit_merge
from tests.backup.test_backup_page import back_up, restore, signed_in, started, worker_runs
from tests.builders import year_settings
from tests.workbooks import a_portfolio, code, load

# the writes commit, as a request's do: the version moves on after the commit
pytestmark = pytest.mark.django_db(transaction=True)
ASKED = {"year": 2024, "month": 6}


@pytest.fixture
def office(cast) -> Client:
    cache.clear()
    load(a_portfolio(6, 2024))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(cast.officer)
    return client


def shown(client: Client) -> tuple[int, int]:
    """The page's 红色预警N个 / 黄色预警M个, the counts' query run or not."""
    page = client.get(reverse("dashboard"), ASKED).content.decode()
    return (
        int(re.search(r"红色预警\s*(\d+)\s*个", page).group(1)),  # type: ignore[union-attr]
        int(re.search(r"黄色预警\s*(\d+)\s*个", page).group(1)),  # type: ignore[union-attr]
    )


def judged_now() -> tuple[int, int]:
    red, yellow = lag_level_counts(Period.of(2024, 6))
    return red.total, yellow.total


def lag_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("dashboard"), ASKED)
    return sum('"lag_not_started_' in q["sql"] for q in queries.captured_queries)


def test_the_counts_are_judged_once_and_then_read_from_the_cache(office):
    assert lag_queries(office) == 1
    assert lag_queries(office) == 0
    assert shown(office) == judged_now()


def test_a_write_rolled_back_changes_nothing_and_a_committed_one_is_seen_at_once(office):
    before = shown(office)
    version = data_version.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        Project.objects.update(planned_start=date(2024, 1, 1))
        raise RuntimeError
    assert data_version.current() == version and lag_queries(office) == 0
    Project.objects.update(planned_start=date(2024, 1, 1))  # a bulk update, no signal sent
    assert data_version.current() != version
    assert shown(office) == judged_now()
    assert before != judged_now() or lag_queries(office) == 0


def test_each_kind_of_write_changes_the_page_at_once(office, cast):
    officer = cast.officer
    plan = AnnualPlan.objects.select_related("project__unit").get(project__code=code(1))
    reporter = cast.reporter_of(plan.project.unit)
    seen = [shown(office)]

    def write(doing) -> None:
        """``doing`` is written and committed: the version moves on, the page reads anew
        and shows what the rows judged now give."""
        version = data_version.current()
        shown(office)
        doing()
        assert data_version.current() != version, doing
        assert lag_queries(office) == 1, doing
        assert shown(office) == judged_now(), doing
        seen.append(shown(office))

    # a report saved, submitted, returned, sent again and approved
    def save(amount: str):
        return lambda: reports.report_save(
            plan=plan, month=6, user=reporter, amount=Decimal(amount)
        )

    write(save("20"))
    report = MonthlyReport.objects.get(plan=plan, month=6)
    write(lambda: reports.report_submit(report=report, user=reporter))
    write(lambda: reports.report_return(report=report, user=officer, reason="数额有误"))
    write(save("9"))
    write(lambda: reports.report_submit(report=report, user=reporter))
    for flag in QualityFlag.objects.filter(report=report):  # the office examines its hints
        write(lambda flag=flag: flag_accept(flag=flag, user=officer, note="已电话核实，属实"))
    write(lambda: reports.report_approve(report=report, user=officer))
    # the month locked and unlocked
    write(lambda: reports.period_lock(year=2024, month=6, user=officer, confirmed_units=[
        unit.pk for unit in plan.project.unit.__class__.objects.all()
    ]))  # fmt: skip
    write(lambda: reports.period_unlock(year=2024, month=6, user=officer, reason="补报"))
    # the ledger imported: a project more on the list
    write(lambda: load({"项目台账": a_portfolio(7, 2024)["项目台账"]}))
    # a milestone overdue, then done
    milestone = []
    write(lambda: milestone.append(milestone_add(
        project=plan.project, user=officer, name="主体完工", planned_date=date(2024, 3, 31)
    )))  # fmt: skip
    write(
        lambda: milestone_done(milestone=milestone[0], user=officer, actual_date=date(2024, 4, 2))
    )
    # the year's warning rules and settings saved
    rule = RuleEntry(WarningRule.Indicator.INVESTMENT, True, Decimal(30), Decimal(45))
    write(lambda: warning_rules_save(year=2024, user=officer, rules=[rule]))
    write(lambda: year_settings_save(year=2024, user=officer, **year_settings(due_day=10)))
    assert len(set(seen)) > 2  # the figures moved as the work went


def test_a_unit_merged_changes_a_unit_s_own_counts_at_once(office, cast):
    """A unit's reporter sees their own unit's counts: after a merge, the merged unit's too."""
    source, target = (Project.objects.get(code=code(n)).unit for n in (1, 2))
    reporter = Client(HTTP_HOST="127.0.0.1")
    reporter.force_login(cast.reporter_of(target))
    before = shown(reporter)
    version = data_version.current()
    unit_merge(source=source, target=target, user=cast.officer)
    assert data_version.current() != version
    assert shown(reporter) != before


def test_a_restore_brings_back_the_figures_of_the_backup_at_once(office, cast):
    admin = signed_in(cast.admin)
    backup = back_up(admin)
    backed_up = shown(office)
    load(a_portfolio(12, 2024))  # six projects more on the list
    grown = shown(office)
    assert grown != backed_up
    version = data_version.current()
    job = worker_runs(started(restore(admin, backup)))
    assert job.state == "done", job.error
    assert data_version.current() not in (version, None)
    office.force_login(cast.officer)  # the restore replaced the sessions too
    assert shown(office) == backed_up == judged_now()
