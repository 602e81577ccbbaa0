"""导入填报员's background job (``jobs``): the confirmation of a list of more than
``PEOPLE_BACKGROUND_ROWS`` people (each account's password hash takes about a quarter of a
second: 500 people, two minutes), run by the worker with its progress on the job's page.

The work is the page's own service (`accounts.services.people_import.reporters_import`), one
transaction: the claim of the preview, every account, and the initial passwords sealed for the
browser that confirmed (`accounts.services.initial_passwords`). A worker that dies mid-way
leaves no account; the next one runs the job again from the start (`jobs.services.jobs_recover`).
One that died after the transaction ended, before it said so, finds the preview claimed and its
sealed file kept: the job ends done, the passwords still to be shown once.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django_tasks import task

from accounts.services.initial_passwords import passwords_committed, passwords_seal
from accounts.services.people_import import reporters_import
from core.errors import error_text
from jobs.models import Job
from jobs.services import JobRefused, Progress, file_discard, job_files, job_run
from projects import previews
from projects.models import ConfirmedUpload, User

SHOWN_PROBLEMS = 200
SEALED = ".sealed"
ASK_SECURITY = (
    "这些账号暂无角色（未授权）：请通知安全管理员在“安全管理”中按申请授予填报员角色和所属单位。"
)
PASSWORDS_KEPT = (
    "初始密码已加密保存，只能在确认导入的这个浏览器中查看一次（24小时内），查看后即删除。"
)


def _done(job: Job, lines: list[str]) -> dict[str, Any]:
    reveal = {
        "url": reverse("reporters_passwords", args=[job.pk]),
        "label": "查看初始密码（只显示一次）",
        "gone": "初始密码已显示过一次，系统不再保存。",
    }
    return {"lines": [*lines, ASK_SECURITY, PASSWORDS_KEPT], "post": reveal}


def import_work(job: Job, progress: Progress) -> dict[str, Any]:
    arguments = job.arguments
    back = {"url": reverse("reporters_upload"), "label": "返回导入填报员"}
    found = [path for path in job_files(job.pk) if path.endswith(SEALED)]
    kept = [path for path in found if passwords_committed(job=job, path=path)]
    for path in set(found) - set(kept):  # sealed by a run that died before its accounts were made
        file_discard(path)
    if ConfirmedUpload.objects.filter(token=arguments["token"]).exists():
        if not kept:  # confirmed by another job or tab: this one imports nothing
            raise JobRefused(previews.ALREADY, {"link": back})
        previews.delete(arguments["path"])
        job.result_file = kept[-1]
        return _done(
            job, ["名单中的账号已在本任务上一次运行中建立（后台处理进程在报告结果前中断）。"]
        )

    def seal(created: list[tuple[User, str]]) -> None:
        job.result_file = passwords_seal(
            job=job, sealing_key=arguments["sealing_key"], created=created
        )

    # the file previewed, read once claimed (a job queued before its checksum was passed on
    # has none: refused as changed, nothing made)
    pending = previews.Pending(
        arguments["token"], arguments["path"], arguments["filename"], arguments.get("sha256", "")
    )
    try:
        imported = reporters_import(
            user=job.started_by,  # type: ignore[arg-type]  # the page's user: signed in
            preview=pending,
            dry_run=False,
            progress=progress,
            hand_over=seal,
        )
    except (ValidationError, PermissionDenied) as error:
        _forget_sealed(job)
        previews.delete(arguments["path"])
        reason = error_text(error) if isinstance(error, ValidationError) else str(error)
        raise JobRefused(reason or "无权进行此操作", {"link": back}) from None
    except BaseException:
        _forget_sealed(job)
        raise
    previews.delete(arguments["path"])
    problems = imported.file.problems
    if problems:  # the accounts changed since the preview: nothing made
        more = [f"……共{len(problems)}处"] if len(problems) > SHOWN_PROBLEMS else []
        raise JobRefused(
            f"“{arguments['filename']}”有{len(problems)}处问题，未建立任何账号",
            {"lines": [*problems[:SHOWN_PROBLEMS], *more], "link": back},
        )
    return _done(job, [f"已建立{len(imported.created)}个账号。"])


def _forget_sealed(job: Job) -> None:
    """A sealed file of accounts that were not made (the transaction rolled back)."""
    if job.result_file:
        file_discard(job.result_file)
        job.result_file = ""


@task()
def reporters_import_job(job_id: str) -> None:
    job_run(job_id, import_work)
