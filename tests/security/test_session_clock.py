"""The session's clock in the page, 继续工作 (`session_renew`), and the way back to a form
whose POST found the session ended. The browser side is tests/browser/test_session_expiry.py."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from supervision.services import finding_create
from tests.cast import PASSWORD


def sign_in(client, user) -> None:
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def body_attributes(response) -> dict[str, str]:
    tag = re.search(r"<body([^>]*)>", response.content.decode())
    assert tag is not None, response
    return dict(re.findall(r'(data-[\w-]+)="([^"]*)"', tag.group(1)))


def test_a_signed_in_page_carries_the_seconds_left_before_each_limit(client, cast):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, cast.reporter)
        clock.move_to(start + timedelta(minutes=20))
        attributes = body_attributes(client.get(reverse("dashboard")))

    assert attributes == {
        "data-user": str(cast.reporter.pk),
        "data-session-idle": "1800",  # this request moved the idle limit on: 30 minutes
        "data-session-absolute": str(12 * 3600 - 20 * 60),  # 12 hours after signing in
        "data-session-warn": "300",
        "data-session-renew": reverse("session_renew"),
        "data-session-login": reverse("login"),
        "data-session-csrf": "csrftoken",
    }


def test_the_sign_in_page_names_no_user_and_counts_nothing(client):
    assert body_attributes(client.get(reverse("login"))) == {}


def test_keep_working_moves_the_idle_limit_on(client, cast):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, cast.reporter)
        clock.move_to(start + timedelta(minutes=28))
        response = client.post(reverse("session_renew"))
        assert response.status_code == 200
        assert response.json() == {"idle": 1800, "absolute": 12 * 3600 - 28 * 60}

        clock.move_to(start + timedelta(minutes=28 + 29))
        assert client.get(reverse("dashboard")).status_code == 200


def test_keep_working_after_the_idle_limit_answers_the_sign_in_redirect(client, cast):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, cast.reporter)
        clock.move_to(start + timedelta(minutes=31))
        response = client.post(reverse("session_renew"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_keep_working_does_not_pass_the_twelve_hour_limit(client, cast):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, cast.reporter)
        for minutes in range(25, 12 * 60, 25):
            clock.move_to(start + timedelta(minutes=minutes))
            assert client.post(reverse("session_renew")).status_code == 200
        clock.move_to(start + timedelta(hours=12, minutes=1))
        response = client.post(reverse("session_renew"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_keep_working_is_refused_without_the_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.reporter)
    assert client.post(reverse("session_renew")).status_code == 403


def test_keep_working_takes_only_a_post(client, cast):
    client.force_login(cast.reporter)
    assert client.get(reverse("session_renew")).status_code == 405


@pytest.mark.parametrize("role", ["admin", "security", "auditor", "none"])
def test_every_role_may_keep_its_session(client, cast, role):
    client.force_login(cast.by_role(role))
    assert client.post(reverse("session_renew")).status_code == 200


def test_someone_who_must_change_the_password_may_keep_typing_it(client, cast):
    user = cast.reporter
    user.must_change_password = True
    user.save()
    client.force_login(user)
    assert client.get(reverse("dashboard")).url == reverse("password_change")
    assert client.post(reverse("session_renew")).status_code == 200


def test_keep_working_writes_no_audit_entry(client, cast):
    client.force_login(cast.reporter)
    before = AuditEntry.objects.count()
    client.post(reverse("session_renew"))
    assert AuditEntry.objects.count() == before


@pytest.fixture
def finding(cast):
    return finding_create(
        user=cast.supervisor, unit=cast.housing, description="围挡破损",
        found_on=date(2024, 3, 1), today=date(2024, 3, 1), deadline=date(2024, 3, 31),
    )  # fmt: skip


def test_a_post_after_the_session_ended_signs_in_back_to_the_page_of_the_form(client, finding):
    page = reverse("finding_detail", args=[finding.pk])
    response = client.post(
        reverse("finding_answer", args=[finding.pk]),
        {"note": "已整改"},
        headers={"referer": f"http://testserver{page}?tab=1"},
    )

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={page}%3Ftab%3D1"


def test_a_referer_from_another_site_is_not_followed(client, finding):
    answer = reverse("finding_answer", args=[finding.pk])
    response = client.post(answer, {"note": "x"}, headers={"referer": "http://evil.example/x/"})

    assert response.url == f"{reverse('login')}?next={answer}"


def test_a_post_without_a_referer_comes_back_to_its_own_url(client):
    month = reverse("report_month", args=[2024, 3])
    response = client.post(month, {"action": "save"})

    assert response.url == f"{reverse('login')}?next={month}"


def test_a_get_comes_back_to_itself_whatever_its_referer(client):
    month = reverse("report_month", args=[2024, 3])
    response = client.get(month, headers={"referer": "http://testserver/projects/"})

    assert response.url == f"{reverse('login')}?next={month}"


def test_the_twelve_hour_limit_also_brings_a_post_back_to_its_form(client, cast, finding):
    page = reverse("finding_detail", args=[finding.pk])
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, cast.reporter)
        clock.move_to(start + timedelta(hours=12, minutes=1))
        response = client.post(
            reverse("finding_answer", args=[finding.pk]),
            {"note": "已整改"},
            headers={"referer": f"http://testserver{page}"},
        )

    assert response.url == f"{reverse('login')}?next={page}"


def test_no_form_that_takes_a_password_keeps_a_draft(client, cast):
    """drafts.js skips password fields anyway; these pages are not marked at all."""
    pages = [reverse("login")]
    client.force_login(cast.admin)
    pages += [reverse("password_change"), reverse("account_new")]
    for url in pages:
        assert "data-draft" not in client.get(url).content.decode(), url


def test_the_forms_people_type_into_keep_drafts(client, cast, finding):
    client.force_login(cast.reporter)
    answer = client.get(reverse("finding_detail", args=[finding.pk])).content.decode()
    assert re.search(r'<form data-action="finding.answer"[^>]* data-draft>', answer)
    client.force_login(cast.officer)
    for url in (reverse("fund_create"), reverse("project_create")):
        assert re.search(r"<form [^>]*data-draft>", client.get(url).content.decode()), url
