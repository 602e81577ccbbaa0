"""数据变更记录: the model history of the domain tables, for the auditor. It reads every app's
tables, so it sits above them all (the audit trail itself, `audit`, sits below them: every
service writes to it)."""

from django.http import HttpResponse
from django.shortcuts import render

from core.capabilities import requires
from core.http import AuthenticatedRequest
from core.lists import paginate
from history.selectors import HISTORY_MODELS, history_rows
from history.tables import HistoryTable


@requires("audit.read")
def data_history(request: AuthenticatedRequest) -> HttpResponse:
    """数据变更: the model history of the domain tables, newest first."""
    asked = request.GET.get("table", "")
    table = asked if asked in HISTORY_MODELS else "report"
    rows = HistoryTable(history_rows(table), table=table)
    paginate(request, rows, per_page=100)
    return render(
        request,
        "history/data_history.html",
        {
            "table": rows,
            "chosen": table,
            "tables": [(key, kind.label) for key, kind in HISTORY_MODELS.items()],
        },
    )
