"""Pages of the monthly reporting workflow: a unit's batch entry and its photos.

The office's review of a month is investment/review.py.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from investment import photos, rules, services
from investment.forms import ReportFormSet
from investment.models import MonthlyReport, ReportPhoto
from investment.rankings import month_deadline
from projects.access import visible_plans
from projects.models import Unit, User, money


def _period(year: int, month: int) -> None:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404("没有这个月份")


def _unit_for(request) -> Unit | None:
    """A reporter reports for their own unit; the office may pick any unit."""
    if request.user.role == User.Role.REPORTER:
        return request.user.unit
    unit_id = request.GET.get("unit") or request.POST.get("unit")
    return Unit.objects.filter(pk=unit_id).first() if unit_id and unit_id.isdigit() else None


@login_required
def report_month(request, year: int, month: int):
    """One unit's batch entry for a month: one line per plan row of the year."""
    _period(year, month)
    unit = _unit_for(request)
    plans = list(
        visible_plans(request.user)
        .filter(year=year, project__unit=unit)
        .select_related("project")
        .order_by("project__code")
    ) if unit else []  # fmt: skip
    reports = {r.plan_id: r for r in MonthlyReport.objects.filter(plan__in=plans, month=month)}
    deadline = month_deadline(year, month)
    locked = services.is_locked(year=year, month=month)
    initial = [
        {
            "plan": plan.pk,
            "version": reports[plan.pk].version if plan.pk in reports else 0,
            "amount": _plain(reports[plan.pk].amount) if plan.pk in reports else None,
            "progress": reports[plan.pk].progress if plan.pk in reports else "",
            "problems": reports[plan.pk].problems if plan.pk in reports else "",
            "problem_category": reports[plan.pk].problem_category if plan.pk in reports else "",
        }
        for plan in plans
    ]
    formset = ReportFormSet(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.user.role not in (User.Role.REPORTER, User.Role.OFFICER):
            raise PermissionDenied("您的角色不能填报。")
        if formset.is_valid() and _save(request, formset, plans, month):
            return redirect(f"{request.path}?unit={unit.pk}" if unit else request.path)
        messages.error(request, "有填写错误，未保存任何数据，请按提示修改。")
    earlier = dict(
        MonthlyReport.objects.filter(
            plan__in=plans, month__lt=month, status__in=MonthlyReport.COUNTED_STATUSES
        )
        .order_by()
        .values("plan")
        .annotate(total=Sum("amount"))
        .values_list("plan", "total")
    )  # the months before this one, for the reporter to check the new figure against
    rows = [
        (plan, form, reports.get(plan.pk), money(earlier.get(plan.pk)),
         rules.percent(money(earlier.get(plan.pk)), plan.planned_investment))
        for plan, form in zip(plans, formset.forms, strict=False)
    ]  # fmt: skip
    return render(
        request,
        "investment/report_month.html",
        {
            "year": year,
            "month": month,
            "unit": unit,
            "units": Unit.objects.all() if request.user.role != User.Role.REPORTER else [],
            "formset": formset,
            "rows": rows,
            **_due(deadline),
            "locked": locked,
            "can_write": request.user.role in (User.Role.REPORTER, User.Role.OFFICER)
            and not locked,
        },
    )


def _save(request, formset, plans, month: int) -> bool:
    """Save every filled line (and submit them if asked); all or nothing."""
    by_id = {plan.pk: plan for plan in plans}
    submit = request.POST.get("action") == "submit"
    warnings: list[str] = []
    try:
        with transaction.atomic():
            saved = 0
            for form in formset.forms:
                data = form.cleaned_data
                plan = by_id.get(data.get("plan"))
                if plan is None:
                    raise Http404("没有这个项目")
                if data.get("amount") is None:
                    continue
                report = services.report_save(
                    plan=plan,
                    month=month,
                    user=request.user,
                    amount=data["amount"],
                    progress=data["progress"],
                    problems=data["problems"],
                    problem_category=data["problem_category"],
                    expected_version=data.get("version"),
                )
                if submit:
                    services.report_submit(report=report, user=request.user)
                saved += 1
                unusual = rules.unusual_amount(report.amount, plan.planned_investment)
                if unusual:
                    warnings.append(f"“{plan.project.name}”{unusual}")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return False
    messages.success(request, f"已{'报送' if submit else '保存'}{saved}个项目的月报。")
    for warning in warnings:
        messages.warning(request, f"{warning}；如有误请修改后重新保存。")
    return True


def _due(deadline) -> dict:
    """The last minute of the due day to show, and whether it has passed."""
    return {
        "due": timezone.localtime(deadline) - timezone.timedelta(seconds=1),
        "overdue": timezone.now() >= deadline,
    }


def _plain(amount: Decimal) -> str:
    """186.3700 as 186.37 in the form: the stored places, without trailing zeros."""
    return f"{amount.normalize():f}"


def _report_for(user: User, pk: int) -> MonthlyReport:
    """A report within the user's scope; another unit's report is 404 for a reporter."""
    return get_object_or_404(
        MonthlyReport.objects.select_related("plan__project").filter(plan__in=visible_plans(user)),
        pk=pk,
    )


@login_required
def report_photos(request, pk: int):
    report = _report_for(request.user, pk)
    if request.method == "POST":
        upload = request.FILES.get("photo")
        try:
            if upload is None:
                raise ValidationError("请选择要上传的照片。")
            photos.photo_add(
                report=report,
                user=request.user,
                data=upload.read(),
                caption=request.POST.get("caption", ""),
            )
            messages.success(request, "照片已上传。")
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        return redirect("report_photos", pk=report.pk)
    return render(
        request,
        "investment/report_photos.html",
        {
            "report": report,
            "photos": report.photos.all(),
            "can_upload": request.user.role in (User.Role.REPORTER, User.Role.OFFICER)
            and not services.is_locked(year=report.plan.year, month=report.month),
        },
    )


@login_required
def photo_file(request, pk: int, kind: str):
    """Serve a photo only to those who may see its report (photos are not public files)."""
    photo = get_object_or_404(ReportPhoto, pk=pk)
    _report_for(request.user, photo.report_id)
    field = photo.thumbnail if kind == "thumb" else photo.image
    return FileResponse(field.open("rb"), content_type="image/jpeg")
