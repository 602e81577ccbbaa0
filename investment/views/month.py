"""Pages of the monthly reporting workflow: a unit's batch entry and its photos.

The office's review of a month is investment/views/review.py.

月度填报 (`report_month`) shows one line per plan row: drafts, returned reports (with the
office's reason) and rows without a report are editable, sent and approved ones read-only; a
line starts from last month's 形象进度/存在问题 (本月无变化 keeps them); 应报 is counted as 我的待办
counts it, rows not expected labelled 未开工/已替换. It saves through
`investment.services.entry.reports_save_month`; before the month's 报送开始日 it says from when
and offers 保存草稿 only; static/js/month-entry.js asks before 报送 with the count and total.
The month picker (`investment.selectors.month.month_choices`) goes through ``/reports/?period=``.
Photos (`report_photos`, `photo_delete`, `photo_file`) are served through the scope check, never
as public files.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core.capabilities import can, own_unit, requires
from core.errors import error_text
from core.http import AuthenticatedRequest
from core.models import money
from core.params import id_param, month_param, whole_number, year_param
from investment import rules
from investment.forms import ReportFormSet, ReportRowForm, unit_asked
from investment.models import MonthlyReport, ReportPhoto
from investment.rules import periods
from investment.rules.periods import Period
from investment.selectors.month import counted_before, entry_status, month_choices, report_for
from investment.selectors.portfolio import expecting_reports
from investment.services import entry, photos
from investment.services import reports as services
from projects.access import visible_plans
from projects.models import AnnualPlan, Unit


@dataclass
class EntryLine:
    """One project's line on the month page."""

    plan: AnnualPlan
    form: ReportRowForm | None  # None: shown read-only (sent, approved, locked, or a reader)
    report: MonthlyReport | None
    previous: MonthlyReport | None  # last month's report, for 本月无变化
    earlier: Decimal  # counted investment of the months before
    earlier_rate: Decimal | None
    expected: bool  # whether the row owes this month's report (started, not replaced)

    @property
    def why_not_expected(self) -> str:
        if self.plan.replaced_by_id:
            return "已替换"
        return "未开工"


@requires("portfolio.view", post="report.enter")
def report_month(request: AuthenticatedRequest, year: int, month: int) -> HttpResponse:
    """One unit's batch entry for a month: one line per plan row of the year.

    Drafts, returned reports and rows without a report are editable; sent and approved ones
    are shown read-only, so saving never touches them.
    """
    periods.month_or_404(year, month)
    period = Period.of(year, month)
    unit = unit_asked(request)
    plans = list(
        visible_plans(request.user)
        .filter(year=year, project__unit=unit)
        .select_related("project")
        .order_by("project__code")
    ) if unit else []  # fmt: skip
    reports = {
        r.plan_id: r
        for r in MonthlyReport.objects.filter(plan__in=plans, month=month)
        .select_related("reviewed_by")
        .prefetch_related("photos", "flags")
    }
    previous = entry.previous_reports(plans, year=year, month=month)
    locked = services.is_locked(year=year, month=month)
    can_write = can(request.user, "report.enter") and not locked
    editable = [
        plan
        for plan in plans
        if can_write and (plan.pk not in reports or reports[plan.pk].status in services.EDITABLE)
    ]
    initial = [
        _initial(plan, reports.get(plan.pk), previous.get(plan.project_id)) for plan in editable
    ]
    formset = ReportFormSet(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        saved = formset.is_valid() and _save(request, formset, plans, year, month)
        if saved:
            query = f"?unit={unit.pk}" if unit else ""
            if saved.held:  # data-quality flags: listed with their reasons before sending
                return redirect(reverse("report_send", args=[year, month]) + query)
            return redirect(request.path + query)
        messages.error(
            request,
            f"有填写错误{_form_errors(formset, plans)}，未保存任何数据，请按提示修改。"
            + ("所选照片未上传，改正后请重新选择照片。" if request.FILES else ""),
        )
    return render(
        request,
        "investment/report_month.html",
        {
            "year": year,
            "month": month,
            "unit": unit,
            "units": Unit.objects.all() if own_unit(request.user) is None else [],
            "formset": formset,
            "lines": _lines(plans, formset, reports, previous, year=year, month=month),
            "status": entry_status(plans=plans, reports=reports, year=year, month=month),
            **periods.deadline_shown(period.deadline),
            "locked": locked,
            "can_write": can_write,
            # 报送 from the month's 报送开始日 (drafts any time): the page says from when.
            "window_open": period.window_open,
            "can_submit": can_write and period.window_open,
            "window_note": period.window_note,
            "has_editable": bool(editable),
            "photo_limit": settings.PHOTO_MAX_PER_REPORT,
            "month_choices": month_choices(
                unit=unit,
                current=periods.reporting_month(period.today),
                shown=(year, month),
            ),
        },
    )


def _form_errors(formset: "BaseFormSet[ReportRowForm]", plans: list[AnnualPlan]) -> str:
    """（“城关保障房”本月完成投资：请填写数字…）: which lines the errors are on, by name."""
    names = {str(plan.pk): plan.project.name for plan in plans}
    found = [
        f"“{names.get(str(form['plan'].value()), '未知项目')}”{form.fields[field].label}：{error}"
        for form in formset.forms
        for field, errors in form.errors.items()
        if field in form.fields
        for error in errors
    ]
    return f"（{'；'.join(found)}）" if found else ""


def _initial(
    plan: AnnualPlan, report: MonthlyReport | None, previous: MonthlyReport | None
) -> dict[str, object]:
    """A line as the page first shows it: the report's figures, else last month's text."""
    return {
        "plan": plan.pk,
        "version": report.version if report else 0,
        "amount": entry.plain_amount(report.amount) if report else None,
        **entry.prefill(report, previous),
    }


def _lines(
    plans: list[AnnualPlan],
    formset: "BaseFormSet[ReportRowForm]",
    reports: dict[int, MonthlyReport],
    previous: dict[int, MonthlyReport],
    *,
    year: int,
    month: int,
) -> list[EntryLine]:
    forms = {}
    for form in formset.forms:
        plan_id = whole_number(str(form["plan"].value() or ""), low=1)
        if plan_id is not None:
            forms[plan_id] = form
    earlier = counted_before(plans=plans, month=month)
    expected = set(
        expecting_reports(
            AnnualPlan.objects.filter(pk__in=[plan.pk for plan in plans]), year=year, month=month
        ).values_list("pk", flat=True)
    )
    return [
        EntryLine(
            plan=plan,
            form=forms.get(plan.pk),
            report=reports.get(plan.pk),
            previous=previous.get(plan.project_id),
            earlier=money(earlier.get(plan.pk)),
            earlier_rate=rules.percent(money(earlier.get(plan.pk)), plan.planned_investment),
            expected=plan.pk in expected,
        )
        for plan in plans
    ]


def _save(
    request: AuthenticatedRequest,
    formset: "BaseFormSet[ReportRowForm]",
    plans: list[AnnualPlan],
    year: int,
    month: int,
) -> entry.MonthSaved | None:
    """Hand the posted lines (and their photos) to the batch save; all or nothing. 保存并报送
    sends only when no line has a data-quality flag; otherwise the lines are kept as drafts and
    the page goes on to 报送确认, which lists the flags first."""
    by_id: dict[int | None, AnnualPlan] = {plan.pk: plan for plan in plans}  # None: no plan posted
    entries = []
    for form in formset.forms:
        data = form.cleaned_data
        plan = by_id.get(data.get("plan"))
        if plan is None:
            raise Http404("没有这个项目")
        entries.append(
            entry.MonthEntry(
                plan=plan,
                version=data.get("version"),
                amount=data.get("amount"),
                progress=data["progress"],
                problems=data["problems"],
                problem_category=data["problem_category"],
                unchanged=data["unchanged"],
                photos=request.FILES.getlist(f"{form.prefix}-photos"),
            )
        )
    try:
        saved = entry.reports_save_month(
            user=request.user,
            year=year,
            month=month,
            entries=entries,
            submit=request.POST.get("action") == "submit",
            hold_flagged=True,
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return None
    for level, text in saved.notices():
        messages.add_message(request, level, text)
    return saved


@requires("portfolio.view", post="report.enter")
def report_photos(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = report_for(request.user, pk)
    if request.method == "POST":
        try:
            stored = photos.photos_upload(
                report=report,
                user=request.user,
                uploads=request.FILES.getlist("photo"),
                caption=request.POST.get("caption", ""),
            )
            messages.success(request, f"已上传{len(stored)}张照片。")
        except ValidationError as error:
            messages.error(request, error_text(error))
        return redirect("report_photos", pk=report.pk)
    return render(
        request,
        "investment/report_photos.html",
        {
            "report": report,
            "photos": report.photos.all(),
            "photo_limit": settings.PHOTO_MAX_PER_REPORT,
            "photo_mb": settings.PHOTO_MAX_BYTES // (1024 * 1024),
            "can_upload": can(request.user, "report.enter", report)
            and not services.is_locked(year=report.plan.year, month=report.month),
            "can_delete": photos.can_delete(request.user, report),
        },
    )


@requires("report.enter", methods=["POST"])
def photo_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """删除 on the photo page: a draft's or returned report's photo (``photos.photo_delete``)."""
    photo = get_object_or_404(ReportPhoto, pk=pk)
    report = report_for(request.user, photo.report_id)
    try:
        photos.photo_delete(photo=photo, user=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "照片已删除。")
    return redirect("report_photos", pk=report.pk)


@requires("portfolio.view")
def photo_file(request: AuthenticatedRequest, pk: int, kind: str) -> HttpResponseBase:
    """Serve a photo only to those who may see its report (photos are not public files)."""
    photo = get_object_or_404(ReportPhoto, pk=pk)
    report_for(request.user, photo.report_id)
    field = photo.thumbnail if kind == "thumb" else photo.image
    return FileResponse(field.open("rb"), content_type="image/jpeg")


@requires("portfolio.view")
def current_reporting_month(request: AuthenticatedRequest) -> HttpResponse:
    """The month being reported now (the one that ended last), or the month picked on the
    month page's picker (``?period=2026-9``, keeping ``unit``)."""
    year, month = periods.reporting_month(timezone.localdate())
    asked = request.GET.get("period", "").partition("-")
    picked = {"year": asked[0], "month": asked[2]}
    picked_year, picked_month = year_param(picked), month_param(picked)
    if picked_year is not None and picked_month is not None:
        year, month = picked_year, picked_month
    unit = id_param(request.GET, "unit")
    query = f"?unit={unit}" if unit is not None else ""
    return redirect(reverse("report_month", args=[year, month]) + query)
