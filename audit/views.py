from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from audit.access import require_auditor
from audit.forms import AuditFilterForm
from audit.history import HISTORY_MODELS, history_rows, with_changes
from audit.models import AuditEntry
from audit.selectors import EXPORT_HEADERS, audit_entries, export_rows
from projects import filenames
from projects.xlsx import workbook_response


@login_required
def audit_log(request):
    """安全审计: every recorded action, filtered; the same filter exports to Excel."""
    require_auditor(request.user)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_entries(**{k: v for k, v in filters.items() if v})
    if request.GET.get("format") == "xlsx":
        return workbook_response(
            [("审计日志", EXPORT_HEADERS, export_rows(entries))], filenames.AUDIT_LOG
        )
    page = Paginator(entries.select_related("user"), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/audit_log.html",
        {"form": form, "page": page, "outcomes": AuditEntry.Outcome},
    )


@login_required
def data_history(request):
    """数据变更: the model history of the domain tables, newest first."""
    require_auditor(request.user)
    table = request.GET.get("table") if request.GET.get("table") in HISTORY_MODELS else "report"
    page = Paginator(history_rows(table), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/data_history.html",
        {
            "page": page,
            "rows": with_changes(list(page)),
            "table": table,
            "tables": [(k, v[1]) for k, v in HISTORY_MODELS.items()],
        },
    )
