"""挂图作战's, 滞后预警's and the ledger's Excel for a city: over ``EXPORT_BACKGROUND_PROJECTS`` projects the page
starts a background job instead of answering with the file; the job's page offers the same
workbook the page gives a county at once, to the person who asked for it alone."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.filenames import filename_of
from jobs.models import Job
from jobs.services import job_run
from jobs.tasks import document_work
from projects.models import Unit
from tests.workbooks import a_portfolio, load, read_back

pytestmark = pytest.mark.django_db

PERIOD = {"year": 2024, "month": 6}


@pytest.fixture
def office(client, cast):
    load(a_portfolio(15, 2024))
    client.force_login(cast.officer)
    return client


def export(client, page: str, **query):
    return client.get(reverse(page), {**PERIOD, **query, "format": "xlsx"}, HTTP_HOST="127.0.0.1")


def made_by_a_job(client, page: str, **query):
    """The export asked for on a city's page: its job, run as the worker runs it, and the
    file its page offers."""
    response = export(client, page, **query)
    assert response.status_code == 302
    job = Job.objects.get(pk=response["Location"].strip("/").split("/")[-1])
    assert response["Location"] == reverse("job_progress", args=[job.pk])
    job_run(str(job.pk), document_work)
    job.refresh_from_db()
    assert job.state == "done", job.error
    return job, client.get(reverse("job_file", args=[job.pk]), HTTP_HOST="127.0.0.1")


@pytest.mark.parametrize(
    ("page", "title", "query"),
    [
        ("board", "导出挂图作战Excel：2024年6月", {"group": "level"}),
        ("lag_warnings", "导出滞后预警Excel：2024年6月", {}),
        ("ledger_export", "导出项目台账Excel：2024年", {}),
    ],
)
def test_a_city_sized_export_is_a_job_whose_file_is_the_same_workbook(
    office, settings, page, title, query
):
    at_once = export(office, page, **query)
    assert at_once["Content-Disposition"].startswith("attachment")  # a county: at once
    settings.EXPORT_BACKGROUND_PROJECTS = 14  # the 15 projects are now a city

    job, download = made_by_a_job(office, page, **query)

    assert job.title == title
    back = reverse("project_list") if page == "ledger_export" else reverse(page)
    assert job.back_url == f"{back}?year=2024&month=6" + ("&group=level" if query else "")
    shown = office.get(reverse("job_progress", args=[job.pk]), HTTP_HOST="127.0.0.1")
    assert "下载“" in shown.content.decode()
    assert filename_of(download["Content-Disposition"]) == filename_of(
        at_once["Content-Disposition"]
    )
    assert read_back(b"".join(download.streaming_content)) == read_back(at_once.content)


def test_the_file_is_its_askers_alone(office, settings, client, cast):
    settings.EXPORT_BACKGROUND_PROJECTS = 0
    job, _ = made_by_a_job(office, "board")
    client.force_login(cast.leader)

    assert client.get(reverse("job_file", args=[job.pk]), HTTP_HOST="127.0.0.1").status_code == 404


def test_a_job_keeps_the_askers_scope(settings, client, cast):
    """A reporter's export holds their own unit's rows, made by the job as by the page."""
    load(a_portfolio(15, 2024))
    client.force_login(cast.reporter_of(Unit.objects.get(name="单位3")))
    at_once = read_back(export(client, "board").content)["挂图作战"]
    assert {row[0] for row in at_once[1:]} == {"单位3"}
    settings.EXPORT_BACKGROUND_PROJECTS = 0

    _, download = made_by_a_job(client, "board")

    assert read_back(b"".join(download.streaming_content))["挂图作战"] == at_once


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_city_sized_briefing_is_a_job_whose_file_is_the_same_pdf(office, settings):
    asked = {"kind": "month", "year": 2024, "month": 6, "acknowledged": "1"}
    at_once = office.get(reverse("briefing_pdf"), asked, HTTP_HOST="127.0.0.1")
    assert at_once["Content-Type"] == "application/pdf"  # a county: at once
    settings.EXPORT_BACKGROUND_PROJECTS = 14

    response = office.get(reverse("briefing_pdf"), asked, HTTP_HOST="127.0.0.1")

    job = Job.objects.get()
    assert response["Location"] == reverse("job_progress", args=[job.pk])
    assert job.title == "简报PDF：2024年1–6月"
    assert job.back_url == f"{reverse('briefing')}?kind=month&year=2024&month=6"
    job_run(str(job.pk), document_work)
    download = office.get(reverse("job_file", args=[job.pk]), HTTP_HOST="127.0.0.1")
    assert filename_of(download["Content-Disposition"]) == filename_of(
        at_once["Content-Disposition"]
    )
    assert pdf_text(b"".join(download.streaming_content)) == pdf_text(at_once.content)
