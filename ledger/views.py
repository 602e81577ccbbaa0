"""Excel in the browser: the template, an upload with a preview before anything is written."""

import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.utils import timezone

from ledger.exporter import ledger_sheets, template_sheets
from ledger.importer import import_ledger
from ledger.reader import LedgerImportError
from projects.access import require_office, visible_plans
from projects.filters import PlanFilter
from projects.models import AnnualPlan
from projects.xlsx import workbook_response

PENDING = "ledger_pending"  # session key: the uploaded file waiting for confirmation
PENDING_FOLDER = "ledger-uploads"
PENDING_MAX_AGE = timedelta(days=1)  # a preview nobody confirmed by then is dropped


@login_required
def template_download(request):
    return workbook_response(template_sheets(), "台账模板.xlsx")


@login_required
def ledger_export(request):
    """The ledger of the register's current filter (or of a year), within the user's scope."""
    filterset = PlanFilter(request.GET or None, queryset=visible_plans(request.user))
    plans = filterset.qs if filterset.is_valid() else visible_plans(request.user).none()
    year = filterset.form.cleaned_data.get("year") if filterset.is_valid() else None
    name = f"{year}-ledger.xlsx" if year else "ledger.xlsx"
    return workbook_response(ledger_sheets(year=year, plans=plans), name)


@login_required
def ledger_import_page(request):
    """Upload → preview (a dry run: what would be created and changed) → confirm."""
    require_office(request.user)
    context: dict = {}
    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _confirm(request)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要导入的台账文件（.xlsx）。")
            return redirect("ledger_import")
        data = upload.read()
        try:
            result = import_ledger(data=data, filename=upload.name, user=request.user, dry_run=True)
        except LedgerImportError as error:
            context["problems"] = error.problems
            context["filename"] = upload.name
        else:
            _drop_pending(request.session.get(PENDING))
            path = default_storage.save(
                f"{PENDING_FOLDER}/{uuid.uuid4().hex}.xlsx", ContentFile(data)
            )
            request.session[PENDING] = {"path": path, "filename": upload.name}
            context.update(preview=result, filename=upload.name)
    context["years"] = (
        AnnualPlan.objects.order_by("-year").values_list("year", flat=True).distinct()
    )
    return render(request, "ledger/import.html", context)


def _drop_pending(pending: dict | None) -> None:
    """Forget an upload that will not be confirmed: the user's previous preview, and any
    preview of anyone's left unconfirmed for longer than ``PENDING_MAX_AGE``."""
    if pending and default_storage.exists(pending["path"]):
        default_storage.delete(pending["path"])
    if not default_storage.exists(PENDING_FOLDER):
        return
    stale_before = timezone.now() - PENDING_MAX_AGE
    for name in default_storage.listdir(PENDING_FOLDER)[1]:
        path = f"{PENDING_FOLDER}/{name}"
        if default_storage.get_modified_time(path) < stale_before:
            default_storage.delete(path)


def _confirm(request):
    pending = request.session.pop(PENDING, None)
    if not pending or not default_storage.exists(pending["path"]):
        messages.error(request, "没有待确认的导入，请重新上传文件。")
        return redirect("ledger_import")
    with default_storage.open(pending["path"]) as stored:
        data = stored.read()
    default_storage.delete(pending["path"])
    try:
        result = import_ledger(data=data, filename=pending["filename"], user=request.user)
    except LedgerImportError as error:  # the database changed since the preview
        return render(
            request,
            "ledger/import.html",
            {"problems": error.problems, "filename": pending["filename"]},
        )
    for line in result.lines():
        messages.success(request, line)
    if result.warnings:
        messages.warning(request, f"请核对（已导入）：{'；'.join(result.warnings[:10])}"
                         + (f"……共{len(result.warnings)}处" if len(result.warnings) > 10 else ""))  # fmt: skip
    messages.success(request, f"“{pending['filename']}”导入完成。")
    return redirect("ledger_import")
