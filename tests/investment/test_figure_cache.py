"""总体情况's figures are kept in the cache under the data version (`investment.selectors.figure_cache`),
and every kind of write moves the version on as it commits: the page shows the new figures at
once, as computed afresh, in this process and any other (the version is read from the
database; the cache is each process's own)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from bonds.models import FundSpending, FundType
from bonds.services import fund_save, spending_record
from investment.models import MonthlyReport, WarningRule
from investment.selectors import figure_cache
from investment.services.warning_rules import RuleEntry, warning_rules_save
from investment.services.year_settings import year_settings_save
from projects.models import AnnualPlan, Project
from tests.builders import year_settings
from tests.cast import PASSWORD
from tests.investment.cached_figures import changed_at_once, plan_rows_read, signed_in
from tests.workbooks import REPORT_HEADERS, a_small_county, code, load

# the writes commit, as a request's do: the version moves on after the commit
pytestmark = pytest.mark.django_db(transaction=True)
TODAY = date(2024, 4, 3)  # March is being reported (due 5 April); its 报送 window is open
ASKED = {"year": 2024, "month": 3}
# what the dashboard computes and keeps (the rest of its context is the period's own words)
FIGURES = ("summary", "levels", "by_unit", "by_industry", "lagging", "lagging_levels",
           "completeness", "overruns", "charts", "funds", "bond_clock", "batches", "todos",
           "escalations")  # fmt: skip


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def county(cast):
    """The small county (three 2024 projects, two of 县住建局), a January report of each, and
    a 专项债券 of 城关污水处理厂 下达 in January with 20 万元 spent in February."""
    a_small_county([[code(n), 2024, 1, 10] for n in (1, 2, 3)])
    office = cast.officer
    fund = fund_save(
        user=office, project=Project.objects.get(code=code(1)), fund_type=FundType.SPECIAL_BOND,
        year=2024, requested=Decimal(100), approved=Decimal(100), allocated=Decimal(100),
        allocated_on=date(2024, 1, 10),
    )  # fmt: skip
    spending_record(user=office, application=fund, spent_on=date(2024, 2, 1), amount=Decimal(20))


def shown(client: Client) -> dict:
    response = client.get(reverse("dashboard"), ASKED)
    assert response.status_code == 200
    return {name: response.context[name] for name in FIGURES}


def test_the_figures_are_computed_once_and_then_read_from_the_cache(county, cast):
    office = signed_in(cast.officer)
    assert plan_rows_read(office, "dashboard", ASKED) > 0
    assert plan_rows_read(office, "dashboard", ASKED) == 0
    kept = shown(office)
    caches["figures"].clear()
    assert shown(office) == kept


def test_a_sign_in_keeps_the_figures_and_a_change_to_a_person_moves_them_on(county, cast):
    """Signing in writes last_login and a history row, which no figure reads: every sign-in of
    the morning would otherwise make the next view of each page compute afresh. A reporter's
    phone number is shown for 催报, so editing a person still moves the version on."""
    office, person = signed_in(cast.officer), cast.leader
    shown(office)
    version = figure_cache.current()
    leader = Client(HTTP_HOST="127.0.0.1")
    signing_in = leader.post(reverse("login"), {"username": person.username, "password": PASSWORD})
    assert signing_in.status_code == 302 and person.history.count() == 2  # made, signed in
    assert figure_cache.current() == version
    assert plan_rows_read(office, "dashboard", ASKED) == 0  # the office's page, as kept
    cast.reporter.phone = "13800000000"
    cast.reporter.save()
    assert figure_cache.current() not in (version, None)


def test_each_kind_of_write_changes_the_page_at_once(county, cast):
    office, reporter = signed_in(cast.officer), signed_in(cast.reporter)
    month_page = reverse("report_month", args=[2024, 3])
    seen = []

    plans = list(AnnualPlan.objects.filter(project__unit=cast.housing).order_by("project__code"))

    def entered(amount: str, action: str) -> dict:
        data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "action": action}
        return data | {"form-0-plan": plans[0].pk, "form-0-amount": amount,
                       "form-0-progress": "主体施工"}  # fmt: skip

    def sent_through_the_form():
        """March's report of 城关污水处理厂 saved and sent (报送) through the unit's month page."""
        reporter.post(month_page, entered("50", "submit"))

    def returned():
        """The office returns it from 报表审核."""
        report = MonthlyReport.objects.get(plan=plans[0], month=3)
        office.post(reverse("report_return", args=[report.pk]), {"reason": "与统计数据不符"})

    def sent_again():
        reporter.post(month_page, entered("40", "submit"))

    def approved():
        """The office approves it (its 待审核 to-do goes)."""
        office.post(reverse("report_approve", args=[MonthlyReport.objects.get(month=3).pk]))

    def imported():
        """营盘公路改建's February report imported through the ledger."""
        load({"月度投资": [REPORT_HEADERS, [code(3), 2024, 2, 30]]})

    def spending_deleted():
        """The February 支出 deleted from the fund's page."""
        entry = FundSpending.objects.get()
        office.post(
            reverse("fund_spending_delete", args=[entry.pk]),
            {"version": entry.application.version},
        )

    def due_day_changed():
        """年度设置: March's reports due on 1 April, already past."""
        year_settings_save(year=2024, user=cast.officer, **year_settings(due_day=1))

    def rule_changed():
        """投资滞后 red from 10 points behind."""
        rule = RuleEntry(WarningRule.Indicator.INVESTMENT, True, Decimal(5), Decimal(10))
        warning_rules_save(year=2024, user=cast.officer, rules=[rule])

    def updated_in_bulk():
        """A queryset's update(): no model saved, no signal sent."""
        AnnualPlan.objects.filter(project__code=code(2)).update(planned_investment=600)

    def deleted_in_bulk():
        """A queryset's delete() of January's reports."""
        MonthlyReport.objects.filter(month=1).delete()

    for doing in (sent_through_the_form, returned, sent_again, approved, imported,
                  spending_deleted, due_day_changed, rule_changed, updated_in_bulk,
                  deleted_in_bulk):  # fmt: skip
        seen.append(changed_at_once(shown, office, "dashboard", ASKED, doing)["summary"].completed)
    assert seen == [Decimal(80), Decimal(30), Decimal(70), Decimal(70), Decimal(100),
                    Decimal(100), Decimal(100), Decimal(100), Decimal(100), Decimal(70)]  # fmt: skip


def test_a_write_rolled_back_keeps_the_version_and_one_written_in_a_transaction_waits_for_it(
    county,
):
    version = figure_cache.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        Project.objects.update(planned_start=date(2024, 1, 1))
        assert figure_cache.current() is None  # its own uncommitted writes: nothing cached
        raise RuntimeError
    assert figure_cache.current() == version
    with transaction.atomic():
        Project.objects.update(planned_start=date(2024, 1, 1))
        assert figure_cache.current() is None
    assert figure_cache.current() not in (version, None)


def test_the_watch_is_on_each_connection_once_however_often_it_reconnects(county):
    for _ in range(3):
        connection.close()
        connection.ensure_connection()
    assert connection.execute_wrappers.count(figure_cache._watch) == 1


def test_a_write_without_the_version_s_table_is_not_refused(county, caplog):
    """As during a migration back past the table: the write stands, nothing is kept."""
    with connection.schema_editor() as editor:
        editor.execute(f"ALTER TABLE {figure_cache.TABLE} RENAME TO gone_dataversion")
    try:
        Project.objects.update(planned_start=date(2024, 1, 1))  # bumps, and finds no table
        figure_cache.bump(connection)
    finally:
        with connection.schema_editor() as editor:
            editor.execute(f"ALTER TABLE gone_dataversion RENAME TO {figure_cache.TABLE}")
    assert set(Project.objects.values_list("planned_start", flat=True)) == {date(2024, 1, 1)}
    assert [record.message for record in caplog.records if record.levelname == "ERROR"] == []


def test_each_role_and_unit_is_kept_apart_a_reporter_never_reads_the_office_s_figures(county, cast):
    office, leader = signed_in(cast.officer), signed_in(cast.leader)
    reporter, other_unit = signed_in(cast.reporter), signed_in(cast.other_reporter)
    viewers = {"office": office, "leader": leader, "reporter": reporter, "other": other_unit}
    cached = {}
    for name, client in viewers.items():  # each viewed once the others are in the cache
        shown(client)
        cached[name] = shown(client)
    caches["figures"].clear()
    for name, client in reversed(viewers.items()):
        assert shown(client) == cached[name], name  # each one's own figures, computed afresh
    assert cached["reporter"]["summary"] != cached["office"]["summary"]
    assert cached["reporter"]["summary"] != cached["other"]["summary"]
