"""系统管理 (the Django admin) is no role's workplace (三员): accounts are kept on 账号管理, roles
on 安全管理, units on 责任单位, the year's settings and warning rules on their own pages, each
rule in one service. So no admin page could set a role, a unit or another administrator's
password; the admin is left to a superuser kept for operations."""

import pytest
from django.contrib import admin
from django.db.models import F
from django.urls import NoReverseMatch, reverse

from projects.models import Unit, User
from supervision.models import Finding

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


def _change_form_data(response) -> dict[str, str]:
    """The admin change form's fields as the browser would send them back, unchanged."""
    form = response.context["adminform"].form
    data: dict[str, str] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        if getattr(field.widget, "input_type", None) == "checkbox":
            if value:
                data[name] = "on"  # an unticked box is not sent at all
            continue
        data[name] = "" if value is None else str(value)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
    return data


def test_an_admin_change_form_of_a_row_changed_meanwhile_is_refused_and_saves_nothing(
    client, demo_county
):
    client.force_login(User.objects.create_superuser("ops", password="x"))
    finding = Finding.objects.order_by("pk").first()
    page = reverse("admin:supervision_finding_change", args=[finding.pk])
    shown = client.get(page)
    data = _change_form_data(shown) | {"description": "管理后台改写的问题描述"}

    Finding.objects.filter(pk=finding.pk).update(version=F("version") + 1)  # someone else saved
    refused = client.post(page, data)

    assert refused.status_code == 200
    assert "已被" in refused.content.decode() and "未保存" in refused.content.decode()
    assert Finding.objects.get(pk=finding.pk).description == finding.description

    fresh = _change_form_data(client.get(page)) | {"description": "管理后台改写的问题描述"}
    assert client.post(page, fresh).status_code == 302
    assert Finding.objects.get(pk=finding.pk).description == "管理后台改写的问题描述"
