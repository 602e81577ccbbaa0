"""三员: the system, security and audit administrators each hold one power, and no more."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import PasswordResetRequest, Unit, User

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
    client.force_login(people["admin"])
    assert client.get(reverse("dashboard")).url == reverse("people_list")  # 账号管理 is its home
    page = client.get(reverse("project_list")).content.decode()  # no business page: 403
    assert ">账号管理</a>" in page and ">责任单位</a>" in page and ">项目库</a>" not in page
    menus = {}
    for role in ("security", "auditor"):
        client.force_login(people[role])
        page = client.get(reverse("dashboard"), follow=True).content.decode()
        menus[role] = [
            name for name in ("账号管理", "安全管理", "安全审计") if f">{name}</a>" in page
        ]
    assert menus == {"security": ["安全管理"], "auditor": ["安全审计"]}


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


def test_an_account_the_system_administrator_creates_has_no_role_until_one_is_granted(
    client, people
):
    client.force_login(people["admin"])
    created = client.post(
        reverse("account_new"),
        {"username": "newcomer", "name": "新人", "password_mode": "typed", "password": PASSWORD},
    )
    assert created.status_code == 200 and PASSWORD in created.content.decode()  # shown once
    newcomer = User.objects.get(username="newcomer")
    assert newcomer.role == User.Role.NONE and newcomer.unit is None

    client.logout()
    client.post(reverse("login"), {"username": "newcomer", "password": PASSWORD})
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Fresh#2026b", "new_password2": "Fresh#2026b"},
    )
    pending = client.get(reverse("dashboard"), follow=True).content.decode()
    refused = client.get(reverse("project_list"))

    assert "账号尚未授权，请联系安全管理员" in pending
    assert ">项目库</a>" not in pending and ">总体情况</a>" not in pending
    assert (
        refused.status_code == 403 and "账号尚未授权，请联系安全管理员" in refused.content.decode()
    )
    for name in ("rankings", "board", "fund_list", "finding_list", "report_current", "briefing"):
        assert client.get(reverse(name)).status_code == 403, name

    client.force_login(people["security"])
    granted = change(client, newcomer, role="leader")
    ((_, one_time),) = granted.context["accounts"]  # the security administrator hands it over
    client.logout()
    client.post(reverse("login"), {"username": "newcomer", "password": one_time})
    assert client.get(reverse("project_list"))["Location"] == reverse("password_change")
    client.post(
        reverse("password_change"),
        {"old_password": one_time, "new_password1": "Own#2026xyz", "new_password2": "Own#2026xyz"},
    )

    assert client.get(reverse("project_list")).status_code == 200
    assert client.get(reverse("account_pending"))["Location"] == reverse("dashboard")


def test_the_system_administrator_cannot_change_a_reporters_unit_or_role(client, people):
    reporter = User.objects.create_user("reporter", role=User.Role.REPORTER, unit=people["unit"])
    client.force_login(people["admin"])

    page = client.get(reverse("people_list")).content.decode()
    refused = change(client, reporter, role="officer")

    assert page.count('name="role"') == page.count('name="unit"') == 1  # the filter bar's only
    assert refused.status_code == 403  # 安全管理 is the security administrator's
    reporter.refresh_from_db()
    assert (reporter.role, reporter.unit) == (User.Role.REPORTER, people["unit"])


@pytest.mark.parametrize("target", ["auditor", "security"])
def test_the_system_administrator_cannot_set_another_administrators_password(
    client, people, target
):
    client.force_login(people["admin"])
    victim = people[target]

    page = client.get(reverse("people_list")).content.decode()
    posted = client.post(reverse("account_reset", args=[victim.pk]), follow=True)

    assert f'data-action="account.reset_password" data-user="{victim.pk}"' not in page
    assert posted.status_code == 403 and "管理员的密码只能由本人修改" in posted.content.decode()
    victim.refresh_from_db()
    assert not victim.must_change_password
    assert 'class="initial-password"' not in posted.content.decode()


def sign_in(client, username: str, password: str):
    client.logout()
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_leaders_password_reset_takes_the_system_and_the_security_administrator(client, people):
    """The issue's walk: the system administrator reset 县领导's password and signed in as
    县领导. Now the reset is a request; the old password works until the security administrator
    confirms; the one-time password is shown to them only, and must be changed at sign-in."""
    client.force_login(people["admin"])
    asked = client.post(reverse("account_reset_request", args=[people["clerk"].pk]), follow=True)
    page = asked.content.decode()
    assert "待安全管理员确认" in page and 'class="initial-password"' not in page

    assert sign_in(client, "clerk", PASSWORD).url == reverse("dashboard")  # the old one works
    assert client.get(reverse("project_list")).status_code == 200

    client.force_login(people["security"])
    reset = PasswordResetRequest.objects.get()
    assert "clerk" in client.get(reverse("security_users")).content.decode()
    confirmed = client.post(
        reverse("security_reset_decide", args=[reset.pk]), {"action": "confirm"}
    )
    one_time = re.search(
        r'<code class="initial-password">([^<]+)</code>', confirmed.content.decode()
    )
    assert one_time is not None

    assert sign_in(client, "clerk", PASSWORD).status_code == 200  # the old one is gone
    assert sign_in(client, "clerk", one_time.group(1)).status_code == 302
    assert client.get(reverse("project_list")).url == reverse("password_change")  # forced
    reset_row = User.objects.get(username="clerk").history.filter(must_change_password=True)
    assert reset_row.earliest("history_id").history_user == people["security"]


@pytest.mark.parametrize("target", ["security", "auditor"])
@pytest.mark.parametrize("active", ["0", "1"])
def test_the_system_administrator_neither_disables_nor_enables_another_administrator(
    client, people, target, active
):
    victim = people[target]
    User.objects.filter(pk=victim.pk).update(is_active=active == "0")
    client.force_login(people["admin"])

    posted = client.post(reverse("account_active", args=[victim.pk]), {"active": active})

    assert posted.status_code == 403 and "互不停用、启用" in posted.content.decode()
    assert User.objects.get(pk=victim.pk).is_active is (active == "0")


def test_a_refused_disabling_leaves_the_administrator_signed_in(client, people):
    User.objects.filter(pk=people["auditor"].pk).update(password=people["clerk"].password)
    auditor = Client()
    assert (
        auditor.post(reverse("login"), {"username": "auditor", "password": PASSWORD}).status_code
        == 302
    )
    client.force_login(people["admin"])

    client.post(reverse("account_active", args=[people["auditor"].pk]), {"active": "0"})

    assert auditor.get(reverse("audit_log")).status_code == 200  # still signed in


@pytest.mark.parametrize("target", ["admin", "auditor"])
@pytest.mark.parametrize(
    "change",
    [{"is_active": ""}, {"role": "none"}, {"role": "leader"}],
    ids=["disable", "none", "leader"],
)
def test_the_security_administrator_neither_disables_nor_demotes_another_administrator(
    client, people, target, change
):
    victim = people[target]
    client.force_login(people["security"])
    page = client.get(reverse("security_users")).content.decode()

    data = {"role": victim.role, "unit": "", "is_active": "on"} | change
    posted = client.post(reverse("security_user_change", args=[victim.pk]), data)

    assert f'action="{reverse("security_user_change", args=[victim.pk])}"' not in page
    assert posted.status_code == 403 and "三员分立" in posted.content.decode()
    victim.refresh_from_db()
    assert (victim.role, victim.is_active) == (target, True)


def test_the_security_administrator_enables_no_disabled_administrator(client, people):
    User.objects.filter(pk=people["admin"].pk).update(is_active=False)
    client.force_login(people["security"])

    posted = client.post(
        reverse("security_user_change", args=[people["admin"].pk]),
        {"role": "admin", "unit": "", "is_active": "on"},
    )

    assert posted.status_code == 403
    assert not User.objects.get(pk=people["admin"].pk).is_active


def test_the_security_administrator_still_grants_an_administrator_role_to_a_settled_account(
    people,
):
    from accounts.services.roles import user_set_role

    user_set_role(actor=people["security"], target=people["clerk"], role=User.Role.AUDITOR,
                  unit=None, is_active=True)  # fmt: skip
    assert User.objects.get(username="clerk").role == User.Role.AUDITOR


@pytest.mark.parametrize(("actor", "target"), [("security", "auditor"), ("auditor", "security")])
def test_the_security_and_audit_administrators_cannot_set_anyones_password(
    client, people, actor, target
):
    client.force_login(people[actor])

    posted = client.post(reverse("account_reset", args=[people[target].pk]))

    assert posted.status_code == 403
    assert not User.objects.get(pk=people[target].pk).must_change_password


def test_an_account_on_a_one_time_password_is_not_made_an_administrator(client):
    """A confirmed reset's one-time password was seen by the security administrator:
    granting an administrator role before the owner changes it would hand them that role."""
    from django.core.exceptions import ValidationError

    from accounts.services.roles import user_set_role

    security = User.objects.create_user("security", role=User.Role.SECURITY)
    clerk = User.objects.create_user("clerk2", role=User.Role.LEADER, must_change_password=True)

    with pytest.raises(ValidationError, match="仍在使用一次性密码"):
        user_set_role(actor=security, target=clerk, role=User.Role.AUDITOR, unit=None,
                      is_active=True)  # fmt: skip
    clerk.refresh_from_db()
    assert clerk.role == User.Role.LEADER

    client.force_login(security)
    page = client.get(reverse("security_users")).content.decode()
    assert 'value="auditor"  disabled' in page or 'value="auditor" disabled' in page

    clerk.must_change_password = False  # the owner changed it
    clerk.save()
    user_set_role(actor=security, target=clerk, role=User.Role.AUDITOR, unit=None,
                  is_active=True)  # fmt: skip
    assert User.objects.get(pk=clerk.pk).role == User.Role.AUDITOR


def test_the_system_administrator_cannot_keep_an_account_he_set_up_once_it_gets_a_role(client):
    """The attack: the system administrator creates an account, signs in with its initial
    password and changes it, then waits for the security administrator to grant a role.
    The grant issues a one-time password: his password no longer opens the account."""
    from accounts.services.people import account_create
    from accounts.services.roles import user_set_role

    admin = User.objects.create_user("sysadmin", role=User.Role.ADMIN)
    security = User.objects.create_user("security", role=User.Role.SECURITY)
    account, _ = account_create(user=admin, username="xinren", name="新人")
    account.set_password("Admin-Kept-2026")  # as if he signed in as the newcomer and changed it
    account.must_change_password = False
    account.save()

    granted, password = user_set_role(
        actor=security, target=account, role=User.Role.LEADER, unit=None, is_active=True
    )

    assert password and granted.check_password(password)
    assert not granted.check_password("Admin-Kept-2026")
    assert granted.must_change_password  # the owner changes it at first sign-in
    client.post(reverse("login"), {"username": "xinren", "password": "Admin-Kept-2026"})
    assert "_auth_user_id" not in client.session


def test_a_first_role_shows_the_one_time_password_once_to_the_security_administrator(client):
    from accounts.services.people import account_create

    admin = User.objects.create_user("sysadmin", role=User.Role.ADMIN)
    security = User.objects.create_user("security", role=User.Role.SECURITY)
    account, initial = account_create(user=admin, username="xinren", name="新人")
    client.force_login(security)

    answer = client.post(
        reverse("security_user_change", args=[account.pk]),
        {"role": "leader", "unit": "", "is_active": "on", "shown_role": "none",
         "shown_unit": "", "shown_active": "on"},
    )  # fmt: skip

    page = answer.content.decode()
    ((shown_account, password),) = answer.context["accounts"]
    assert "已授权并签发一次性密码" in page and password in page and initial not in page
    account.refresh_from_db()
    assert account.role == User.Role.LEADER and account.check_password(password)
    assert not account.check_password(initial)

    # a later change of the same account's role issues nothing: it is not a first role
    again = client.post(
        reverse("security_user_change", args=[account.pk]),
        {"role": "supervisor", "unit": "", "is_active": "on", "shown_role": "leader",
         "shown_unit": "", "shown_active": "on"},
    )  # fmt: skip
    assert again.status_code == 302
    account.refresh_from_db()
    assert account.role == User.Role.SUPERVISOR and account.check_password(password)


def test_an_administrator_refused_a_business_page_is_not_told_to_ask_for_a_role(client, people):
    client.force_login(people["admin"])
    refused = client.get(reverse("project_list")).content.decode()
    assert "三员分立" in refused and "联系安全管理员调整" not in refused
