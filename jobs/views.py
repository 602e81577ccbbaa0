"""The progress page of a job (后台任务进度): its owner's, reloaded every two seconds while it
runs (an HTTP ``Refresh`` header: no script), the same page after a reload or from another tab;
and the file a finished job made (a backup), its owner's download."""

import posixpath
from datetime import timedelta
from uuid import UUID

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from core.capabilities import signed_in
from core.http import AuthenticatedRequest
from jobs.models import Job

REFRESH_SECONDS = 2
SILENT_AFTER = timedelta(seconds=60)  # a running job's worker quiet this long is mentioned


def duration_text(duration: timedelta) -> str:
    seconds = max(1, round(duration.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"约{hours}小时{minutes}分"
    return f"约{minutes}分{seconds}秒" if minutes else f"约{seconds}秒"


@signed_in
def job_progress(request: AuthenticatedRequest, job_id: UUID) -> HttpResponse:
    job = get_object_or_404(Job, pk=job_id, started_by=request.user)  # another's job: 404
    now = timezone.now()
    left = job.time_left(now)
    silent = job.silent_for(now)
    response = render(
        request,
        "jobs/job.html",
        {
            "job": job,
            "time_left": duration_text(left) if left is not None else "",
            "silent": duration_text(silent) if silent and silent > SILENT_AFTER else "",
            "took": duration_text(job.finished_at - job.started_at)
            if job.finished_at and job.started_at
            else "",
        },
    )
    if not job.ended:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@signed_in
def job_file(request: AuthenticatedRequest, job_id: UUID) -> FileResponse:
    job = get_object_or_404(Job, pk=job_id, started_by=request.user, state=Job.State.DONE)
    if not job.result_file or not default_storage.exists(job.result_file):
        raise Http404("该任务没有可下载的文件（或已超过保留期限被清理）。")
    return FileResponse(
        default_storage.open(job.result_file, "rb"),
        as_attachment=True,
        filename=posixpath.basename(job.result_file),
    )
