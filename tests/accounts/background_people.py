"""导入填报员 confirmed in the background, as a test drives it: the list, its preview, the
confirmation that starts the job (from one tab or two), the job's run (whole, or killed
mid-way as a worker's process is) and the passwords' page read back.

The job's work runs in the test's process (``job_run``), as the worker runs it.
"""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from accounts.services.people_import import HEADERS
from accounts.tasks import import_work
from jobs.models import Job
from jobs.services import job_run
from tests.workbooks import xlsx

PEOPLE = 5
COOKIE = "initial_passwords_key"


def names(count: int = PEOPLE) -> list[list]:
    return [[f"user{n}", f"姓名{n}", "", "县住建局"] for n in range(1, count + 1)]


def upload(client, rows: list[list]) -> str:
    return client.post(
        reverse("reporters_upload"),
        {"file": SimpleUploadedFile("名单.xlsx", xlsx({"填报员": [HEADERS, *rows]}))},
    ).content.decode()


def preview(client, rows: list[list]) -> dict[str, str]:
    """The upload's preview page, read for its confirmation form's hidden fields."""
    page = upload(client, rows)
    assert f"将建立{len(rows)}个账号" in page
    fields = dict(re.findall(r'name="(preview|checksum)" value="([^"]*)"', page))
    return fields | {"action": "confirm"}


def confirm(client, form: dict[str, str]) -> Job:
    response = client.post(reverse("reporters_upload"), form)
    assert response.status_code == 302 and response.url.startswith("/jobs/"), response
    return Job.objects.get(pk=response.url.split("/")[2])


def confirm_in_two_tabs(client, form: dict[str, str]) -> list[tuple[Job, str]]:
    """One preview confirmed from two tabs of one browser, the second having read the session
    before the first confirmed: each tab's job, with the opening key its confirmation set."""
    kept = dict(client.session["reporter_previews"])
    first = confirm(client, form)
    tabs = [(first, client.cookies[COOKIE].value)]  # a browser keeps one a job's path
    session = client.session
    session["reporter_previews"] = kept  # a second tab read the session before
    session.save()
    second = confirm(client, form)
    return [*tabs, (second, client.cookies[COOKIE].value)]


def run(job: Job) -> Job:
    job_run(str(job.pk), import_work)
    job.refresh_from_db()
    return job


class Killed(BaseException):
    """The worker's process ending mid-way (nothing after it runs in that process)."""


def killed_mid_way(job: Job) -> None:
    """``job`` run until its third account is made, when its worker's process ends."""

    def dying(job, progress):
        def report(**figures):
            progress(**figures)
            if figures.get("written") == 3:
                raise Killed

        return import_work(job, report)

    with pytest.raises(Killed):
        job_run(str(job.pk), dying)


def left_for_the_next_run(job: Job) -> None:
    """What a run killed after sealing, before its transaction ended, leaves behind (its sealed
    file), and the job queued again, as `jobs.services.jobs_recover` does."""
    default_storage.save(f"jobs/{job.pk}/initial-passwords-1.sealed", ContentFile(b"S1..."))
    Job.objects.filter(pk=job.pk).update(state=Job.State.QUEUED)


def shown_passwords(page: str) -> dict[str, str]:
    rows = re.findall(r"<tr><td>([^<]+)</td>.*?<code class=\"initial-password\">([^<]+)</code>",
                      page, re.S)  # fmt: skip
    return dict(rows)


def open_passwords(client, job: Job) -> str:
    with TestCase.captureOnCommitCallbacks(execute=True):  # the file goes once it commits
        response = client.post(reverse("reporters_passwords", args=[job.pk]))
    assert response.status_code == 200
    return response.content.decode()
