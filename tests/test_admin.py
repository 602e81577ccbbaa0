"""系统管理 (the Django admin) is the system administrator's, and holds only their part (三员)."""

import pytest
from django.urls import reverse

from ledger.demo import seed_demo
from projects.models import User

THEIRS = [
    "projects_user",
    "projects_unit",
]
NOT_THEIRS = [
    "investment_reportingperiod",
    "projects_project",
    "investment_monthlyreport",
    "bonds_fundapplication",
    "supervision_finding",
    "supervision_inspection",
    "supervision_notice",
    "ledger_ledgerimport",
    "axes_accessattempt",
]


def test_the_system_administrator_keeps_accounts_and_units_only(client):
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


def test_year_settings_are_not_in_the_admin(client, cast):
    """The office keeps them on 年度设置, the one way to edit them (with preview and history)."""
    from django.urls import NoReverseMatch

    client.force_login(cast.admin)
    with pytest.raises(NoReverseMatch):
        reverse("admin:investment_yearsettings_changelist")
    with pytest.raises(NoReverseMatch):
        reverse("admin:investment_warningrule_changelist")  # nor the warning rules: 预警规则
