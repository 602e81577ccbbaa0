"""安全审计: the auditor's log, filtered and exported to Excel (数据变更记录, the model history,
is `history.views`)."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpResponse

from audit.filters import AuditFilter
from audit.models import AuditEntry
from audit.selectors.entries import EXPORT_HEADERS, export_rows
from audit.tables import AuditTable
from core import filenames
from core.capabilities import needs
from core.lists import ListPage
from core.xlsx import workbook_response


class AuditLog(ListPage[AbstractBaseUser]):
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
