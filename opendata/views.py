"""开放数据 (OC4IDS) for the office, under Excel台账: the page says what a year's package
publishes and what it keeps out, and offers the download (the same file as
``manage.py export_oc4ids``); a download is recorded by the audit middleware."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header

from core import filenames
from core.capabilities import requires
from core.http import AuthenticatedRequest
from core.params import note_bad, year_param
from core.replica import figure_page
from opendata.documents.package import (
    PUBLISHER,
    gaps,
    gaps_in_projects,
    package,
    package_json,
    package_uri,
    project_id,
    unmapped,
)
from opendata.selectors import year_to_publish, years_listed


@figure_page
@requires("opendata.publish")
def opendata_page(request: AuthenticatedRequest) -> HttpResponse:
    years = years_listed()
    asked = note_bad(request, "year", year_param(request.GET), label="年度")
    year = asked if asked is not None else (years[0] if years else None)
    context: dict = {
        "years": years,
        "year": year,
        # as configured ("" unset: the page says what to set, and what the file says meanwhile)
        "prefix": settings.OC4IDS_ID_PREFIX,
        "published_at": settings.OC4IDS_PUBLISHED_AT,
        "publisher": settings.OC4IDS_PUBLISHER,
        "publisher_unset": PUBLISHER,
    }
    if year is not None:
        data = year_to_publish(year)
        total = sum((item.project.total_investment for item in data.projects), start=0)
        # A replaced row is published (as cancelled) but counts in no figure of 总体情况: said
        # apart, so the two pages' counts and totals are seen to agree.
        counted = data.counted
        replaced = len(data.projects) - len(counted)
        # What the download leaves out, counted from the package the download writes.
        missing = gaps(data, package(data)) if data.projects else []
        context |= {
            "data": data,
            "gaps": missing,
            "gap_projects": gaps_in_projects(missing),
            "total": total if data.projects else None,
            "replaced": replaced,
            "counted": len(counted),
            "counted_total": (
                sum((item.project.total_investment for item in counted), start=0)
                if replaced
                else None
            ),
            "milestones": sum(len(item.milestones) for item in data.projects),
            "unmapped": unmapped(data),
            "uri": package_uri(year),
            "example_id": project_id(data.projects[0].project.code) if data.projects else None,
        }
    return render(request, "opendata/page.html", context)


@figure_page
@requires("opendata.publish")
def oc4ids_download(request: AuthenticatedRequest) -> HttpResponse:
    year = year_param(request.GET)
    if year is None:
        messages.error(request, "请选择要导出的年度（2000–2100之间的四位年份）。")
        return redirect("opendata")
    data = year_to_publish(year)
    if not data.projects:
        messages.error(request, f"{year}年没有列入年度计划的项目，无可导出的开放数据。")
        return redirect(f"{reverse('opendata')}?year={year}")
    response = HttpResponse(package_json(data), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, filenames.opendata(year=year)
    )
    return response
