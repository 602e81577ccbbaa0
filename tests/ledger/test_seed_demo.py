"""seed_demo: a plausible county through the real import, and one login per role."""

from django.core.management import call_command
from django.urls import reverse

from bonds.models import FundApplication, FundStatus, FundType
from investment.models import MonthlyReport
from projects.models import AnnualPlan, Milestone, Project, Unit, User
from supervision.models import Finding


def test_it_builds_a_county_with_every_kind_of_record(capsys):
    call_command("seed_demo")

    assert 25 <= Unit.objects.count() <= 35
    assert 140 <= Project.objects.count() <= 160
    assert set(AnnualPlan.objects.values_list("year", flat=True)) == {2024, 2025, 2026}
    assert set(FundApplication.objects.values_list("fund_type", flat=True)) == set(FundType.values)
    assert set(FundApplication.objects.values_list("status", flat=True)) == set(FundStatus.values)
    assert set(Finding.objects.values_list("status", flat=True)) == set(Finding.Status.values)
    assert Milestone.objects.filter(actual_date__isnull=True).exists()
    assert AnnualPlan.objects.filter(year=2026, actual_start__isnull=True).exists()
    statuses = MonthlyReport.objects.filter(plan__year=2026, month=10).values_list(
        "status", flat=True
    )
    assert {"approved", "submitted"} <= set(statuses)
    reporter = User.objects.get(username="reporter")
    assert MonthlyReport.objects.filter(submitted_by=reporter).exists()  # their unit's, sent
    assert (
        not MonthlyReport.objects.exclude(plan__project__unit=reporter.unit)
        .filter(submitted_by=reporter)
        .exists()
    )
    assert "Demo@2026" in capsys.readouterr().out


def signs_in(client, username: str, password: str) -> bool:
    """Through the login page; a demo user is not sent to change the password first."""
    client.logout()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and client.get(reverse("dashboard")).status_code == 200


def test_every_role_can_log_in_with_the_demo_password(client):
    call_command("seed_demo")

    for username in ("admin", "office", "reporter", "supervisor", "leader"):
        assert signs_in(client, username, "Demo@2026")
    assert User.objects.get(username="reporter").unit.name == "县住房和城乡建设局"


def test_if_empty_leaves_existing_data_alone(client, capsys):
    call_command("seed_demo")
    before = MonthlyReport.objects.count()

    call_command("seed_demo", "--if-empty", "--password", "Other@2026")

    assert MonthlyReport.objects.count() == before
    assert signs_in(client, "office", "Other@2026")
