"""三员: the system, security and audit administrators each hold one power, and no more."""

import pytest
from django.urls import reverse

from projects.models import Unit, User

PASSWORD = "Right#2026a"


@pytest.fixture
def people():
    unit = Unit.objects.create(name="县住建局")
    return {
        "unit": unit,
        "security": User.objects.create_user("security", role=User.Role.SECURITY),
        "admin": User.objects.create_user("admin", role=User.Role.ADMIN),
        "auditor": User.objects.create_user("auditor", role=User.Role.AUDITOR),
        "clerk": User.objects.create_user("clerk", password=PASSWORD, role=User.Role.LEADER),
    }


def change(client, user, **values):
    data = {"role": user.role, "unit": user.unit_id or "", "is_active": "on"} | values
    return client.post(reverse("security_user_change", args=[user.pk]), data, follow=True)


def test_the_security_administrator_assigns_a_role(client, people):
    client.force_login(people["security"])

    change(client, people["clerk"], role="reporter", unit=people["unit"].pk)

    clerk = User.objects.get(username="clerk")
    assert (clerk.role, clerk.unit) == (User.Role.REPORTER, people["unit"])
    assert clerk.history.first().history_user == people["security"]


def test_a_reporter_without_a_unit_or_a_change_of_ones_own_role_is_refused(client, people):
    client.force_login(people["security"])

    no_unit = change(client, people["clerk"], role="reporter").content.decode()
    own = change(client, people["security"], role="admin").content.decode()

    assert "填报员必须属于一个责任单位" in no_unit
    assert "不能修改自己的角色" in own
    assert User.objects.get(username="clerk").role == User.Role.LEADER
    assert User.objects.get(username="security").role == User.Role.SECURITY


def test_the_security_administrator_releases_a_locked_account(client, people):
    for _ in range(5):
        client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    assert (
        client.post(reverse("login"), {"username": "clerk", "password": PASSWORD}).status_code
        == 429
    )
    client.force_login(people["security"])
    assert "已锁定" in client.get(reverse("security_users")).content.decode()

    client.post(reverse("security_user_change", args=[people["clerk"].pk]), {"action": "unlock"})
    client.logout()

    assert (
        client.post(reverse("login"), {"username": "clerk", "password": PASSWORD}).status_code
        == 302
    )


@pytest.mark.parametrize("role", ["admin", "auditor"])
def test_neither_the_system_administrator_nor_the_auditor_can_assign_roles(client, people, role):
    client.force_login(people[role])

    response = client.post(
        reverse("security_user_change", args=[people["clerk"].pk]),
        {"role": "officer", "is_active": "on"},
    )

    assert response.status_code == 403
    assert User.objects.get(username="clerk").role == User.Role.LEADER


def test_each_administrator_sees_only_their_own_menu(client, people):
    menus = {}
    for role in ("admin", "security", "auditor"):
        client.force_login(people[role])
        page = client.get(reverse("dashboard"), follow=True).content.decode()
        menus[role] = [
            name for name in ("系统管理", "安全管理", "安全审计") if f">{name}</a>" in page
        ]
    assert menus == {"admin": ["系统管理"], "security": ["安全管理"], "auditor": ["安全审计"]}


@pytest.mark.parametrize(
    ("role", "home"), [("security", "security_users"), ("auditor", "audit_log")]
)
def test_the_security_and_audit_administrators_see_no_business_data(client, people, role, home):
    client.force_login(people[role])

    assert client.get(reverse("dashboard"))["Location"] == reverse(home)
    for name in ("project_list", "rankings", "fund_list", "finding_list", "board"):
        assert client.get(reverse(name)).status_code == 403, name
    page = client.get(reverse(home)).content.decode()
    assert ">项目库</a>" not in page and ">总体情况</a>" not in page
