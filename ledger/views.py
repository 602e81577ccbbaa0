"""Excel in the browser: the template, an upload with a preview before anything is written.

An upload is a dry run: the file waits in storage under a random preview id, with its
SHA-256 and the list of every change it would make, until the officer confirms it. The
confirmation form carries that id and checksum, so the file imported is exactly the file
previewed in that tab, whatever other previews the officer opened since in other tabs.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header

from core import filenames
from core.capabilities import requires
from core.http import AuthenticatedRequest
from core.replica import figure_page
from core.xlsx import XLSX, workbook_response
from jobs.models import Job
from jobs.rules import in_background
from jobs.services import job_start
from jobs.tasks import document_start
from ledger import tasks
from ledger.documents import downloads
from ledger.documents.exporter import change_sheets, template_sheets
from ledger.rules.reader import LedgerImportError, Problem, file_too_large
from ledger.rules.results import NOTHING_TO_IMPORT
from ledger.services.uploads import (
    checksum,
    delete,
    upload_import,
    upload_keep,
    upload_preview,
    upload_rows,
)
from projects.models import AnnualPlan

PENDING = "ledger_previews"  # session key: preview id → the uploaded file waiting
PENDING_PER_SESSION = 5  # previews one officer may keep open (one per tab)
RECENT_JOBS = 5  # background previews and imports listed on the upload page
SHOWN_CHANGES = 50  # the first screenful of changes; the rest in the download
SHOWN_NOTES = 10  # 请核对 notes of an import done in the request, one message each


@requires("portfolio.view")
def template_download(request: AuthenticatedRequest) -> HttpResponse:
    return workbook_response(template_sheets(), filenames.LEDGER_TEMPLATE)


@figure_page
@requires("portfolio.view")
def ledger_export(request: AuthenticatedRequest) -> HttpResponse:
    """The ledger of the register's current filter (or of a year), within the user's scope
    (``ledger.documents.downloads``): at once for a county, by a background job for a city."""
    filterset = downloads.asked_filter(request)
    if filterset.is_valid() and in_background(filterset.qs.values("project_id").distinct().count()):
        year = filterset.form.cleaned_data.get("year")
        title = f"导出项目台账Excel：{f'{year}年' if year else '全部年度'}"
        job = document_start(
            maker=downloads.ledger_workbook,
            request=request,
            title=title,
            back_path=reverse("project_list"),  # the register, where its link is
        )
        return redirect("job_progress", job.pk)
    name, content = downloads.ledger_workbook(request)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@requires("ledger.import")
def ledger_import_page(request: AuthenticatedRequest) -> HttpResponse:
    """Upload → preview (a dry run: what would be created and changed) → confirm. A large file
    (more than ``LEDGER_BACKGROUND_ROWS`` rows) is previewed and imported by a background job,
    its progress on the job's page; ``?job=`` shows a finished preview job's preview here."""
    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _confirm(request)
    context: dict = {}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要导入的台账文件（.xlsx）。")
            return redirect("ledger_import")
        outcome = _preview(request, upload)
        if isinstance(outcome, HttpResponse):
            return outcome
        context = outcome
    elif request.GET.get("job"):
        context = _job_preview(request, request.GET["job"])
    context["years"] = (
        AnnualPlan.objects.order_by("-year").values_list("year", flat=True).distinct()
    )
    # the officer's latest background previews and imports: their pages are reached from here
    context["jobs"] = Job.objects.filter(
        started_by=request.user, task_path__startswith=f"{tasks.__name__}."
    )[:RECENT_JOBS]
    context["background_rows"] = settings.LEDGER_BACKGROUND_ROWS
    return render(request, "ledger/import.html", context)


def _preview(request: AuthenticatedRequest, upload: UploadedFile) -> dict | HttpResponse:
    # refused by its size, never read (Django gives an upload its size and name: never None)
    if upload.size > settings.LEDGER_MAX_BYTES:  # type: ignore[operator]
        return {"problems": [file_too_large()], "filename": upload.name}
    filename: str = upload.name  # type: ignore[assignment]
    token, path = upload_keep(upload)
    try:
        rows = upload_rows(path, filename)
    except LedgerImportError as error:
        default_storage.delete(path)
        return {"problems": error.problems, "filename": filename}
    if rows > settings.LEDGER_BACKGROUND_ROWS:
        job = job_start(
            task=tasks.ledger_preview,
            title=f"台账导入预览：{filename}",
            user=request.user,
            back_url=reverse("ledger_import"),
            token=token,
            path=path,
            filename=filename,
            rows=rows,
        )
        return redirect("job_progress", job.pk)
    try:
        result, entry = upload_preview(path=path, filename=filename, user=request.user)
    except LedgerImportError as error:
        return {"problems": error.problems, "filename": filename}
    entry["rows"] = rows
    if result.changes_nothing:  # nothing to confirm: no 确认导入, the upload not kept for it
        delete(entry)
        return {"preview": result, "filename": filename, "nothing_to_import": NOTHING_TO_IMPORT}
    _keep_pending(request, token, entry)
    return {
        "preview": result,
        "changes": result.changes.first[:SHOWN_CHANGES],
        "token": token,
        "checksum": entry["sha256"],
        "filename": filename,
    }


def _keep_pending(request: AuthenticatedRequest, token: str, entry: dict) -> None:
    pending = _previews(request)
    pending[token] = entry
    for old in list(pending)[:-PENDING_PER_SESSION]:  # the oldest beyond the last few tabs
        delete(pending.pop(old))
    request.session[PENDING] = pending


def _job_preview(request: AuthenticatedRequest, job_id: str) -> dict:
    """A finished preview job's preview (its starter's), kept for confirmation as an upload
    previewed here is; or its problems."""
    try:
        job = Job.objects.get(pk=uuid.UUID(job_id), started_by=request.user)
    except (ValueError, Job.DoesNotExist):
        raise Http404("没有这个后台任务") from None
    result = job.result
    if job.state == Job.State.FAILED and "problems" in result:
        problems = [Problem(**problem) for problem in result["problems"]]
        return {"problems": problems, "filename": job.arguments.get("filename", job.title)}
    entry = result.get("entry")
    if job.state != Job.State.DONE or entry is None:
        messages.error(request, "该后台任务还没有完成，或不是台账导入预览。")
        return {}
    if result["preview"]["changes_nothing"]:  # its upload was not kept: nothing to confirm
        return {
            "preview": result["preview"],
            "filename": entry["filename"],
            "nothing_to_import": NOTHING_TO_IMPORT,
        }
    if not default_storage.exists(entry["path"]):
        messages.error(request, "该预览已导入、已被取消或已过期，请重新上传文件。")
        return {}
    _keep_pending(request, result["token"], entry)
    return {
        "preview": result["preview"],
        "changes": result["preview"]["first_changes"][:SHOWN_CHANGES],
        "token": result["token"],
        "checksum": entry["sha256"],
        "filename": entry["filename"],
    }


def _previews(request: AuthenticatedRequest) -> dict:
    pending = request.session.get(PENDING)
    return dict(pending) if isinstance(pending, dict) else {}


def _confirm(request: AuthenticatedRequest) -> HttpResponse:
    pending = _previews(request)
    token = request.POST.get("preview", "")
    entry = pending.pop(token, None)
    request.session[PENDING] = pending
    gone = "没有待确认的导入（该预览已导入、已被取消或已过期），请重新上传文件。"
    if entry is None or not default_storage.exists(entry["path"]):
        messages.error(request, gone)
        return redirect("ledger_import")
    try:
        same = (
            request.POST.get("checksum") == entry["sha256"]
            and checksum(entry["path"]) == entry["sha256"]
        )
        # Refused before the import claims the preview: its files stay (a day at most,
        # drop_stale), for a tab confirming it at the same moment may be importing them.
        if not same:
            messages.error(
                request,
                f"要确认的文件与预览的“{entry['filename']}”不一致，未导入任何数据。请重新上传并预览。",
            )
            return redirect("ledger_import")
        if entry.get("rows", 0) > settings.LEDGER_BACKGROUND_ROWS:
            job = job_start(
                task=tasks.ledger_import,
                title=f"台账导入：{entry['filename']}",
                user=request.user,
                back_url=reverse("ledger_import"),
                token=token,
                entry=entry,
            )
            return redirect("job_progress", job.pk)
        result = upload_import(entry=entry, token=token, user=request.user)
    except FileNotFoundError:  # confirmed meanwhile in another tab, which deleted the file
        messages.error(request, gone)
        return redirect("ledger_import")
    except LedgerImportError as error:  # imported already, or the database changed since
        return render(
            request,
            "ledger/import.html",
            {"problems": error.problems, "filename": entry["filename"]},
        )
    for line in result.lines():
        messages.success(request, line)
    checks = tasks.checks(result, shown=SHOWN_NOTES)  # one message a note, as the job lists them
    if checks:
        messages.warning(request, checks["title"])
        for note in checks["notes"]:
            messages.warning(request, note)
        if checks["more"]:
            messages.warning(request, f"……另有{checks['more']}处")
    messages.success(request, f"“{entry['filename']}”导入完成。")
    return redirect("ledger_import")


@requires("ledger.import")
def preview_changes(request: AuthenticatedRequest) -> HttpResponse:
    """Every change of one pending preview, as a workbook."""
    entry = _previews(request).get(request.GET.get("preview", ""))
    if entry is None or not default_storage.exists(entry["changes"]):
        messages.error(request, "该预览已导入、已被取消或已过期，请重新上传文件。")
        return redirect("ledger_import")
    return workbook_response(change_sheets(entry["changes"]), "台账导入变更清单.xlsx")
