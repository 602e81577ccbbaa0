"""Attacks on a background 导入填报员's sealed initial passwords, as every other role and as
the same administrator from elsewhere: nobody but the confirming browser opens them, a GET
opens nothing, and the job's sealed file downloaded from its page is noise without the key."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.tasks import import_work
from jobs.models import Job
from jobs.services import job_run
from projects.models import User
from tests.accounts.background_people import (
    COOKIE,
    confirm,
    confirm_in_two_tabs,
    names,
    preview,
    run,
    shown_passwords,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_background_above_three(settings):
    settings.PEOPLE_BACKGROUND_ROWS = 3


@pytest.fixture
def done_job(client, cast):
    cast.housing  # noqa: B018
    client.force_login(cast.admin)
    return run(confirm(client, preview(client, names())))


@pytest.mark.parametrize(
    "role", ["officer", "reporter", "supervisor", "leader", "security", "auditor"]
)
def test_no_other_role_opens_them_even_holding_the_key(client, cast, done_job, role):
    other = Client(HTTP_HOST="127.0.0.1")
    other.force_login(getattr(cast, role))
    other.cookies[COOKIE] = client.cookies[COOKIE].value  # the cookie stolen from that browser
    response = other.post(reverse("reporters_passwords", args=[done_job.pk]))
    assert response.status_code in (403, 404)
    assert "initial-password" not in response.content.decode()
    # and the confirming browser still opens them, once
    page = client.post(reverse("reporters_passwords", args=[done_job.pk])).content.decode()
    assert len(shown_passwords(page)) == 5


def test_a_get_opens_nothing_and_keeps_them(client, done_job):
    assert client.get(reverse("reporters_passwords", args=[done_job.pk])).status_code == 405
    page = client.post(reverse("reporters_passwords", args=[done_job.pk])).content.decode()
    assert len(shown_passwords(page)) == 5


def test_the_sealed_file_downloaded_from_the_job_holds_no_password(client, done_job):
    page = client.post(reverse("reporters_passwords", args=[done_job.pk])).content.decode()
    passwords = shown_passwords(page).values()
    done_job.refresh_from_db()
    assert done_job.result_file == ""  # taken when shown: nothing left to download
    assert client.get(f"/jobs/{done_job.pk}/file/").status_code == 404
    for password in passwords:
        assert password not in str(done_job.result) and password not in str(done_job.arguments)


@pytest.mark.slow  # two workers' threads and a flushed database: 3.4 s and 3.4 s (PG, load 9)
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_two_confirms_of_one_list_at_once_make_it_once(cast):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL, the production database")
    cast.housing  # noqa: B018
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(cast.admin)
    tabs = confirm_in_two_tabs(client, preview(client, names()))
    (first, _), (second, _) = tabs
    keys = {job.pk: key for job, key in tabs}
    start = threading.Barrier(2)

    def work(job):
        start.wait()
        try:
            job_run(str(job.pk), import_work)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(job,)) for job in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    jobs = sorted(Job.objects.filter(pk__in=[first.pk, second.pk]), key=lambda job: job.state)
    assert [job.state for job in jobs] == ["done", "failed"]
    assert "已经导入" in jobs[1].error and jobs[1].result_file == ""
    assert User.objects.filter(username__startswith="user").count() == 5
    client.cookies[COOKIE] = keys[jobs[0].pk]
    page = client.post(reverse("reporters_passwords", args=[jobs[0].pk])).content.decode()
    shown = shown_passwords(page)
    assert len(shown) == 5
    assert all(User.objects.get(username=name).check_password(pw) for name, pw in shown.items())


def test_an_opening_that_fails_before_its_commit_keeps_the_passwords_for_the_next(
    client, done_job, monkeypatch
):
    # the request dies after taking the file, before its transaction commits (here the note
    # for the audit trail fails): nothing was shown, so nothing may be gone
    def failing(text):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("accounts.services.initial_passwords.journal.note", failing)
    with pytest.raises(RuntimeError):
        client.post(reverse("reporters_passwords", args=[done_job.pk]))
    monkeypatch.undo()

    page = client.post(reverse("reporters_passwords", args=[done_job.pk])).content.decode()
    assert len(shown_passwords(page)) == 5
