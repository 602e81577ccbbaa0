"""Pages of data quality: 数据质量规则 (beside 预警规则), 报送确认 (the flags before a month is
sent), a report's flags (说明 and 已核实), and 数据质量, the office's list of a period's flags.

The rules are ``investment/services/quality.py``'s; the writes ``quality_services``'; the reads
``quality_selectors``'. These parse, call and render.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core import filenames
from core.capabilities import can, requires
from core.errors import error_text
from core.http import AuthenticatedRequest
from core.params import id_list, id_param, whole_number
from core.rule_pages import RulesPage, rules_page, rules_year
from core.xlsx import workbook_response
from investment.forms import (
    QualityRuleFormSet,
    asked_period,
    review_url,
    unit_asked,
)
from investment.models import MonthlyReport, QualityFlag, QualityRule
from investment.rules import periods
from investment.rules.periods import Period
from investment.selectors import quality as quality_selectors
from investment.selectors.month import report_for
from investment.services import reports as services
from investment.services.quality_flags import (
    RuleEntry,
    flag_accept,
    flag_explain,
    parse_threshold,
    quality_rules_save,
    reports_send,
    rules_history,
)
from investment.services.year_settings import settings_years
from projects.access import visible_plans
from projects.models import Unit

Code = QualityRule.Code
HISTORY_SHOWN = 50
FLAGS_SHOWN = 500  # a county's month has a few dozen; the export has them all

# What each rule checks, in one line a clerk reads, with its threshold.
MEANINGS = {
    Code.CUMULATIVE_OVER_TOTAL: "项目开工以来（含各年度）截至本月的累计完成投资超过总投资",
    Code.YEAR_OVER_PLAN: "本年截至本月的累计完成投资超过年度计划投资的（100+{t}）%",
    Code.MONTH_OUTLIER: "本月完成投资超过此前12个月中有投资月份中位数的{t}倍（不足3个月时：超过年度计划的50%）",
    Code.INVESTED_NOT_STARTED: "本月有完成投资，但项目至月底尚无实际开(复)工日期",
    Code.PROGRESS_UNCHANGED: "本月有完成投资，形象进度与此前{t}个月完全相同",
    Code.PHOTO_REUSED: "进度照片与其他月报（任何项目、任何月份）的照片几乎相同（逐张比对画面特征，差异不超过{t}处；0为完全相同）",
    Code.PHOTO_DATE: "进度照片的拍摄日期不在本月（至次月报送截止日）内",
}  # fmt: skip


def meaning(rule: QualityRule) -> str:
    return MEANINGS[Code(rule.rule)].format(t=rule.threshold_text)


# --- 数据质量规则 ---------------------------------------------------------------------------------


def _quality_initial(rule: QualityRule) -> dict:
    return {"rule": rule.rule, "version": rule.version if rule.pk else 0,
            "enabled": rule.enabled, "threshold": rule.threshold_text}  # fmt: skip


RULES_PAGE = RulesPage(
    name="数据质量规则",
    kind="规则",
    url_name="quality_rules",
    template="investment/quality_rules.html",
    formset=QualityRuleFormSet,
    prefix="rule",
    key="rule",
    invalid="数据质量规则有误，请刷新页面后重新填写。",
    follows="该年度的月报已按新规则重新判定。",
    initial=_quality_initial,
    entry=RuleEntry,
    parse={"threshold": parse_threshold},
    save=quality_rules_save,
    meaning=meaning,
)


@requires("year.configure")
def quality_rules(request: AuthenticatedRequest) -> HttpResponse:
    due = Period.due_on(timezone.localdate())
    year = rules_year(request, default=due.year)
    return rules_page(
        request,
        RULES_PAGE,
        year=year,
        rules=due.read.quality_rules(year),
        context={
            "years": settings_years(year, due.today.year),
            "history": rules_history(year, limit=HISTORY_SHOWN),
        },
    )


# --- 报送确认 ----------------------------------------------------------------------------------


def _unsent(
    request: AuthenticatedRequest, year: int, month: int, unit: Unit | None
) -> list[MonthlyReport]:
    """The unit's saved reports of the month that 报送 would send (drafts and returned)."""
    if unit is None:
        return []
    return list(
        MonthlyReport.objects.filter(
            plan__in=visible_plans(request.user),
            plan__year=year,
            plan__project__unit=unit,
            month=month,
            status__in=services.EDITABLE,
        )
        .select_related("plan__project")
        .prefetch_related("flags")
        .order_by("plan__project__code")
    )


@requires("report.enter")
def report_send(request: AuthenticatedRequest, year: int, month: int) -> HttpResponse:
    """报送确认: the month's unsent reports with their data-quality flags, each flag's reason
    and a 说明 to write, before anything is sent (保存并报送 on the month page comes here when
    a line has flags)."""
    periods.month_or_404(year, month)
    period = Period.of(year, month)
    unit = unit_asked(request)
    back = reverse("report_month", args=[year, month]) + (f"?unit={unit.pk}" if unit else "")
    reports = _unsent(request, year, month, unit)
    if request.method == "POST":
        try:
            shown = {}
            for report_id in id_list(request.POST, "report"):
                version = whole_number(request.POST.get(f"version-{report_id}", ""), low=1)
                if version is None:
                    raise ValueError
                shown[report_id] = version
            flags_shown = set(id_list(request.POST, "flag"))
            explanations = {
                flag_id: request.POST.get(f"explain-{flag_id}", "")[:2000]
                for flag_id in flags_shown
            }
            sent = reports_send(
                user=request.user,
                year=year,
                month=month,
                shown=shown,
                flags_shown=flags_shown,
                explanations=explanations,
            )
        except ValueError:
            messages.error(request, "提交的内容有误，请刷新页面后重新确认。")
        except ValidationError as error:
            messages.error(request, error_text(error))
            reports = _unsent(request, year, month, unit)
        else:
            messages.success(request, f"已报送{len(sent)}个项目的月报。")
            return redirect(back)
    flags = [flag for report in reports for flag in report.flags.all()]
    return render(
        request,
        "investment/report_send.html",
        {
            "year": year,
            "month": month,
            "unit": unit,
            "reports": reports,
            "flags": flags,
            "back": back,
            "can_send": bool(reports)
            and not services.is_locked(year=year, month=month)
            and period.window_open,
            # Before the month's 报送开始日 the page says from when, as the month page does.
            "window_note": "" if period.window_open else period.window_note,
        },
    )


# --- one report's flags: 说明 and 已核实 ------------------------------------------------------


@requires("portfolio.view")
def report_quality(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = report_for(request.user, pk)
    locked = services.is_locked(year=report.plan.year, month=report.month)
    flags = list(report.flags.select_related("explained_by", "accepted_by").order_by("rule"))
    return render(
        request,
        "investment/report_quality.html",
        {
            "report": report,
            "flags": flags,
            "locked": locked,
            "can_explain": not locked and can(request.user, "quality.explain", report),
            "can_accept": not locked and can(request.user, "quality.accept"),
        },
    )


def _flag_for(request: AuthenticatedRequest, pk: int) -> QualityFlag:
    flag = get_object_or_404(QualityFlag.objects.select_related("report__plan__project"), pk=pk)
    report_for(request.user, flag.report_id)  # 404 outside the user's scope
    return flag


def _back(request: AuthenticatedRequest, flag: QualityFlag) -> HttpResponse:
    """Back where the form was: the review page's row (the page filtered as it was), or the
    report's flags."""
    report = flag.report
    if request.POST.get("back") == "review":
        return redirect(
            review_url(
                request.POST,
                report.plan.year,
                report.month,
                report.plan.project.unit_id,
                anchor=f"report-{report.pk}",
            )
        )
    return redirect(reverse("report_quality", args=[report.pk]) + f"#flag-{flag.pk}")


@requires("quality.explain", methods=["POST"])
def flag_explain_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    flag = _flag_for(request, pk)
    try:
        flag_explain(
            flag=flag,
            user=request.user,
            text=request.POST.get("explanation", "")[:2000],
            expected_version=id_param(request.POST, "version"),
        )
        messages.success(request, f"已填写说明：{flag.get_rule_display()}。")
    except ValidationError as error:
        messages.error(request, error_text(error))
    return _back(request, flag)


@requires("quality.accept", methods=["POST"])
def flag_accept_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    flag = _flag_for(request, pk)
    try:
        flag_accept(
            flag=flag,
            user=request.user,
            note=request.POST.get("note", "")[:2000],
            expected_version=id_param(request.POST, "version"),
        )
        messages.success(
            request, f"已核实：{flag.report.plan.project.name} {flag.get_rule_display()}。"
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    return _back(request, flag)


# --- 数据质量 -------------------------------------------------------------------------------------


@requires("review.read")
def quality_flags(request: AuthenticatedRequest) -> HttpResponse:
    """数据质量: a month's flags by unit and by rule, open / explained / accepted, each linked
    to its report; filters; the Excel export of the list as filtered."""
    form, period = asked_period(request)
    year, month = period.year, period.month
    unit = id_param(request.GET, "unit")
    rule = request.GET.get("rule") or ""
    status = request.GET.get("status") or ""
    plans = visible_plans(request.user)
    everything = quality_selectors.period_flags(year=year, month=month, plans=plans)
    flags = quality_selectors.period_flags(
        year=year, month=month, plans=plans, unit=unit, rule=rule, status=status
    )
    if request.GET.get("format") == "xlsx":
        return workbook_response(
            [("数据质量", quality_selectors.HEADERS, quality_selectors.export_rows(flags))],
            filenames.data_quality(year=year, month=month),
        )
    shown = list(flags[: FLAGS_SHOWN + 1])
    return render(
        request,
        "investment/quality_flags.html",
        {
            "form": form,
            "year": year,
            "month": month,
            "by_unit": quality_selectors.by_unit(everything),
            "by_rule": quality_selectors.by_rule(everything),
            "flags": shown[:FLAGS_SHOWN],
            "more": len(shown) > FLAGS_SHOWN,
            "units": Unit.objects.all(),
            "unit": unit,
            "rule": rule,
            "status": status,
            "rules": Code.choices,
            "statuses": QualityFlag.Status.choices,
            "count": quality_selectors.quality_count(year=year, month=month, plans=plans),
            "earlier": quality_selectors.earlier_unexamined(year=year, month=month, plans=plans),
            "query": request.GET.urlencode(),
        },
    )
