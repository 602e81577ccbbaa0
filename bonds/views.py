from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from bonds.models import FundApplication, FundStatus, FundType
from bonds.selectors import fund_totals
from projects.access import visible_projects
from projects.models import Unit


@login_required
def fund_list(request):
    """Fund applications with filters, and totals by type for the same filter."""
    applications = FundApplication.objects.filter(project__in=visible_projects(request.user))
    filters = {
        "year": request.GET.get("year", ""),
        "fund_type": request.GET.get("fund_type", ""),
        "status": request.GET.get("status", ""),
        "unit": request.GET.get("unit", ""),
    }
    if filters["year"].isdigit():
        applications = applications.filter(year=int(filters["year"]))
    if filters["fund_type"] in FundType.values:
        applications = applications.filter(fund_type=filters["fund_type"])
    if filters["status"] in FundStatus.values:
        applications = applications.filter(status=filters["status"])
    if filters["unit"].isdigit():
        applications = applications.filter(project__unit=int(filters["unit"]))
    page = Paginator(
        applications.select_related("project__unit").order_by(
            "-year", "project__code", "fund_type"
        ),
        50,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "bonds/fund_list.html",
        {
            "page": page,
            "totals": fund_totals(applications),
            "filters": filters,
            "fund_types": FundType.choices,
            "statuses": FundStatus.choices,
            "units": Unit.objects.all(),
        },
    )
