"""Excel in the browser: the template, an upload with a preview before anything is written.

An upload is a dry run: the file waits in storage under a random preview id, with its
SHA-256 and the list of every change it would make, until the officer confirms it. The
confirmation form carries that id and checksum, so the file imported is exactly the file
previewed in that tab, whatever other previews the officer opened since in other tabs.
"""

import contextlib
import hashlib
import tempfile
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from core import filenames
from core.capabilities import ALL, requires, scope
from core.http import AuthenticatedRequest
from core.xlsx import workbook_response
from ledger.documents.exporter import change_sheets, ledger_sheets, template_sheets
from ledger.rules.reader import LedgerImportError, file_too_large
from ledger.services.importer import import_ledger
from projects.access import visible_plans
from projects.filters import PlanFilter
from projects.models import AnnualPlan

PENDING = "ledger_previews"  # session key: preview id → the uploaded file waiting
PENDING_FOLDER = "ledger-uploads"
PENDING_MAX_AGE = timedelta(days=1)  # a preview nobody confirmed by then is dropped
PENDING_PER_SESSION = 5  # previews one officer may keep open (one per tab)
SHOWN_CHANGES = 50  # the first screenful of changes; the rest in the download


@requires("portfolio.view")
def template_download(request: AuthenticatedRequest) -> HttpResponse:
    return workbook_response(template_sheets(), filenames.LEDGER_TEMPLATE)


@requires("portfolio.view")
def ledger_export(request: AuthenticatedRequest) -> HttpResponse:
    """The ledger of the register's current filter (or of a year), within the user's scope.

    Without a filter (全部数据, or one year) a user who sees every project gets the same
    workbook as ``manage.py export_ledger``: findings on no project included.
    """
    filterset = PlanFilter(request.GET, queryset=visible_plans(request.user))
    if not filterset.is_valid():
        return workbook_response(ledger_sheets(plans=AnnualPlan.objects.none()), "ledger.xlsx")
    criteria = filterset.form.cleaned_data
    year = criteria.get("year")
    plans: QuerySet[AnnualPlan] | None = filterset.qs
    narrowed = any(v not in (None, "") for k, v in criteria.items() if k != "year")
    if not narrowed and scope(request.user, "portfolio.view") is ALL:
        plans = None
    return workbook_response(ledger_sheets(year=year, plans=plans), filenames.ledger(year=year))


@requires("ledger.import")
def ledger_import_page(request: AuthenticatedRequest) -> HttpResponse:
    """Upload → preview (a dry run: what would be created and changed) → confirm."""
    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _confirm(request)
    context: dict = {}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要导入的台账文件（.xlsx）。")
            return redirect("ledger_import")
        context = _preview(request, upload)
    context["years"] = (
        AnnualPlan.objects.order_by("-year").values_list("year", flat=True).distinct()
    )
    return render(request, "ledger/import.html", context)


def _preview(request: AuthenticatedRequest, upload: UploadedFile) -> dict:
    # refused by its size, never read (Django gives an upload its size and name: never None)
    if upload.size > settings.LEDGER_MAX_BYTES:  # type: ignore[operator]
        return {"problems": [file_too_large()], "filename": upload.name}
    _drop_stale()
    token = uuid.uuid4().hex
    path = default_storage.save(f"{PENDING_FOLDER}/{token}.xlsx", upload)  # streamed in chunks
    with tempfile.TemporaryFile("w+", encoding="utf-8") as changes:
        try:
            with default_storage.open(path, "rb") as stored:
                result = import_ledger(
                    file=stored,
                    filename=upload.name,  # type: ignore[arg-type]
                    user=request.user,
                    dry_run=True,
                    changes=changes,
                )
        except LedgerImportError as error:
            default_storage.delete(path)
            return {"problems": error.problems, "filename": upload.name}
        changes.seek(0)
        changes_path = default_storage.save(
            f"{PENDING_FOLDER}/{token}.changes.jsonl", File(changes)
        )
    pending = _previews(request)
    pending[token] = {
        "path": path,
        "changes": changes_path,
        "filename": upload.name,
        "sha256": _checksum(path),
        # what the preview showed it would do: the confirmation must do exactly that
        "fingerprint": result.fingerprint(),
    }
    for old in list(pending)[:-PENDING_PER_SESSION]:  # the oldest beyond the last few tabs
        _delete(pending.pop(old))
    request.session[PENDING] = pending
    return {
        "preview": result,
        "changes": result.changes.first[:SHOWN_CHANGES],
        "token": token,
        "checksum": pending[token]["sha256"],
        "filename": upload.name,
    }


def _previews(request: AuthenticatedRequest) -> dict:
    pending = request.session.get(PENDING)
    return dict(pending) if isinstance(pending, dict) else {}


def _checksum(path: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(path, "rb") as stored:
        for chunk in stored.chunks():
            digest.update(chunk)
    return digest.hexdigest()


def _delete(entry: dict) -> None:
    for key in ("path", "changes"):
        if entry.get(key) and default_storage.exists(entry[key]):
            with contextlib.suppress(FileNotFoundError):  # deleted meanwhile by another tab
                default_storage.delete(entry[key])


def _drop_stale() -> None:
    """Delete anyone's preview left unconfirmed for longer than ``PENDING_MAX_AGE``."""
    if not default_storage.exists(PENDING_FOLDER):
        return
    stale_before = timezone.now() - PENDING_MAX_AGE
    for name in default_storage.listdir(PENDING_FOLDER)[1]:
        path = f"{PENDING_FOLDER}/{name}"
        if default_storage.get_modified_time(path) < stale_before:
            default_storage.delete(path)


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
            and _checksum(entry["path"]) == entry["sha256"]
        )
        if not same:
            _delete(entry)
            messages.error(
                request,
                f"要确认的文件与预览的“{entry['filename']}”不一致，未导入任何数据。请重新上传并预览。",
            )
            return redirect("ledger_import")
        with default_storage.open(entry["path"], "rb") as stored:
            result = import_ledger(
                file=stored,
                filename=entry["filename"],
                user=request.user,
                expected=entry.get("fingerprint"),
                preview=token,
            )
    except FileNotFoundError:  # confirmed meanwhile in another tab, which deleted the file
        messages.error(request, gone)
        return redirect("ledger_import")
    except LedgerImportError as error:  # imported already, or the database changed since
        _delete(entry)
        return render(
            request,
            "ledger/import.html",
            {"problems": error.problems, "filename": entry["filename"]},
        )
    _delete(entry)
    for line in result.lines():
        messages.success(request, line)
    if result.warnings:
        messages.warning(request, f"请核对（已导入）：{'；'.join(result.warnings[:10])}"
                         + (f"……共{result.warnings_count}处" if result.warnings_count > 10 else ""))  # fmt: skip
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
