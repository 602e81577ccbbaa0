"""Login: five failures lock a user name for ten minutes, and nothing tells names apart."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from projects.models import User

PASSWORD = "Right#2026a"
WRONG = "Wrong#2026a"
REFUSED = "用户名或密码不正确，请重新输入。"
LOCKED = "该账号已被锁定10分钟"


@pytest.fixture
def user():
    return User.objects.create_user("clerk", password=PASSWORD, role=User.Role.OFFICER)


def page(response, username) -> str:
    """The page with what differs by design removed: the masked CSRF token, the typed name."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return text.replace(f'value="{username}"', "")


def attempt(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_right_password_signs_in(client, user):
    response = attempt(client, "clerk", PASSWORD)

    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_an_unknown_user_and_a_wrong_password_get_the_same_answer(client, user):
    unknown = attempt(client, "nobody", WRONG)
    wrong = attempt(client, "clerk", WRONG)

    assert unknown.status_code == wrong.status_code == 200
    assert REFUSED in unknown.content.decode()
    assert page(unknown, "nobody") == page(wrong, "clerk")


def test_the_sixth_attempt_is_refused_for_ten_minutes(client, user):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(4):
            assert attempt(client, "clerk", WRONG).status_code == 200
        fifth = attempt(client, "clerk", WRONG)
        assert fifth.status_code == 429  # the fifth failure locks, and says so

        sixth = attempt(client, "clerk", PASSWORD)
        assert sixth.status_code == 429  # even with the right password
        assert LOCKED in sixth.content.decode()

        clock.move_to(start + timedelta(minutes=9, seconds=59))
        assert attempt(client, "clerk", PASSWORD).status_code == 429

        # Each attempt during the lockout starts the ten minutes again.
        clock.move_to(start + timedelta(minutes=20, seconds=1))
        assert attempt(client, "clerk", PASSWORD).status_code == 302


def test_four_failures_then_the_right_password_signs_in_and_clears_the_count(client, user):
    for _ in range(4):
        attempt(client, "clerk", WRONG)
    assert attempt(client, "clerk", PASSWORD).status_code == 302

    client.logout()
    for _ in range(4):
        attempt(client, "clerk", WRONG)
    assert attempt(client, "clerk", PASSWORD).status_code == 302


def test_an_unknown_user_name_is_locked_like_a_real_one(client, user):
    for _ in range(5):
        attempt(client, "nobody", WRONG)

    unknown = attempt(client, "nobody", WRONG)
    for _ in range(5):
        attempt(client, "clerk", WRONG)
    real = attempt(client, "clerk", WRONG)

    assert unknown.status_code == real.status_code == 429
    assert page(unknown, "nobody") == page(real, "clerk")


def test_a_locked_name_does_not_lock_a_colleague_on_the_same_address(client, user):
    User.objects.create_user("colleague", password=PASSWORD, role=User.Role.LEADER)
    for _ in range(6):
        attempt(client, "clerk", WRONG)

    assert attempt(client, "colleague", PASSWORD).status_code == 302
