"""The ledger export as the register's page asks for it (its filter or a year, within the user's
scope): the file's name and bytes, made at once for a county or by a background job for a city
(``jobs.tasks.document_make`` calls it with a request rebuilt from the page's query and user)."""

from django.db.models import QuerySet

from core import filenames
from core.capabilities import ALL, scope
from core.http import AuthenticatedRequest
from core.xlsx import render_workbook
from ledger.documents.exporter import ledger_sheets
from projects.access import visible_plans
from projects.filters import PlanFilter
from projects.models import AnnualPlan


def asked_filter(request: AuthenticatedRequest) -> PlanFilter:
    return PlanFilter(request.GET, queryset=visible_plans(request.user))


def ledger_workbook(request: AuthenticatedRequest) -> tuple[str, bytes]:
    """Without a filter (全部数据, or one year) a user who sees every project gets the same
    workbook as ``manage.py export_ledger``: findings on no project included."""
    filterset = asked_filter(request)
    if not filterset.is_valid():
        return "ledger.xlsx", render_workbook(ledger_sheets(plans=AnnualPlan.objects.none()))
    criteria = filterset.form.cleaned_data
    year = criteria.get("year")
    plans: QuerySet[AnnualPlan] | None = filterset.qs
    narrowed = any(v not in (None, "") for k, v in criteria.items() if k != "year")
    if not narrowed and scope(request.user, "portfolio.view") is ALL:
        plans = None
    return filenames.ledger(year=year), render_workbook(ledger_sheets(year=year, plans=plans))
