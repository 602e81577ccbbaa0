"""Backup and restore from the page (数据备份), each run by the background worker as a job
(``jobs``) with its progress on the job's page.

A backup is written to a temporary file and then kept in storage under ``jobs/`` (never itself
backed up), offered as the job's file until ``JOBS_KEEP_DAYS`` have passed. A restore reads the
uploaded backup kept there and replaces every row in one transaction
(``backup.services.archive.restore_backup``): a backup refused, or a failure mid-way, leaves the
database as it was and the job says why.
"""

import tempfile
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from audit.models import AuditEntry
from audit.services import record
from backup.services.archive import JOBS_FOLDER, BackupError, make_backup, restore_backup
from jobs.models import Job
from jobs.services import JobRefused, Progress, job_run


def backup_name() -> str:
    return f"重点项目备份-{timezone.localtime():%Y%m%d-%H%M%S}.zip"


def backup_work(job: Job, progress: Progress) -> dict[str, Any]:
    with tempfile.TemporaryFile() as spool:
        summary = make_backup(spool, progress)
        spool.seek(0)
        job.result_file = default_storage.save(
            f"{JOBS_FOLDER}/{job.pk}/{backup_name()}", File(spool)
        )
    record(
        category=AuditEntry.Category.WRITE,
        action="备份数据",
        user=job.started_by,
        target=job.result_file,
        detail=summary.line(),
    )
    return {
        "lines": [f"备份完成：{summary.line()}。请下载后妥善保存在本服务器以外的地方。"],
        "link": {"url": reverse("job_file", args=[job.pk]), "label": "下载备份文件"},
    }


def restore_work(job: Job, progress: Progress) -> dict[str, Any]:
    path, filename = job.arguments["path"], job.arguments["filename"]
    who = job.started_by.get_username() if job.started_by else ""
    try:
        with default_storage.open(path, "rb") as source:
            summary = restore_backup(source, force=True, progress=progress)
    except FileNotFoundError:
        raise JobRefused(
            "上传的备份文件已不在服务器上，未恢复，数据库保持原样。请重新上传。"
        ) from None
    except BackupError as error:
        raise JobRefused(f"“{filename}”未恢复，数据库保持原样：{error}") from None
    finally:  # ended, restored or refused (a worker killed mid-way runs it again: kept then)
        default_storage.delete(path)
    # after the restore: the trail is now the backup's, and this entry follows it
    record(
        category=AuditEntry.Category.WRITE,
        action="从备份恢复数据",
        username=who,
        target=filename,
        detail=summary.line(),
    )
    return {
        "lines": [
            f"已从“{filename}”恢复：{summary.line()}。",
            "恢复后所有人都已退出登录，请用备份中的账号和密码重新登录。",
        ],
    }


@task()
def backup_make(job_id: str) -> None:
    job_run(job_id, backup_work)


@task()
def backup_restore(job_id: str) -> None:
    job_run(job_id, restore_work)
