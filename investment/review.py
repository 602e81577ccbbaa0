"""The office's review of a month: approve or return reports, lock and unlock the month."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from investment import rules, services
from investment.forms import ReturnForm
from investment.models import MonthlyReport
from investment.rankings import month_deadline
from investment.reporting import _due, _period, _unit_for
from investment.selectors import reporting_status
from projects.access import require_office, visible_plans
from projects.models import Unit, User, money


@login_required
def review_month(request, year: int, month: int):
    """The office's review of a month: every unit's reports, approve or return, lock.

    Everyone but a unit's reporter may read it (a reporter sees only their unit's page).
    """
    _period(year, month)
    if request.user.role == User.Role.REPORTER:
        raise PermissionDenied("审核页面仅供项目办和领导查看。")
    status = request.GET.get("status") or MonthlyReport.Status.SUBMITTED
    reports = (
        MonthlyReport.objects.filter(plan__year=year, month=month)
        .select_related("plan__project__unit")
        .order_by("plan__project__unit__name", "plan__project__code")
    )
    if status in MonthlyReport.Status.values:
        reports = reports.filter(status=status)
    unit = _unit_for(request)
    if unit:
        reports = reports.filter(plan__project__unit=unit)
    cumulative = (
        MonthlyReport.objects.filter(
            plan=OuterRef("plan"), month__lte=month, status__in=MonthlyReport.COUNTED_STATUSES
        )
        .order_by()
        .values("plan")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    rows = [
        (
            report,
            money(report.cumulative),
            rules.percent(money(report.cumulative), report.plan.planned_investment),
            rules.unusual_amount(report.amount, report.plan.planned_investment),
        )
        for report in reports.annotate(cumulative=Subquery(cumulative))
    ]
    locked = services.is_locked(year=year, month=month)
    is_office = request.user.role == User.Role.OFFICER
    deadline = month_deadline(year, month)
    submitted_count = sum(
        1 for report, *_ in rows if report.status == MonthlyReport.Status.SUBMITTED
    )
    return render(
        request,
        "investment/review_month.html",
        {
            "year": year,
            "month": month,
            "rows": rows,
            "unit": unit,
            "units": Unit.objects.all(),
            "status": status,
            "statuses": MonthlyReport.Status.choices,
            "locked": locked,
            "is_office": is_office,
            "submitted_count": submitted_count,
            "by_unit": reporting_status(year=year, month=month, plans=visible_plans(request.user)),
            **_due(deadline),
            "can_batch": is_office and not locked and submitted_count > 0,
        },
    )


def _office_report(request, pk: int) -> MonthlyReport:
    require_office(request.user)
    return get_object_or_404(MonthlyReport.objects.select_related("plan"), pk=pk)


def _back_to_review(report: MonthlyReport):
    return redirect("review_month", year=report.plan.year, month=report.month)


@login_required
@require_POST
def report_approve(request, pk: int):
    report = _office_report(request, pk)
    try:
        services.report_approve(report=report, user=request.user)
        messages.success(request, f"已审核通过：{report.plan.project.name}")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return _back_to_review(report)


@login_required
@require_POST
def reports_approve(request, year: int, month: int):
    """通过所选 / 全部通过 on the review page: the ticked reports, or every one listed."""
    _period(year, month)
    require_office(request.user)
    field = "shown" if request.POST.get("scope") == "all" else "report"
    try:
        ids = [int(value) for value in request.POST.getlist(field)]
        count = services.reports_approve(year=year, month=month, report_ids=ids, user=request.user)
        messages.success(request, f"已审核通过{count}份报表。")
    except ValueError:
        messages.error(request, "所选报表有误，请刷新页面后重试。")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    back = reverse("review_month", args=[year, month])
    unit = request.POST.get("unit", "")
    return redirect(f"{back}?{urlencode({'unit': unit})}" if unit.isdigit() else back)


@login_required
@require_POST
def report_return(request, pk: int):
    report = _office_report(request, pk)
    form = ReturnForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("退回时须填写退回原因，便于填报单位修改。")
        services.report_return(report=report, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"已退回：{report.plan.project.name}")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return _back_to_review(report)


@login_required
@require_POST
def period_lock(request, year: int, month: int):
    _period(year, month)
    require_office(request.user)
    try:
        services.period_lock(year=year, month=month, user=request.user)
        messages.success(request, f"{year}年{month}月已锁定。")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("review_month", year=year, month=month)
