"""系统管理 (the Django admin) is the system administrator's, and holds only their part (三员)."""

from django.urls import reverse

from ledger.demo import seed_demo
from projects.models import User

THEIRS = [
    "projects_user",
    "projects_unit",
    "investment_yearsettings",
    "investment_reportingperiod",
]
NOT_THEIRS = [
    "projects_project",
    "investment_monthlyreport",
    "bonds_fundapplication",
    "supervision_finding",
    "supervision_inspection",
    "supervision_notice",
    "ledger_ledgerimport",
    "axes_accessattempt",
]


def test_the_system_administrator_keeps_accounts_units_and_settings_only(client):
    seed_demo()
    client.force_login(User.objects.get(username="admin"))

    opens = {page: client.get(reverse(f"admin:{page}_changelist")).status_code for page in THEIRS}
    closed = {
        page: client.get(reverse(f"admin:{page}_changelist")).status_code for page in NOT_THEIRS
    }

    assert opens == dict.fromkeys(THEIRS, 200)
    assert closed == dict.fromkeys(NOT_THEIRS, 403)


def test_no_demo_account_is_a_superuser_and_only_the_system_administrator_is_staff():
    seed_demo()
    assert not User.objects.filter(is_superuser=True).exists()
    assert list(User.objects.filter(is_staff=True).values_list("username", flat=True)) == ["admin"]


def test_the_system_administrator_cannot_change_a_role_or_a_unit_in_the_admin(client):
    seed_demo()
    client.force_login(User.objects.get(username="admin"))
    leader = User.objects.get(username="leader")

    page = client.get(reverse("admin:projects_user_change", args=[leader.pk])).content.decode()

    assert 'name="role"' not in page  # shown read-only: roles are the security administrator's
    assert 'name="unit"' not in page  # a reporter's unit decides which projects they see


def test_every_admin_list_opens_for_a_superuser_kept_for_operations(client):
    seed_demo()
    client.force_login(User.objects.create_superuser("ops", password="x"))
    for page in THEIRS + NOT_THEIRS:
        assert client.get(reverse(f"admin:{page}_changelist")).status_code == 200, page


def test_the_year_settings_form_refuses_a_stale_save_naming_what_changed(client, cast):
    from investment.models import YearSettings

    settings_row = YearSettings.objects.create(year=2026)
    client.force_login(cast.admin)
    url = reverse("admin:investment_yearsettings_change", args=[settings_row.pk])
    form = {
        "year": 2026, "due_day": 5, "weight_investment": 50, "weight_start": 20,
        "weight_milestones": 15, "weight_findings": 10, "weight_reporting": 5,
        "lag_threshold": 10, "list_size": 3, "shown_version": settings_row.version,
    }  # fmt: skip
    assert 'name="shown_version"' in client.get(url).content.decode()

    assert client.post(url, form | {"due_day": 8}).status_code == 302  # the first tab saves
    stale = client.post(url, form | {"lag_threshold": 15})  # the second, opened before

    assert stale.status_code == 200
    page = stale.content.decode()
    assert "已被" in page and "报送截止日" in page and "未保存" in page
    settings_row.refresh_from_db()
    assert (settings_row.due_day, settings_row.lag_threshold) == (8, 10)
