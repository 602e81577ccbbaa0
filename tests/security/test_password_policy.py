"""Passwords: the 等保 profile (8+ characters, 3 of 4 classes, no reuse of the last 5,
a change every 90 days, an administrator's initial password changed at first sign-in)."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ledger.services.demo import DEMO_PASSWORD
from projects.models import PasswordHistory, PasswordResetRequest, User

START = "Start#2026a"


@pytest.fixture
def user():
    return User.objects.create_user("clerk", password=START, role=User.Role.OFFICER)


def change(client, old, new):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1#xyz", "至少需要8个字符"),  # 7 characters, 4 classes
        ("abcdefgh12", "至少3类"),  # 2 classes
        ("ABCDEFGH!!", "至少3类"),  # 2 classes
        ("12345678", "至少3类"),  # 1 class, all digits
    ],
)
def test_a_weak_password_is_refused_with_a_chinese_reason(user, password, reason):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)

    assert any(reason in message for message in refused.value.messages)


@pytest.mark.parametrize(
    "password", ["Zuoshui2026", "zuoshui#2026", "ZUOSHUI-2026", "Zs#项目办2026"]
)
def test_three_of_the_four_classes_are_enough(user, password):
    validate_password(password, user)


def test_the_demo_password_meets_the_policy():
    validate_password(DEMO_PASSWORD)


def test_the_last_five_passwords_cannot_be_used_again(client, user):
    client.force_login(user)
    passwords = [START] + [f"Next#{n}2026a" for n in range(1, 6)]
    for old, new in zip(passwords, passwords[1:], strict=False):
        assert change(client, old, new).status_code == 302

    # The current one and the four before it are refused; the sixth back is allowed again.
    for earlier in passwords[-5:]:
        response = change(client, passwords[-1], earlier)
        assert "不能与最近5次使用过的密码相同" in response.content.decode()
    assert change(client, passwords[-1], START).status_code == 302
    assert PasswordHistory.objects.filter(user=user).count() == 5


def test_a_password_older_than_ninety_days_must_be_changed(client, user):
    client.force_login(user)
    with time_machine.travel(timezone.now() + timedelta(days=90, minutes=1)):
        client.force_login(user)  # a fresh sign-in, within the session limits
        response = client.get(reverse("dashboard"))
        assert response.status_code == 302
        assert response.url == reverse("password_change")
        assert "密码已超过有效期" in client.get(reverse("password_change")).content.decode()

        response = change(client, START, "Fresh#2026a")
        assert response.status_code == 302, response.context["form"].errors
        assert client.get(reverse("dashboard")).status_code == 200


def test_a_password_of_eighty_nine_days_is_still_good(client, user):
    with time_machine.travel(timezone.now() + timedelta(days=89)):
        client.force_login(user)
        assert client.get(reverse("dashboard")).status_code == 200


def test_an_account_created_by_an_administrator_must_change_its_initial_password(client):
    admin = User.objects.create_user("root", role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("account_new"),
        {"username": "newclerk", "name": "新人", "password_mode": "typed", "password": START},
    )
    assert response.status_code == 200 and START in response.content.decode()  # shown once
    assert User.objects.get(username="newclerk").must_change_password

    client.logout()
    client.post(reverse("login"), {"username": "newclerk", "password": START})
    for page in ("dashboard", "project_list", "board"):
        assert client.get(reverse(page)).url == reverse("password_change")
    assert "初始密码" in client.get(reverse("password_change")).content.decode()

    assert change(client, START, "Mine#2026ab").status_code == 302
    assert client.get(reverse("dashboard")).url == reverse("account_pending")  # no role yet
    assert not User.objects.get(username="newclerk").must_change_password


def test_a_password_reset_by_an_administrator_is_an_initial_password(client, user):
    admin = User.objects.create_user("root", role=User.Role.ADMIN)
    security = User.objects.create_user("guard", role=User.Role.SECURITY)
    client.force_login(admin)
    client.post(reverse("account_reset_request", args=[user.pk]))
    assert not User.objects.get(pk=user.pk).must_change_password  # asked, not yet confirmed

    client.force_login(security)
    reset = PasswordResetRequest.objects.get()
    response = client.post(reverse("security_reset_decide", args=[reset.pk]), {"action": "confirm"})

    assert response.status_code == 200  # the one-time password, shown once
    assert User.objects.get(pk=user.pk).must_change_password


def test_the_top_bar_links_to_the_password_change_page(client, user):
    client.force_login(user)

    assert reverse("password_change") in client.get(reverse("dashboard")).content.decode()


def test_the_wrong_old_password_changes_nothing(client, user):
    client.force_login(user)

    response = change(client, "Wrong#2026a", "Fresh#2026a")

    assert response.status_code == 200
    assert User.objects.get(pk=user.pk).check_password(START)
