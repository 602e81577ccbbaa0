"""数据备份: the system administrator backs up the whole database and its files, or restores a
backup, each as a background job (``backup.tasks``) whose progress page says how far it is."""

import uuid
import zipfile

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from backup import tasks
from backup.services.archive import JOBS_FOLDER
from core.capabilities import requires
from core.http import AuthenticatedRequest
from jobs.models import Job
from jobs.services import job_start

RECENT_JOBS = 10
CONFIRMATION = "恢复会用备份替换全部现有数据，并让所有人退出登录。请勾选确认后再提交。"


@requires("backup.run")
def backup_page(request: AuthenticatedRequest) -> HttpResponse:
    jobs = Job.objects.filter(started_by=request.user, task_path__startswith=f"{tasks.__name__}.")[
        :RECENT_JOBS
    ]
    return render(
        request,
        "backup/page.html",
        {"jobs": jobs, "max_mb": settings.BACKUP_MAX_BYTES // (1024 * 1024)},
    )


@requires("backup.run", methods=["POST"])
def backup_start(request: AuthenticatedRequest) -> HttpResponse:
    job = job_start(
        task=tasks.backup_make, title="数据备份", user=request.user, back_url=reverse("backup_page")
    )
    return redirect("job_progress", job.pk)


@requires("backup.run", methods=["POST"])
def backup_restore(request: AuthenticatedRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要恢复的备份文件（.zip）。")
        return redirect("backup_page")
    if upload.size is not None and upload.size > settings.BACKUP_MAX_BYTES:
        messages.error(
            request,
            f"“{upload.name}”超过{settings.BACKUP_MAX_BYTES // (1024 * 1024)} MB，未恢复。"
            "更大的备份请由运维人员在服务器上用 manage.py restore 恢复。",
        )
        return redirect("backup_page")
    if request.POST.get("confirm") != "on":
        messages.error(request, CONFIRMATION)
        return redirect("backup_page")
    if not zipfile.is_zipfile(upload):
        messages.error(
            request, f"“{upload.name}”不是本系统的备份文件（应为备份生成的 .zip 文件），未恢复。"
        )
        return redirect("backup_page")
    upload.seek(0)
    path = default_storage.save(f"{JOBS_FOLDER}/restore/{uuid.uuid4().hex}.zip", upload)
    job = job_start(
        task=tasks.backup_restore,
        title=f"从备份恢复：{upload.name}",
        user=request.user,
        back_url=reverse("backup_page"),
        path=path,
        filename=upload.name,
    )
    return redirect("job_progress", job.pk)
