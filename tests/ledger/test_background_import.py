"""A large ledger is previewed and imported by the background worker (``jobs``), its progress on
the job's page: the office uploads it, follows the page to the preview, confirms, follows the
page again to the result; the same file again changes nothing. A county's file (up to
``LEDGER_BACKGROUND_ROWS`` rows) is still previewed within the request.
"""

import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from jobs.models import Job
from projects.models import AnnualPlan, Project
from tests.ledger.test_ledger_pages import confirm
from tests.ledger.test_preview import project, projects
from tests.workbooks import xlsx

# the worker runs in this process and commits, as it does in its own
pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 30
CITY = xlsx({"项目台账": projects(*(project(serial) for serial in range(1, ROWS + 1)))})


@pytest.fixture(autouse=True)
def large_from_ten_rows(settings):
    settings.LEDGER_BACKGROUND_ROWS = 10


@pytest.fixture
def office(client, cast):
    client.force_login(cast.officer)
    return cast.officer


def run_worker() -> None:
    """``manage.py jobs_worker --batch``: every queued job, then back (its signal handlers too)."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("jobs_worker", batch=True, interval=0, verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def upload(client, data: bytes = CITY, name: str = "市台账.xlsx"):
    return client.post(
        reverse("ledger_import"), {"file": SimpleUploadedFile(name, data)}, HTTP_HOST="127.0.0.1"
    )


def follow_job(client, response) -> Job:
    """The job page the response led to, before and after the worker ran the job."""
    assert response.status_code == 302 and response.url.startswith("/jobs/"), response
    job = Job.objects.get(pk=response.url.split("/")[2])
    waiting = client.get(response.url, HTTP_HOST="127.0.0.1")
    assert waiting["Refresh"] == "2" and "排队中" in waiting.content.decode()
    run_worker()
    job.refresh_from_db()
    return job


def test_a_large_ledger_is_previewed_and_imported_in_the_background(client, office):
    job = follow_job(client, upload(client))

    assert (job.state, job.rows_read, job.rows_written, job.percent) == ("done", ROWS, 0, 100)
    assert job.title == "台账导入预览：市台账.xlsx"
    assert not Project.objects.exists()  # a preview writes nothing
    done = client.get(reverse("job_progress", args=[job.pk]), HTTP_HOST="127.0.0.1")
    assert "Refresh" not in done
    assert f"项目：新增{ROWS}个" in done.content.decode()
    assert f'href="/ledger/?job={job.pk}"' in done.content.decode()

    shown = client.get(f"/ledger/?job={job.pk}", HTTP_HOST="127.0.0.1")  # 查看预览并确认导入
    assert f"项目：新增{ROWS}个" in shown.content.decode()
    assert f"将新增{ROWS}个项目" in shown.content.decode()
    again = client.get(f"/ledger/?job={job.pk}", HTTP_HOST="127.0.0.1")  # reloaded: the same
    assert again.context["token"] == shown.context["token"]

    imported = follow_job(client, confirm(client, shown, HTTP_HOST="127.0.0.1"))

    assert imported.title == "台账导入：市台账.xlsx"
    assert (imported.state, imported.rows_read, imported.rows_written) == ("done", ROWS, 2 * ROWS)
    assert "“市台账.xlsx”导入完成。" in imported.result["lines"]
    assert Project.objects.count() == AnnualPlan.objects.count() == ROWS


def test_the_same_file_again_writes_nothing(client, office):
    follow_job(client, confirm(client, client.get(
        f"/ledger/?job={follow_job(client, upload(client)).pk}", HTTP_HOST="127.0.0.1")))  # fmt: skip
    versions = list(Project.objects.values_list("version", flat=True))

    job = follow_job(client, upload(client))
    shown = client.get(f"/ledger/?job={job.pk}", HTTP_HOST="127.0.0.1")
    assert "与系统数据一致，无需导入。" in shown.content.decode()
    assert 'value="confirm"' not in shown.content.decode()  # nothing to confirm
    assert "token" not in shown.context and job.result["link"]["label"] == "查看预览"

    assert list(Project.objects.values_list("version", flat=True)) == versions


def test_a_bad_large_ledger_is_refused_with_its_rows_named(client, office):
    rows = [project(serial) for serial in range(1, ROWS + 1)]
    rows[4] = {**rows[4], "项目级别": "乡重点"}
    job = follow_job(client, upload(client, xlsx({"项目台账": projects(*rows)})))

    assert job.state == "failed"
    assert job.error.startswith("“市台账.xlsx”未导入：项目台账!6")
    listed = client.get(f"/ledger/?job={job.pk}", HTTP_HOST="127.0.0.1").content.decode()
    assert "乡重点" in listed and "未写入任何数据" in listed
    assert not Project.objects.exists()


def test_a_county_ledger_is_still_previewed_within_the_request(client, office, settings):
    settings.LEDGER_BACKGROUND_ROWS = 2000

    shown = upload(client)

    assert shown.status_code == 200 and f"项目：新增{ROWS}个" in shown.content.decode()
    assert not Job.objects.exists()


def test_another_persons_preview_job_is_not_found(client, office, cast):
    job = follow_job(client, upload(client))
    client.force_login(cast.supervisor)

    assert client.get(f"/ledger/?job={job.pk}", HTTP_HOST="127.0.0.1").status_code in (403, 404)


def test_the_upload_page_leads_back_to_the_officers_jobs(client, office, cast):
    job = follow_job(client, upload(client))
    other = follow_job(client, upload(client, name="另一份.xlsx"))

    page = client.get(reverse("ledger_import"), HTTP_HOST="127.0.0.1").content.decode()

    assert page.index("台账导入预览：另一份.xlsx") < page.index(
        "台账导入预览：市台账.xlsx"
    )  # latest first
    assert f'href="/jobs/{job.pk}/"' in page and f'href="/jobs/{other.pk}/"' in page
    assert "超过10行的大文件在后台预览和导入" in page
    Job.objects.update(started_by=cast.supervisor)  # another person's jobs are theirs alone
    assert (
        "ledger-jobs"
        not in client.get(reverse("ledger_import"), HTTP_HOST="127.0.0.1").content.decode()
    )
