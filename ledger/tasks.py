"""The ledger's background jobs (``jobs``): a large upload's preview and its import, each run by
the worker with its progress on the job's page. The page that started them is the upload page
(``ledger.views``), which shows the preview of a finished preview job (``?job=``)."""

from dataclasses import asdict
from typing import Any

from django.urls import reverse
from django_tasks import task

from jobs.models import Job
from jobs.services import JobRefused, Progress, job_run
from ledger.rules.reader import LedgerImportError
from ledger.rules.results import NOTHING_TO_IMPORT, ImportResult
from ledger.services.uploads import delete, shown, upload_import, upload_preview

SHOWN_CHANGES = 50  # as the upload page shows
SHOWN_CHECKS = 50  # notes 请核对, as the preview shows them
SHOWN_PROBLEMS = 1000


def refusal(error: LedgerImportError, filename: str, link: dict[str, str]) -> JobRefused:
    problems = [asdict(problem) for problem in error.problems[:SHOWN_PROBLEMS]]
    if len(error.problems) == 1:
        reason = f"“{filename}”未导入：{error.problems[0]}"
    else:
        reason = f"“{filename}”有{len(error.problems)}处问题，未写入任何数据"
    return JobRefused(reason, {"problems": problems, "count": len(error.problems), "link": link})


def preview_work(job: Job, progress: Progress) -> dict[str, Any]:
    arguments = job.arguments
    page = {"url": f"{reverse('ledger_import')}?job={job.pk}", "label": "查看预览并确认导入"}
    try:
        result, entry = upload_preview(
            path=arguments["path"],
            filename=arguments["filename"],
            user=job.started_by,
            progress=progress,
        )
    except LedgerImportError as error:
        raise refusal(error, arguments["filename"], {**page, "label": "查看问题清单"}) from None
    entry["rows"] = arguments["rows"]
    if result.changes_nothing:  # nothing to confirm: the upload is not kept for it
        delete(entry)
        return {
            "entry": entry,
            "preview": shown(result, SHOWN_CHANGES),
            "lines": [*result.lines(), NOTHING_TO_IMPORT],
            "link": {**page, "label": "查看预览"},
        }
    return {
        "token": arguments["token"],
        "entry": entry,
        "preview": shown(result, SHOWN_CHANGES),
        "lines": result.lines(),
        "link": page,
    }


def import_work(job: Job, progress: Progress) -> dict[str, Any]:
    arguments = job.arguments
    entry = arguments["entry"]
    back = {"url": reverse("ledger_import"), "label": "返回Excel台账"}
    try:
        result = upload_import(
            entry=entry, token=arguments["token"], user=job.started_by, progress=progress
        )
    except LedgerImportError as error:
        raise refusal(error, entry["filename"], back) from None
    lines = [*result.lines(), f"“{entry['filename']}”导入完成。"]
    return {"lines": lines, "checks": checks(result), "link": back}


def checks(result: ImportResult, shown: int = SHOWN_CHECKS) -> dict[str, Any] | None:
    """The imported rows worth a look (请核对), one note each, the first ``shown`` of them, as
    the job's page lists them."""
    if not result.warnings_count:
        return None
    notes = result.warnings[:shown]
    return {
        "title": f"请核对（已导入）：{result.warnings_count}处",
        "notes": notes,
        "more": result.warnings_count - len(notes),
    }


@task()
def ledger_preview(job_id: str) -> None:
    job_run(job_id, preview_work)


@task()
def ledger_import(job_id: str) -> None:
    job_run(job_id, import_work)
