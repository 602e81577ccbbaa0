"""Notices (通报): the supervision office issues one for a period from the unit ranking.

The content combines figures of several apps (the ranking and lag list from `investment`,
the overdue findings from `supervision`), so it is assembled here and handed to
`supervision.services.notice_issue`, which keeps it as it stood on the day of issue: a
notice once published does not change when a report is corrected later.
"""

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from core import filenames, formatting
from core.capabilities import requires
from core.formatting import percent, points
from core.lists import paginate
from core.pdf import pdf_response, render_pdf
from investment.documents.briefing import BRIEFING_LIST, furthest_behind
from investment.models import WarningLevel, YearSettings
from investment.rules import periods
from investment.selectors.portfolio import portfolio_summary, report_completeness
from investment.selectors.progress import lag_warnings, level_counts
from investment.selectors.rankings import unit_ranking
from supervision import services
from supervision.forms import NoticeForm
from supervision.models import Finding, Notice
from supervision.rules import escalation_level
from supervision.selectors import overdue_findings
from supervision.tables import NoticeTable


def notice_title(*, year: int, period: str, month: int) -> str:
    return f"关于{formatting.period_label(year=year, kind=period, month=month)}全县重点项目建设情况的通报"


def notice_content(*, year: int, month: int, period: str, today: date) -> dict[str, Any]:
    """Everything a notice shows, as plain text and numbers ready to keep (JSON)."""
    ranking = unit_ranking(year=year, month=month, today=today)
    summary = portfolio_summary(year=year, month=month)
    completeness = report_completeness(year=year, month=month, today=today)
    overdue = overdue_findings(Finding.objects.all(), today=today)
    lagging = lag_warnings(year=year, month=month)
    red = {score.unit for score in ranking.red_list}
    black = {score.unit for score in ranking.black_list}
    return {
        "period_label": formatting.period_label(year=year, kind=period, month=month),
        # Kept with the notice: how many of the period's reports were in on the day of issue.
        "completeness": {
            "expected": completeness.expected,
            "reported": completeness.reported,
            "units_missing": completeness.units_missing,
            "complete": completeness.complete,
            "text": completeness.text,
            "quality": completeness.quality.text,
            "unexamined": completeness.quality.unexamined,
        },
        "summary": {
            "projects": summary.projects,
            "completion_rate": percent(summary.completion_rate),
            "time_progress": percent(summary.time_progress),
            "ahead": points(summary.ahead_pp),
            "start_rate": percent(summary.start_rate),
        },
        "ranking": [
            {
                "rank": score.rank,
                "unit": score.unit,
                "score": str(score.score),
                "completion_rate": percent(score.completion_rate),
                "start_rate": percent(score.start_rate),
                "milestone_rate": percent(score.milestone_rate),
                "findings_rate": percent(score.findings_rate),
                "reporting_rate": percent(score.reporting_rate),
                "projects": score.projects,
                "list": "red" if score.unit in red else "black" if score.unit in black else "",
            }
            for score in ranking.units
        ],
        "red_list": [score.unit for score in ranking.red_list],
        "black_list": [score.unit for score in ranking.black_list],
        # Long lists are cut as the briefing cuts them (the worst first) with their totals;
        # the full lists are the 督查 and 滞后预警 pages.
        "overdue_total": overdue.count(),
        "lagging_total": len(lagging),
        "lagging_levels": {c.level: c.total for c in level_counts(lagging)},
        "overdue_findings": [
            {
                "unit": finding.unit.name,
                "description": finding.description,
                "project": finding.project.name if finding.project else "",
                "deadline": f"{finding.deadline:%Y-%m-%d}",
                "days_overdue": (today - finding.deadline).days,
                "escalated": escalation_level(finding, today) == 2,
            }
            for finding in overdue[:BRIEFING_LIST]
        ],
        "lagging": [
            {
                "code": warning.progress.code,
                "name": warning.progress.name,
                "unit": warning.progress.unit,
                "level": warning.level,
                "level_label": warning.level_label,
                "reasons": [
                    f"{r.reason}（{WarningLevel(r.level).label}）：{r.details}"
                    for r in warning.reasons
                ],
            }
            for warning in furthest_behind(lagging)
        ],
        "as_of": f"{today:%Y-%m-%d}",
    }


@requires("portfolio.view")
def notice_list(request):
    table = NoticeTable(Notice.objects.select_related("issued_by"))
    paginate(request, table, per_page=30)
    return render(request, "investment/notice_list.html", {"table": table})


def _not_due_yet(*, year: int, kind: str, month: int, today: date) -> str:
    """Why a notice cannot rank this period yet ("" when it can): before a month's due day no
    unit owes its report (DESIGN.md §3), so a ranking would black-list units for nothing;
    a month the office has locked is closed, and the period that is due with it."""
    if (year, month) <= periods.due_period(today):
        return ""
    settings_due = periods.due_date(year, month, YearSettings.for_year(year).due_day)
    due_year, due_month = periods.due_of_kind(kind, today)

    def named(year: int, month: int) -> str:
        if kind == Notice.Period.MONTH:
            return f"{year}年{month}月"
        return formatting.period_label(year=year, kind=kind, month=month)

    label, latest = named(year, month), named(due_year, due_month)
    return (
        f"{label}的报表{settings_due.month}月{settings_due.day}日才截止，尚未到期，"
        f"不能据此排名印发通报。目前可印发的最近一期是{latest}。"
    )


@requires("supervision.keep")
def notice_create(request):
    """Fill in the notice, preview it as it will be issued, then issue it (印发).

    The preview is computed from the data of the moment, as the notice will be; 印发 computes
    it again, so a report that arrives in between is in the notice, never a stale preview.
    """
    today = timezone.localdate()
    year, month = periods.due_period(today)
    initial = {
        "year": year,
        "month": month,
        "quarter": periods.due_quarter(today)[1],
        "period": Notice.Period.MONTH,
    }
    form = NoticeForm(request.POST or None, initial=initial)
    completeness = report_completeness(year=year, month=month, today=today)
    context = {"form": form, "completeness": completeness}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        data["title"] = data["title"] or notice_title(
            year=data["year"], period=data["period"], month=data["month"]
        )
        completeness = report_completeness(year=data["year"], month=data["month"], today=today)
        content = notice_content(
            year=data["year"], month=data["month"], period=data["period"], today=today
        )
        context |= {"completeness": completeness, "acknowledged": _acknowledged(request)}
        not_due = _not_due_yet(
            year=data["year"], kind=data["period"], month=data["month"], today=today
        )
        if not_due:
            form.add_error(None, not_due)
            request.audit_outcome = "refused"  # audit.AuditEntry.Outcome
            return render(request, "investment/notice_form.html", context)
        if request.POST.get("action") != "issue":
            preview = {"title": data["title"], "opening": data["opening"], "content": content}
            issued = Notice.objects.filter(
                year=data["year"], period=data["period"], month=data["month"]
            ).values_list("number", flat=True)
            context |= {"preview": preview, "issued_before": list(issued)}
            request.audit_detail = f"预览（未印发）：{data['title']}"
            return render(request, "investment/notice_form.html", context)
        if completeness.needs_acknowledgement and not context["acknowledged"]:
            said = [completeness.text] if not completeness.complete else []
            said += [completeness.quality.text] if completeness.quality.unexamined else []
            form.add_error(
                None,
                f"{'；'.join(said)}。通报将按已报数据排名，"
                f"请勾选“{completeness.acknowledgement}”后再印发，或待报齐、核实后印发。",
            )
            request.audit_outcome = "refused"  # audit.AuditEntry.Outcome
            return render(request, "investment/notice_form.html", context)
        try:
            notice = services.notice_issue(user=request.user, content=content, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"通报（{notice.number}）已印发，可下载PDF盖章。")
            return redirect("notice_detail", pk=notice.pk)
    return render(request, "investment/notice_form.html", context)


def _acknowledged(request) -> bool:
    return request.POST.get("acknowledged") == "1"


@requires("portfolio.view")
def notice_detail(request, pk: int):
    notice = get_object_or_404(Notice.objects.select_related("issued_by"), pk=pk)
    return render(request, "investment/notice_detail.html", {"notice": notice})


@requires("portfolio.view")
def notice_pdf(request, pk: int):
    """The issued notice as a printable A4 PDF, to stamp (盖章) and file."""
    notice = get_object_or_404(Notice.objects.select_related("issued_by"), pk=pk)
    data = render_pdf("investment/notice_pdf.html", {"notice": notice})
    return pdf_response(data, filenames.notice(title=notice.title, number=notice.number))
