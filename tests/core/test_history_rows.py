"""Rows written in bulk get the same history rows from the database (`core.history_rows`) as
simple-history's bulk helpers would have written, one Python object a row."""

from decimal import Decimal

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.history_rows import bulk_create_recorded, bulk_update_recorded
from investment.models import MonthlyReport
from projects.models import AnnualPlan, Unit
from tests.workbooks import a_portfolio, load

# What differs between two rows by construction: their keys, the clock, and the month told apart.
APART = {"history_id", "id", "history_date", "updated_at", "month"}


def history_of(report: MonthlyReport) -> list[dict]:
    rows = MonthlyReport.history.filter(id=report.pk).order_by("history_id").values()
    return [{k: v for k, v in row.items() if k not in APART} for row in rows]


def two_reports(plan: AnnualPlan) -> tuple[MonthlyReport, MonthlyReport]:
    def report(month: int) -> MonthlyReport:
        return MonthlyReport(
            plan=plan,
            month=month,
            amount=Decimal("12.5"),
            progress="主体施工\r\n过半",
            status=MonthlyReport.Status.APPROVED,
            source=MonthlyReport.Source.LEDGER,
        )

    return report(5), report(6)


def test_a_created_rows_history_is_the_one_simple_history_writes(cast):
    load(a_portfolio(1, 2024))
    theirs, ours = two_reports(AnnualPlan.objects.get())

    bulk_create_with_history([theirs], MonthlyReport, default_user=cast.officer)
    bulk_create_recorded([ours], MonthlyReport, user=cast.officer)

    assert history_of(ours) == history_of(theirs)
    assert history_of(ours)[0]["history_type"] == "+"
    assert history_of(ours)[0]["history_user_id"] == cast.officer.pk
    assert history_of(ours)[0]["amount"] == Decimal("12.5")


def test_an_updated_rows_history_is_the_one_simple_history_writes(cast):
    load(a_portfolio(1, 2024))
    theirs, ours = two_reports(AnnualPlan.objects.get())
    bulk_create_recorded([theirs, ours], MonthlyReport, user=None)
    for report in (theirs, ours):
        report.amount, report.version = Decimal("7.25"), report.version + 1

    bulk_update_with_history(
        [theirs], MonthlyReport, ["amount", "version"], default_user=cast.officer
    )
    bulk_update_recorded([ours], MonthlyReport, ["amount", "version"], user=cast.officer)

    assert history_of(ours) == history_of(theirs)
    assert [row["history_type"] for row in history_of(ours)] == ["+", "~"]
    assert [row["amount"] for row in history_of(ours)] == [Decimal("12.5"), Decimal("7.25")]
    assert [row["history_user_id"] for row in history_of(ours)] == [None, cast.officer.pk]


def test_every_row_of_a_batch_gets_one_history_row_of_its_own():
    units = [Unit(name=f"单位{serial}") for serial in range(2500)]

    bulk_create_recorded(units, Unit, user=None, batch_size=1000)

    assert Unit.history.count() == 2500
    assert set(Unit.history.values_list("id", "name")) == {(u.pk, u.name) for u in units}


def test_a_row_that_names_its_own_history_user_keeps_it(cast):
    unit = Unit(name="县水利局")
    unit._history_user = cast.officer  # as core.versioning sets it

    bulk_create_recorded([unit], Unit, user=None)

    assert Unit.history.get(id=unit.pk).history_user == cast.officer


def test_an_import_writes_a_history_row_for_every_row_it_creates(cast):
    load(a_portfolio(30, 2024), user=cast.officer)

    for model in (Unit, AnnualPlan, MonthlyReport):
        rows = model.objects.count()
        assert rows and model.history.filter(history_type="+").count() == rows
    users = set(MonthlyReport.history.values_list("history_user", flat=True))
    assert users == {cast.officer.pk}
