"""系统管理 (the Django admin) is no role's workplace (三员): accounts are kept on 账号管理, roles
on 安全管理, units on 责任单位, the year's settings and warning rules on their own pages, each
rule in one service. So no admin page could set a role, a unit or another administrator's
password; the admin is left to a superuser kept for operations."""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from projects.models import Unit, User

REGISTERED = [
    "investment_reportingperiod",
    "projects_project",
    "investment_monthlyreport",
    "bonds_fundapplication",
    "supervision_finding",
    "supervision_inspection",
    "supervision_notice",
    "ledger_ledgerimport",
    "axes_accessattempt",
    "auth_group",
]


def test_no_role_is_staff_and_the_system_administrator_is_refused_the_admin(client, demo_county):
    assert not User.objects.filter(is_superuser=True).exists()
    assert not User.objects.filter(is_staff=True).exists()
    client.force_login(User.objects.get(username="admin"))

    assert client.get(reverse("admin:index")).status_code == 302  # to the admin's own login
    assert ">系统管理</a>" not in client.get(reverse("people_list")).content.decode()


def test_people_units_and_settings_have_no_admin_page_at_all():
    assert not admin.site.is_registered(User)
    assert not admin.site.is_registered(Unit)
    for name in (
        "admin:projects_user_changelist",
        "admin:projects_unit_changelist",
        "admin:investment_yearsettings_changelist",
        "admin:investment_warningrule_changelist",
    ):
        with pytest.raises(NoReverseMatch):
            reverse(name)


def test_every_admin_list_opens_for_a_superuser_kept_for_operations(client, demo_county):
    client.force_login(User.objects.create_superuser("ops", password="x"))
    for page in REGISTERED:
        assert client.get(reverse(f"admin:{page}_changelist")).status_code == 200, page
