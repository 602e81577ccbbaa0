"""Sessions: a new key at sign-in, out after 30 idle minutes, and out 12 hours after sign-in."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from projects.models import User

PASSWORD = "Right#2026a"


@pytest.fixture
def user():
    return User.objects.create_user("clerk", password=PASSWORD, role=User.Role.OFFICER)


def sign_in(client):
    response = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302


def test_the_session_key_changes_at_sign_in(client, user):
    session = client.session  # an anonymous session, as a visitor's browser may carry
    session["seen"] = True
    session.save()
    before = client.cookies["sessionid"].value

    sign_in(client)

    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_the_session_key_changes_when_the_password_does(client, user):
    sign_in(client)
    before = client.cookies["sessionid"].value

    new = "Fresh#2026a"
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert client.cookies["sessionid"].value != before
    assert client.get(reverse("dashboard")).status_code == 200


def test_thirty_idle_minutes_sign_the_user_out(client, user):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client)
        clock.move_to(start + timedelta(minutes=29))
        assert client.get(reverse("dashboard")).status_code == 200  # moves the expiry on

        clock.move_to(start + timedelta(minutes=29 + 29))
        assert client.get(reverse("dashboard")).status_code == 200

        clock.move_to(start + timedelta(minutes=29 + 29 + 31))
        response = client.get(reverse("dashboard"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_twelve_hours_after_sign_in_an_active_user_is_signed_out(client, user):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client)
        for minutes in range(20, 12 * 60, 20):  # a request every 20 minutes, all day
            clock.move_to(start + timedelta(minutes=minutes))
            assert client.get(reverse("project_list")).status_code == 200

        clock.move_to(start + timedelta(hours=12, minutes=1))
        response = client.get(reverse("project_list"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        assert "登录已超过12小时" in client.get(response.url).content.decode()
        assert client.get(reverse("project_list")).status_code == 302


def test_the_session_cookie_is_http_only(client, user):
    sign_in(client)

    assert client.cookies["sessionid"]["httponly"]
