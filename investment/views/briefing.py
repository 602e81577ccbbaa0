"""The leaders' documents: the briefing PDF, its 下步工作打算, and the one-page project sheet.

Views parse the period, check the role, gather data through `investment.documents.briefing` and hand it
to the one PDF renderer (`core.pdf`).

简报 offers a month, a quarter or the year, each defaulting to the last one that is due; the
office writes 下步工作打算 there. The PDF is the same bytes as ``manage.py briefing``; for a
period whose reports are not all in, it sends the user back to the page to tick 我已知悉 first.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core import filenames
from core.capabilities import requires
from core.errors import form_error_text
from core.http import AuthenticatedRequest
from core.models import PeriodKind
from core.params import month_param
from core.pdf import pdf_response, render_pdf
from core.replica import figure_page
from core.xlsx import workbook_response
from investment.documents import exports
from investment.documents.briefing import (
    BATCH_HEADERS,
    batch_rows,
    briefing_batches,
    briefing_pdf_bytes,
    project_sheet_data,
)
from investment.forms import BriefingForm, PeriodForm
from investment.models import BriefingNote
from investment.rules import periods
from investment.rules.overruns import overrun_summary
from investment.rules.periods import Period
from investment.selectors.portfolio import report_completeness
from investment.services.reports import briefing_note_save
from jobs.rules import in_background
from jobs.tasks import document_start
from projects.access import project_for
from projects.models import AnnualPlan


def _asked_briefing(query: QueryDict) -> tuple[BriefingForm, Period]:
    """The briefing asked for, and the period that is due (of the kind asked, built once for
    the request); what the query leaves out is the period that is due (DESIGN.md §3): for a
    month briefing that month, for a quarter the last quarter that is due, for a year the last
    year whose December is due. A month unless a kind is given."""
    kind = periods.kind_asked(query)
    due = Period.due_on(timezone.localdate(), kind)
    # The quarter picker opens at the quarter that is due, whichever kind is shown.
    data = {"kind": kind, "year": due.year, "month": due.month,
            "quarter": due.due(PeriodKind.QUARTER).quarter}  # fmt: skip
    asked = {key: query[key] for key in ("year", "month", "quarter") if query.get(key)}
    if "quarter" not in asked and (month_param(asked) or 1) % 3 == 0:
        del data["quarter"]  # a link naming the quarter by its last month (kind=quarter&month=9)
    return BriefingForm(data | asked), due


def _period(form: BriefingForm, due: Period | None) -> Period:
    """The period the valid ``form`` names (reading no year ``due`` has read)."""
    year, month, kind = (form.cleaned_data[k] for k in ("year", "month", "kind"))
    return due.at(year, month, kind) if due else Period.of(year, month, kind)


def _query(*, kind: str, year: int, month: int) -> str:
    return urlencode({"kind": kind, "year": year, "month": month})


@figure_page
@requires("briefing.read", post="briefing.write_note")
def briefing(request: AuthenticatedRequest) -> HttpResponse:
    """Choose a period, edit its 下步工作打算 (office), download the PDF."""
    due: Period | None = None
    if request.method == "POST":
        form = BriefingForm(request.POST)
    else:
        form, due = _asked_briefing(request.GET)
    if not form.is_valid():
        return render(request, "investment/briefing.html", {"form": form})
    period = _period(form, due)
    year, month, kind = period.year, period.month, period.kind
    if request.method == "POST":
        try:
            briefing_note_save(
                user=request.user, year=year, period=kind, month=month,
                next_steps=form.cleaned_data["next_steps"],
                expected_version=form.cleaned_data["version"],
            )  # fmt: skip
        except ValidationError as error:
            form.add_error("next_steps", error)
        else:
            messages.success(request, "下步工作打算已保存，下载的简报将包含这段文字。")
            return redirect(f"{reverse('briefing')}?{_query(kind=kind, year=year, month=month)}")
    note = BriefingNote.objects.filter(year=year, period=kind, month=month).first()
    if request.method == "GET":
        form = BriefingForm(
            {"kind": kind, "year": year, "month": month, "quarter": form.cleaned_data["quarter"],
             "next_steps": note.next_steps if note else "",
             "version": note.version if note else 0}
        )  # fmt: skip
        form.is_valid()
    return render(
        request,
        "investment/briefing.html",
        {"form": form, "year": year, "month": month, "kind": kind,
         "label": period.label, "note": note,
         "completeness": report_completeness(period),
         "overruns": overrun_summary(period, plans=AnnualPlan.objects.all()),
         "pdf_query": _query(kind=kind, year=year, month=month)},
    )  # fmt: skip


@figure_page
@requires("briefing.read")
def briefing_pdf(request: AuthenticatedRequest) -> HttpResponse:
    form, due = _asked_briefing(request.GET)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("briefing")
    period = _period(form, due)
    year, month, kind = period.year, period.month, period.kind
    completeness = report_completeness(period)
    if completeness.needs_acknowledgement and request.GET.get("acknowledged") != "1":
        # A leader must not take an incomplete or unexamined period for fact: confirm first.
        said, known = [], []
        if not completeness.complete:
            said, known = [completeness.text], ["本期数据不完整"]
        if completeness.quality.unexamined:
            said.append(completeness.quality.text)
            known.append("有未核实的数据质量提示")
        messages.warning(
            request, f"{'；'.join(said)}。请确认已知悉{'、'.join(known)}后再下载简报。"
        )
        query = _query(kind=kind, year=year, month=month)
        return redirect(f"{reverse('briefing')}?{query}#download")
    if in_background(AnnualPlan.objects.counted(year).values("project_id").distinct().count()):
        job = document_start(
            maker=exports.briefing_document,
            request=request,
            title=f"简报PDF：{period.label}",
            back_path=reverse("briefing"),
            query=QueryDict(_query(kind=kind, year=year, month=month)),
        )
        return redirect("job_progress", job.pk)
    data = briefing_pdf_bytes(period)
    return pdf_response(data, filenames.briefing(year=year, month=month, kind=kind))


@figure_page
@requires("briefing.read")
def briefing_batches_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    """三个一批 of the briefing's period as a workbook: the year's batches through its quarter."""
    form, due = _asked_briefing(request.GET)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("briefing")
    period = _period(form, due)
    rows = batch_rows(briefing_batches(period))
    name = filenames.batches(year=period.year, month=period.month, kind=period.kind)
    return workbook_response([("三个一批", BATCH_HEADERS, rows)], name)


@requires("portfolio.view")
def project_sheet_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """项目一页纸: one project's figures, months, milestones, open findings and latest photo."""
    project = project_for(request.user, pk)
    due = Period.due_on(timezone.localdate())
    year, month = due.year, due.month
    asked = PeriodForm(request.GET)
    if asked.is_valid():
        year, month = asked.cleaned_data["year"], asked.cleaned_data["month"]
    elif not project.plans.filter(year=year).exists():
        # A project off this year's list: its own latest year on the list, whole year.
        latest = project.plans.order_by("-year").values_list("year", flat=True).first()
        year, month = (latest, 12) if latest else (year, month)
    sheet = project_sheet_data(due.at(year, month), project=project)
    data = render_pdf(
        "briefing/project_sheet.html",
        {"sheet": sheet, "generated": timezone.localdate(), "today": timezone.localdate()},
    )
    return pdf_response(data, filenames.project_sheet(code=project.code, year=year, month=month))
