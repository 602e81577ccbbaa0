"""Hostile and unlucky confirmations of a 导入填报员 preview: a tab refused before it claims the
preview leaves it to the tab that confirms it; the file changed on the server after its preview
is refused, within the request and in the background; another administrator's preview is not
confirmed by a forged post; nothing is half-made.

(Confirmations at the same moment, on PostgreSQL: test_import_confirmed_twice.py.)"""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.services.people_import import HEADERS
from jobs.models import Job
from projects.models import ConfirmedUpload, User
from projects.previews import GONE
from tests.accounts.background_people import names, run, shown_passwords
from tests.workbooks import xlsx

pytestmark = pytest.mark.django_db

CHANGED = "要确认的文件与预览的“名单.xlsx”不一致，未导入任何数据。请重新上传并预览。"


@pytest.fixture
def admin(client, cast):
    cast.housing  # noqa: B018
    client.force_login(cast.admin)
    return cast.admin


def listing(rows: list[list]) -> bytes:
    return xlsx({"填报员": [HEADERS, *rows]})


def preview(client: Client, rows: list[list]) -> dict[str, str]:
    page = client.post(
        reverse("reporters_upload"), {"file": SimpleUploadedFile("名单.xlsx", listing(rows))}
    ).content.decode()
    assert f"将建立{len(rows)}个账号" in page
    return dict(re.findall(r'name="(preview|checksum)" value="([^"]*)"', page)) | {
        "action": "confirm"
    }


def stored_path(client: Client, token: str) -> str:
    return client.session["reporter_previews"][token]["path"]


def confirmed(client: Client, form: dict[str, str]) -> str:
    return client.post(reverse("reporters_upload"), form, follow=True).content.decode()


def made() -> int:
    return User.objects.filter(username__startswith="user").count()


def test_a_tab_refused_before_it_claims_the_preview_leaves_it_to_the_tab_that_confirms_it(
    client, admin
):
    # Two tabs of one browser confirm one preview; the session both read still holds it. The
    # first tab's post is refused (its checksum is not the preview's): it must not delete the
    # previewed file the second tab is importing (so six tabs at once once made no account).
    form = preview(client, names(3))
    kept = dict(client.session["reporter_previews"])

    refused = confirmed(client, form | {"checksum": "0" * 64})

    assert CHANGED in refused and made() == 0
    session = client.session
    session["reporter_previews"] = kept  # the second tab read the session before
    session.save()
    done = confirmed(client, form)
    assert len(shown_passwords(done)) == 3 and made() == 3


def test_a_list_changed_on_the_server_after_its_preview_is_refused_and_makes_nothing(client, admin):
    form = preview(client, names(3))
    path = stored_path(client, form["preview"])
    default_storage.delete(path)
    default_storage.save(path, ContentFile(listing([["intruder", "冒名", "", "县住建局"]])))

    page = confirmed(client, form)

    assert CHANGED in page and "initial-password" not in page
    assert not User.objects.filter(username="intruder").exists() and made() == 0
    assert not ConfirmedUpload.objects.exists()


def test_a_long_list_changed_on_the_server_before_its_job_runs_is_refused_and_makes_nothing(
    client, admin, settings
):
    # The job reads the file later than the confirmation: it must import the file previewed,
    # not whatever is under its name by then.
    settings.PEOPLE_BACKGROUND_ROWS = 3
    form = preview(client, names(5))
    path = stored_path(client, form["preview"])
    response = client.post(reverse("reporters_upload"), form)
    job = Job.objects.get(pk=response.url.split("/")[2])
    intruders = [[f"intruder{n}", f"冒名{n}", "", "县住建局"] for n in range(5)]
    default_storage.delete(path)
    default_storage.save(path, ContentFile(listing(intruders)))

    job = run(job)

    assert (job.state, job.error) == ("failed", CHANGED)
    assert not User.objects.filter(username__startswith="intruder").exists() and made() == 0
    assert job.result_file == "" and not ConfirmedUpload.objects.exists()


def test_a_list_whose_file_is_gone_is_told_so_and_makes_nothing(client, admin):
    form = preview(client, names(3))
    default_storage.delete(stored_path(client, form["preview"]))

    page = confirmed(client, form)

    assert GONE in page and made() == 0 and not ConfirmedUpload.objects.exists()


def test_another_administrators_preview_is_not_confirmed_by_a_forged_post(client, admin):
    form = preview(client, names(3))  # the fields an attacker read over the shoulder
    other = User.objects.create_user("admin2", role=User.Role.ADMIN)
    elsewhere = Client(HTTP_HOST="127.0.0.1")
    elsewhere.force_login(other)

    forged = confirmed(elsewhere, form)

    assert GONE in forged and made() == 0
    done = confirmed(client, form)  # the administrator who previewed it still confirms it
    assert len(shown_passwords(done)) == 3 and made() == 3
    assert ConfirmedUpload.objects.get().confirmed_by == admin


def test_a_preview_kept_before_its_size_was_noted_is_confirmed_by_a_job(client, admin):
    # A preview left open across the upgrade has no row count: the job, which fits any size.
    form = preview(client, names(3))
    session = client.session
    entries = dict(session["reporter_previews"])
    entries[form["preview"]] = {k: v for k, v in entries[form["preview"]].items() if k != "rows"}
    session["reporter_previews"] = entries
    session.save()

    response = client.post(reverse("reporters_upload"), form)

    job = run(Job.objects.get(pk=response.url.split("/")[2]))
    assert job.state == "done" and made() == 3


def test_a_job_queued_without_the_previews_checksum_makes_nothing(client, admin, settings):
    # queued before the confirmation passed the checksum on: it cannot tell the file previewed
    settings.PEOPLE_BACKGROUND_ROWS = 3
    response = client.post(reverse("reporters_upload"), preview(client, names(5)))
    job = Job.objects.get(pk=response.url.split("/")[2])
    job.arguments = {k: v for k, v in job.arguments.items() if k != "sha256"}
    job.save(update_fields=["arguments"])

    job = run(job)

    assert (job.state, job.error) == ("failed", CHANGED) and made() == 0
