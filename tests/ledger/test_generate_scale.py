"""generate_scale: the benchmarks' city data set, written straight to the tables, only into an
empty database, and read back by the app exactly as if it had been saved the usual way."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Sum

from audit.models import AuditEntry
from batches.models import BatchEntry
from bonds.models import FundApplication
from investment.models import MonthlyReport
from investment.rules.periods import Period
from investment.selectors.portfolio import portfolio_summary
from ledger.services.scale import build_scale
from projects.models import AnnualPlan, Milestone, Project, Unit
from promotion.models import Activity
from supervision.models import Finding


def test_it_builds_the_asked_number_of_projects_over_the_asked_years(capsys):
    call_command("generate_scale", "--projects", "40", "--years", "3")

    assert Project.objects.count() == 40
    assert Unit.objects.count() == 4  # one for every 10 projects, up to a city's 200
    assert set(AnnualPlan.objects.values_list("year", flat=True)) == {2024, 2025, 2026}
    assert Milestone.objects.count() == 7 * 40
    assert (FundApplication.objects.count(), Finding.objects.count()) == (8, 10)
    assert (BatchEntry.objects.count(), Activity.objects.count()) == (4, 2)
    assert Activity.objects.filter(projects__isnull=False).count() == 2
    assert not MonthlyReport.objects.filter(plan__year=2026, month__gt=10).exists()
    out = capsys.readouterr().out
    assert "项目 40 个" in out and "2024–2026年" in out and "用时" in out
    assert AuditEntry.objects.filter(action="生成性能测试数据").exists()


def built_reports() -> list[tuple]:
    """The reports of a data set built in a savepoint that is then rolled back."""
    with transaction.atomic():
        build_scale(projects=30, years=2)
        reports = list(
            MonthlyReport.objects.order_by(
                "plan__project__code", "plan__year", "month"
            ).values_list("plan__project__code", "plan__year", "month", "amount")
        )
        transaction.set_rollback(True)
    return reports


def test_the_same_sizes_give_the_same_data():
    assert built_reports() == built_reports() != []


def test_what_it_writes_reads_back_as_the_app_saves_it():
    build_scale(projects=12, years=2)

    project = Project.objects.order_by("pk").first()
    assert project is not None and project.version == 1 and project.created_at is not None
    assert project.planned_start is not None and project.planned_start.year in (2025, 2026)
    assert isinstance(project.total_investment, Decimal)
    summary = portfolio_summary(Period.of(2026, 10))
    reported = MonthlyReport.objects.filter(plan__year=2026).aggregate(total=Sum("amount"))
    assert summary.completed == reported["total"]  # every report approved, none after October
    assert summary.projects == AnnualPlan.objects.filter(year=2026).count()
    # The tables' counters moved past the written rows: the next unit saved the usual way fits.
    assert Unit.objects.create(name="新单位").pk > max(
        Unit.objects.exclude(name="新单位").values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--projects", "0"], "项目个数应在1到200000之间，收到0。"),
        (["--years", "11"], "年度数应在1到10之间，收到11。"),
    ],
)
def test_it_refuses_sizes_out_of_range(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_scale", *args)

    assert not Project.objects.exists()


def test_it_refuses_a_database_that_already_has_units_or_projects():
    Unit.objects.create(name="县发改局")

    with pytest.raises(CommandError, match="数据库中已有责任单位或项目，未生成测试数据"):
        call_command("generate_scale", "--projects", "5")

    assert not Project.objects.exists() and Unit.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_on_postgresql_the_planner_knows_how_many_rows_it_wrote():
    """A table filled in bulk and never analyzed is planned as if nearly empty (a city's
    dashboard ran nested loops over 90,000 reports); the build leaves its statistics behind."""
    build_scale(projects=40, years=3)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relname = %s", [MonthlyReport._meta.db_table]
        )
        (estimated,) = cursor.fetchone()
    assert estimated == MonthlyReport.objects.count()
