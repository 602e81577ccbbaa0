"""数据备份 (the system administrator's page): a backup and a restore, each a background job
with its progress page. The backup is downloaded from the finished job; the restore replaces
every row in one transaction, so a backup refused, or one failing mid-way, leaves the database
as it was and the job says why. Only the system administrator holds the page."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from backup import tasks
from jobs.models import Job
from jobs.services import job_run
from projects.models import Unit
from projects.services.units import unit_save

# a restore commits (and empties every table first), as the worker's does
pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(user) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def worker_runs(job: Job) -> Job:
    """What the background worker does with the job's task (tests/jobs/test_worker.py runs the
    worker itself)."""
    work = {"backup_make": tasks.backup_work, "backup_restore": tasks.restore_work}
    job_run(str(job.pk), work[job.task_path.rsplit(".", 1)[1]])
    job.refresh_from_db()
    return job


def started(response) -> Job:
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.get(pk=response["Location"].strip("/").split("/")[-1])
    assert response["Location"] == reverse("job_progress", args=[job.pk])
    return job


def back_up(client: Client) -> bytes:
    job = worker_runs(started(client.post(reverse("backup_start"))))
    assert job.state == "done", job.error
    page = client.get(reverse("job_progress", args=[job.pk])).content.decode()
    assert "备份完成：" in page and "下载备份文件" in page
    download = client.get(reverse("job_file", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    return b"".join(download.streaming_content)  # type: ignore[attr-defined]


def restore(client: Client, content: bytes, name: str = "备份.zip", confirm: bool = True):
    data: dict[str, object] = {"file": SimpleUploadedFile(name, content, "application/zip")}
    if confirm:
        data["confirm"] = "on"
    return client.post(reverse("backup_restore"), data)


def new_unit(user, name: str) -> Unit:
    return unit_save(user=user, name=name, kind=Unit.Kind.DEPARTMENT, sort_order=90)


def test_the_administrator_backs_up_and_restores_what_was_backed_up(cast):
    admin = cast.admin
    client = signed_in(admin)
    new_unit(admin, "备份前的单位")
    backup = back_up(client)
    assert zipfile.ZipFile(io.BytesIO(backup)).namelist()[-1] == "manifest.json"
    new_unit(admin, "备份后的单位")

    job = worker_runs(started(restore(client, backup)))

    assert job.state == "done", job.error
    assert not default_storage.exists(job.arguments["path"])
    names = set(Unit.objects.values_list("name", flat=True))
    assert "备份前的单位" in names and "备份后的单位" not in names
    assert client.get(reverse("backup_page")).status_code == 302  # everyone signed out
    again = signed_in(admin)
    page = again.get(reverse("job_progress", args=[job.pk])).content.decode()
    assert "已从“备份.zip”恢复：" in page and "请用备份中的账号和密码重新登录" in page
    listed = again.get(reverse("backup_page")).content.decode()
    assert "从备份恢复：备份.zip" in listed  # the job survives the restore it ran


def test_restoring_the_same_backup_again_gives_the_same_data(cast):
    admin = cast.admin
    client = signed_in(admin)
    new_unit(admin, "甲单位")
    backup = back_up(client)
    worker_runs(started(restore(client, backup)))
    first = sorted(Unit.objects.values_list("pk", "name"))

    job = worker_runs(started(restore(signed_in(admin), backup)))

    assert job.state == "done", job.error
    assert sorted(Unit.objects.values_list("pk", "name")) == first


def test_a_tampered_backup_is_refused_and_the_database_stays_as_it_was(cast):
    admin = cast.admin
    client = signed_in(admin)
    backup = back_up(client)
    new_unit(admin, "恢复失败也要保留的单位")
    tampered = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(backup)) as source,
        zipfile.ZipFile(tampered, "w") as target,
    ):
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "data.jsonl":
                content = content.replace("备份".encode(), "篡改".encode()) + b"\n"
            target.writestr(item, content)

    job = worker_runs(started(restore(client, tampered.getvalue(), "改过的备份.zip")))

    assert job.state == "failed"
    assert (
        job.error
        == "“改过的备份.zip”未恢复，数据库保持原样：备份文件已损坏：data.jsonl 的校验值不符。"
    )
    assert Unit.objects.filter(name="恢复失败也要保留的单位").exists()
    assert not default_storage.exists(job.arguments["path"])  # the upload is not kept
    page = client.get(reverse("job_progress", args=[job.pk])).content.decode()
    assert "数据库保持原样" in page  # still signed in: nothing was replaced


def test_a_zip_that_is_no_backup_fails_with_its_reason(cast):
    client = signed_in(cast.admin)
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("说明.txt", "不是备份")

    job = worker_runs(started(restore(client, other.getvalue(), "照片.zip")))

    assert (job.state, job.error) == (
        "failed",
        "“照片.zip”未恢复，数据库保持原样：该文件不是本系统的备份文件（缺少备份清单 manifest.json）。",
    )


@pytest.mark.parametrize(
    ("content", "confirm", "told"),
    [
        (
            b"PK\x05\x06" + bytes(18),
            False,
            "恢复会用备份替换全部现有数据，并让所有人退出登录。请勾选确认后再提交。",
        ),
        (
            b"%PDF-1.4 not a zip",
            True,
            "“备份.zip”不是本系统的备份文件（应为备份生成的 .zip 文件），未恢复。",
        ),
    ],
)
def test_a_restore_the_page_cannot_start_is_told_and_starts_no_job(cast, content, confirm, told):
    client = signed_in(cast.admin)

    response = restore(client, content, confirm=confirm)

    assert response.status_code == 302 and response["Location"] == reverse("backup_page")
    assert told in client.get(reverse("backup_page")).content.decode()
    assert not Job.objects.exists()


def test_no_file_is_told(cast):
    client = signed_in(cast.admin)

    client.post(reverse("backup_restore"), {"confirm": "on"})

    assert "请选择要恢复的备份文件（.zip）。" in client.get(reverse("backup_page")).content.decode()


def test_the_page_is_the_system_administrators(cast):
    assert signed_in(cast.officer).get(reverse("backup_page")).status_code == 403
    assert signed_in(cast.security).post(reverse("backup_start")).status_code == 403
    page = signed_in(cast.admin).get(reverse("backup_page")).content.decode()
    assert "开始备份" in page and 'href="/backup/"' in page  # in the administrator's menu


def test_a_backup_holds_no_job_and_no_file_of_a_job(cast):
    client = signed_in(cast.admin)
    first = back_up(client)  # its file is kept under jobs/

    second = zipfile.ZipFile(io.BytesIO(back_up(client)))

    assert not [name for name in second.namelist() if name.startswith("media/jobs/")]
    data = second.read("data.jsonl").decode()
    assert '"model": "jobs.job"' not in data and "dbtaskresult" not in data
    assert first
