"""通报's pages: the list, 印发 (fill in, preview, issue) and the issued notice with its PDF.

What a notice says is assembled by `investment.documents.notices`.

印发 opens at the period that is due (a month, a quarter or the year); a blank title follows
the period; 预览 first shows the notice as it will be (and says when the period already has
one), then 确认印发; a period whose reports are not all in is issued only with 我已知悉 ticked.
The issued notice is an A4 PDF to stamp (templates/investment/notice_pdf.html, named by
`core.filenames.notice`). Long lists are cut to the worst 20 with their totals, as the
briefing cuts them. The pages are `investment`'s because a notice combines the ranking with
findings; the model is `supervision`'s, and the old ``/supervision/notices/…`` addresses
redirect here (config/urls.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from core import filenames, formatting
from core.capabilities import requires
from core.http import AuthenticatedRequest
from core.lists import paginate
from core.models import PeriodKind
from core.pdf import pdf_response, render_pdf
from investment.documents.notices import notice_content, notice_ranking, notice_title
from investment.rules.periods import Period
from investment.selectors.portfolio import report_completeness
from supervision import services
from supervision.forms import NoticeForm
from supervision.models import Notice
from supervision.tables import NoticeTable


@requires("portfolio.view")
def notice_list(request: AuthenticatedRequest) -> HttpResponse:
    table = NoticeTable(Notice.objects.select_related("issued_by"))
    paginate(request, table, per_page=30)
    return render(request, "investment/notice_list.html", {"table": table})


def _not_due_yet(period: Period) -> str:
    """Why a notice cannot rank ``period`` yet ("" when it can): before a month's due day no
    unit owes its report (DESIGN.md §3), so a ranking would black-list units for nothing;
    a month the office has locked is closed, and the period that is due with it."""
    year, month, kind = period.year, period.month, period.kind
    due = period.due()
    if (year, month) <= (due.year, due.month):
        return ""
    settings_due = period.due_date
    latest_due = period.due(kind)
    due_year, due_month = latest_due.year, latest_due.month

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
def notice_create(request: AuthenticatedRequest) -> HttpResponse:
    """Fill in the notice, preview it as it will be issued, then issue it (印发).

    The preview is computed from the data of the moment, as the notice will be; 印发 computes
    it again, so a report that arrives in between is in the notice, never a stale preview.
    """
    due = Period.due_on(timezone.localdate())
    initial = {
        "year": due.year,
        "month": due.month,
        "quarter": due.due(PeriodKind.QUARTER).quarter,
        "period": Notice.Period.MONTH,
    }
    form = NoticeForm(request.POST or None, initial=initial)
    completeness = report_completeness(due)
    context = {"form": form, "completeness": completeness}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        data["title"] = data["title"] or notice_title(
            year=data["year"], period=data["period"], month=data["month"]
        )
        period = due.at(data["year"], data["month"], data["period"])
        completeness = report_completeness(period)
        content = notice_content(period)
        context |= {"completeness": completeness, "acknowledged": _acknowledged(request)}
        not_due = _not_due_yet(period)
        if not_due:
            form.add_error(None, not_due)
            return render(request, "investment/notice_form.html", context)
        if request.POST.get("action") != "issue":
            preview = {"title": data["title"], "opening": data["opening"], "content": content}
            issued = Notice.objects.filter(
                year=data["year"], period=data["period"], month=data["month"]
            ).values_list("number", flat=True)
            context |= {
                "preview": preview,
                "issued_before": list(issued),
                "notice_ranking": notice_ranking(content),
            }
            return render(request, "investment/notice_form.html", context)
        if completeness.needs_acknowledgement and not context["acknowledged"]:
            said = [completeness.text] if not completeness.complete else []
            said += [completeness.quality.text] if completeness.quality.unexamined else []
            form.add_error(
                None,
                f"{'；'.join(said)}。通报将按已报数据排名，"
                f"请勾选“{completeness.acknowledgement}”后再印发，或待报齐、核实后印发。",
            )
            return render(request, "investment/notice_form.html", context)
        try:
            notice = services.notice_issue(user=request.user, content=content, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"通报（{notice.number}）已印发，可下载PDF盖章。")
            return redirect("notice_detail", pk=notice.pk)
    return render(request, "investment/notice_form.html", context)


def _acknowledged(request: AuthenticatedRequest) -> bool:
    return request.POST.get("acknowledged") == "1"


@requires("portfolio.view")
def notice_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice.objects.select_related("issued_by"), pk=pk)
    return render(
        request,
        "investment/notice_detail.html",
        {"notice": notice, "notice_ranking": notice_ranking(notice.content)},
    )


@requires("portfolio.view")
def notice_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The issued notice as a printable A4 PDF, to stamp (盖章) and file."""
    notice = get_object_or_404(Notice.objects.select_related("issued_by"), pk=pk)
    data = render_pdf(
        "investment/notice_pdf.html",
        {"notice": notice, "notice_ranking": notice_ranking(notice.content)},
    )
    return pdf_response(data, filenames.notice(title=notice.title, number=notice.number))
