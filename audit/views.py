from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render

from audit.filters import AuditFilter
from audit.models import AuditEntry
from audit.selectors.entries import EXPORT_HEADERS, export_rows
from audit.selectors.history import HISTORY_MODELS, history_rows
from audit.tables import AuditTable, HistoryTable
from core import filenames
from core.capabilities import needs, requires
from core.http import AuthenticatedRequest
from core.lists import ListPage, paginate
from core.xlsx import workbook_response
from projects.models import User


class AuditLog(ListPage[User]):
    """安全审计: every recorded action, filtered; the same filter exports to Excel."""

    filterset_class = AuditFilter
    table_class = AuditTable
    template_name = "audit/audit_log.html"
    per_page = 100
    capabilities = needs("audit.read")

    def get_queryset(self) -> QuerySet[AuditEntry]:
        return AuditEntry.objects.select_related("user").order_by("-at", "-pk")

    def export(self, entries: QuerySet[AuditEntry]) -> HttpResponse:
        return workbook_response(
            [("审计日志", EXPORT_HEADERS, export_rows(entries))], filenames.AUDIT_LOG
        )


audit_log = AuditLog.as_view()


@requires("audit.read")
def data_history(request: AuthenticatedRequest) -> HttpResponse:
    """数据变更: the model history of the domain tables, newest first."""
    asked = request.GET.get("table", "")
    table = asked if asked in HISTORY_MODELS else "report"
    rows = HistoryTable(history_rows(table), table=table)
    paginate(request, rows, per_page=100)
    return render(
        request,
        "audit/data_history.html",
        {
            "table": rows,
            "chosen": table,
            "tables": [(key, kind.label) for key, kind in HISTORY_MODELS.items()],
        },
    )
