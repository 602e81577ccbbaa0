"""The office's review of a month: approve or return reports, 催报, lock and unlock the month.

Every action comes back to the unit it was taken on (``#unit-<id>``, with ``focus`` keeping
that unit's heading on the page even when its last report has just left the list).

Each unit's 应报/已报 with its reporters and phones, and 催报, a ready-to-paste message naming
each missing unit's contact (static/js/copy.js copies it); reports grouped by unit with last
month's amount, the cumulative completion, photos and, for a report sent again after a return,
the amount it had and the reason. Before the month's 报送开始日 it offers no 通过/全部通过/锁定
(退回 stays). 锁定 is a confirmation page naming the units still missing; 解锁 takes a reason,
recorded in the audit trail and shown to reporters on 我的待办.
"""

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core.capabilities import can, requires
from core.errors import error_text
from core.http import AuthenticatedRequest
from core.params import id_list, id_param
from investment.forms import ReturnForm, review_url, unit_asked
from investment.models import MonthlyReport, ReportingPeriod
from investment.rules import periods
from investment.rules.periods import Period
from investment.selectors.month import lock_summary, review_list
from investment.selectors.portfolio import UnitReporting, reporting_status
from investment.services import reports as services
from projects.access import visible_plans
from projects.models import Unit


@requires("review.read")
def review_month(request: AuthenticatedRequest, year: int, month: int) -> HttpResponse:
    """The office's review of a month: every unit's reports, approve or return, lock.

    Everyone but a unit's reporter may read it (a reporter sees only their unit's page).
    """
    periods.month_or_404(year, month)
    shown = Period.of(year, month)
    status = request.GET.get("status") or MonthlyReport.Status.SUBMITTED
    unit = unit_asked(request)
    listed = review_list(
        year=year, month=month, status=status, unit=unit, focus=id_param(request.GET, "focus")
    )
    locked = services.is_locked(year=year, month=month)
    may_review = can(request.user, "report.review")
    may_lock = can(request.user, "period.lock")
    deadline = shown.deadline
    by_unit = reporting_status(year=year, month=month, plans=visible_plans(request.user))
    missing = [u for u in by_unit if u.outstanding]
    window_open = shown.window_open
    return render(
        request,
        "investment/review_month.html",
        {
            "year": year,
            "month": month,
            "groups": listed.groups,
            "unit": unit,
            "units": Unit.objects.all(),
            "status": status,
            "statuses": MonthlyReport.Status.choices,
            "locked": locked,
            "period": ReportingPeriod.objects.filter(year=year, month=month).first(),
            "can_unlock": may_lock and locked,
            "can_lock": may_lock and not locked and window_open,
            "can_act": may_review and not locked,
            # Approving and locking wait for the month's 报送开始日 (returning does not).
            "can_approve": may_review and not locked and window_open,
            "window_note": "" if window_open else shown.window_note,
            "submitted_count": listed.submitted_count,
            "held_count": listed.held_count,
            "can_accept": can(request.user, "quality.accept") and not locked,
            "by_unit": by_unit,
            "missing": missing,
            "reminder": reminder_message(year, month, deadline, missing) if missing else "",
            **periods.deadline_shown(deadline),
            # 通过所选 / 全部通过 only when one of the listed reports can be approved: when every
            # one waits for 已核实 the page says so instead of offering a button approving none.
            "can_batch": may_review
            and not locked
            and window_open
            and listed.submitted_count > listed.held_count,
        },
    )


def reminder_message(
    year: int, month: int, deadline: datetime, missing: list[UnitReporting]
) -> str:
    """催报: a message to paste into the units' chat group, naming who still owes what."""
    due = periods.deadline_shown(deadline)
    when = f"{due['due'].month}月{due['due'].day}日"
    head = (
        f"【催报】{year}年{month}月重点项目月报已过报送截止时间（{when}），"
        if due["overdue"]
        else f"【催报】{year}年{month}月重点项目月报请于{when}（含当日）前报送，"
    )
    lines = [f"{head}以下{len(missing)}个单位尚未报齐，请抓紧在平台“月度填报”中填报并报送："]
    for number, unit in enumerate(missing, start=1):
        parts = [f"未报{unit.outstanding}个项目"]
        if unit.returned:
            parts.append(f"其中退回待改{unit.returned}个")
        who = "、".join(unit.reporters) if unit.reporters else "（未设填报员）"
        lines.append(f"{number}. {unit.unit}（{'，'.join(parts)}）联系人：{who}")
    lines.append("如有困难请及时与县重点项目办联系。")
    return "\n".join(lines)


def _back(
    request: HttpRequest, year: int, month: int, unit_id: int | None, *, anchor: str = ""
) -> HttpResponse:
    return redirect(review_url(request.POST, year, month, unit_id, anchor=anchor))


def _office_report(request: AuthenticatedRequest, pk: int) -> MonthlyReport:
    return get_object_or_404(MonthlyReport.objects.select_related("plan__project"), pk=pk)


def _back_to_report(request: AuthenticatedRequest, report: MonthlyReport) -> HttpResponse:
    return _back(request, report.plan.year, report.month, report.plan.project.unit_id)


@requires("report.review", methods=["POST"])
def report_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = _office_report(request, pk)
    try:
        services.report_approve(report=report, user=request.user)
        messages.success(request, f"已审核通过：{report.plan.project.name}")
    except ValidationError as error:
        messages.error(request, f"{report.plan.project.name}：{error_text(error)}")
    return _back_to_report(request, report)


@requires("report.review", methods=["POST"])
def reports_approve(request: AuthenticatedRequest, year: int, month: int) -> HttpResponse:
    """通过所选 / 全部通过 on the review page: the ticked reports, or every one listed."""
    periods.month_or_404(year, month)
    field_name = "shown" if request.POST.get("scope") == "all" else "report"
    try:
        ids = id_list(request.POST, field_name)
        result = services.reports_approve(year=year, month=month, report_ids=ids, user=request.user)
        (messages.warning if result.left else messages.success)(request, result.text())
    except ValueError:
        messages.error(request, "所选报表有误，请刷新页面后重试。")
    except ValidationError as error:
        messages.error(request, error_text(error))
    return _back(request, year, month, None)


@requires("report.review", methods=["POST"])
def report_return(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = _office_report(request, pk)
    form = ReturnForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("退回时须填写退回原因，便于填报单位修改。")
        services.report_return(report=report, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"已退回：{report.plan.project.name}")
    except ValidationError as error:
        messages.error(request, f"{report.plan.project.name}：{error_text(error)}")
    return _back_to_report(request, report)


@requires("report.review", methods=["POST"])
def reports_return_unit(request: AuthenticatedRequest, year: int, month: int) -> HttpResponse:
    """退回本单位: every submitted report of one unit's month, with one reason."""
    periods.month_or_404(year, month)
    unit_id = id_param(request.POST, "unit")
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id is not None else None
    if unit is None:
        messages.error(request, "请选择要退回的单位。")
        return _back(request, year, month, None)
    try:
        ids = id_list(request.POST, "report")
        count = services.reports_return_unit(
            year=year,
            month=month,
            unit=unit,
            report_ids=ids,
            user=request.user,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, f"已退回{unit}{month}月的{count}份报表。")
    except ValueError:
        messages.error(request, "所选报表有误，请刷新页面后重试。")
    except ValidationError as error:
        messages.error(request, error_text(error))
    return _back(request, year, month, unit.pk)


@requires("period.lock")
def period_lock(request: AuthenticatedRequest, year: int, month: int) -> HttpResponse:
    """锁定: a confirmation naming the units still missing (GET), then the lock (POST)."""
    periods.month_or_404(year, month)
    back = reverse("review_month", args=[year, month])
    if request.method == "POST":
        try:
            confirmed = id_list(request.POST, "confirm")
            services.period_lock(
                year=year, month=month, user=request.user, confirmed_units=confirmed
            )
        except ValueError:
            messages.error(request, "确认信息有误，请重新确认。")
        except services.LockNotConfirmed:
            if request.POST.getlist("confirm"):
                messages.warning(request, "未报齐的单位有变化，请重新核对后确认。")
            return redirect("period_lock", year=year, month=month)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect(back)
        else:
            missing = request.POST.getlist("confirm")
            note = f"（{len(missing)}个单位未报齐，已确认）" if missing else "（各单位均已报齐）"
            messages.success(request, f"{year}年{month}月已锁定{note}。")
            return redirect(back)
    if services.is_locked(year=year, month=month):
        messages.info(request, f"{year}年{month}月已锁定。")
        return redirect(back)
    shown = Period.of(year, month)
    too_early = shown.window_refusal(doing="锁定")
    if too_early:  # the confirmation would offer what the service refuses
        messages.error(request, too_early)
        return redirect(back)
    summary = lock_summary(year=year, month=month)
    return render(
        request,
        "investment/review_lock.html",
        {
            "year": year,
            "month": month,
            "missing": summary.missing,
            "outstanding": summary.outstanding,
            **periods.deadline_shown(shown.deadline),
            "waiting": summary.waiting,
        },
    )


@requires("period.lock", methods=["POST"])
def period_unlock(request: AuthenticatedRequest, year: int, month: int) -> HttpResponse:
    """解锁 with a reason: kept on the period, in the audit trail, and shown to the units."""
    periods.month_or_404(year, month)
    reason = request.POST.get("reason", "")
    try:
        services.period_unlock(year=year, month=month, user=request.user, reason=reason)
        messages.success(
            request,
            f"{year}年{month}月已解锁，各填报单位会在“我的待办”中看到解锁原因；更正完毕请重新锁定。",
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect("review_month", year=year, month=month)


@requires("review.read")
def current_review_month(request: AuthenticatedRequest) -> HttpResponse:
    """The month being reviewed now: the one that ended last."""
    year, month = periods.reporting_month(timezone.localdate())
    return redirect("review_month", year=year, month=month)
