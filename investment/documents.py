"""The leaders' documents: the briefing PDF, its 下步工作打算, and the one-page project sheet.

Views parse the period, check the role, gather data through `investment.briefing` and hand it
to the one PDF renderer (`projects.pdf`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from investment import rules
from investment.briefing import briefing_data, period_label, project_sheet_data
from investment.forms import BriefingForm, PeriodForm
from investment.models import BriefingNote
from investment.services import briefing_note_save
from projects.access import project_for
from projects.models import PeriodKind, User
from projects.pdf import PDF, render_pdf

# The briefing covers the whole county, so a unit's reporter does not get it.
BRIEFING_ROLES = (User.Role.OFFICER, User.Role.LEADER, User.Role.SUPERVISOR, User.Role.ADMIN)


def _require_briefing(user: User) -> None:
    if user.role not in BRIEFING_ROLES:
        raise PermissionDenied("简报汇总全县数据，仅供项目办、督查办和县领导下载。")


def _period(query) -> BriefingForm:
    year, month = rules.last_finished_month(timezone.localdate())
    if "year" in query or "month" in query or "kind" in query:
        return BriefingForm({"kind": PeriodKind.MONTH, **query.dict()})  # a month unless told
    return BriefingForm({"kind": PeriodKind.MONTH, "year": year, "month": month})


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def briefing_pdf_bytes(*, year: int, month: int, kind: str) -> bytes:
    """The briefing as leaders download it; the ``briefing`` command writes the same bytes."""
    briefing = briefing_data(year=year, month=month, kind=kind)
    return render_pdf("briefing/briefing.html", {"b": briefing, "generated": timezone.localdate()})


@login_required
def briefing(request):
    """Choose a period, edit its 下步工作打算 (office), download the PDF."""
    _require_briefing(request.user)
    if request.method == "POST" and request.user.role != User.Role.OFFICER:
        raise PermissionDenied("下步工作打算由项目办填写。")
    form = BriefingForm(request.POST) if request.method == "POST" else _period(request.GET)
    if not form.is_valid():
        return render(request, "investment/briefing.html", {"form": form})
    year, month, kind = (form.cleaned_data[k] for k in ("year", "month", "kind"))
    if request.method == "POST":
        try:
            briefing_note_save(
                user=request.user, year=year, period=kind, month=month,
                next_steps=form.cleaned_data["next_steps"],
            )  # fmt: skip
        except ValidationError as error:
            form.add_error("next_steps", error)
        else:
            messages.success(request, "下步工作打算已保存，下载的简报将包含这段文字。")
            return redirect(f"{reverse('briefing')}?kind={kind}&year={year}&month={month}")
    note = BriefingNote.objects.filter(year=year, period=kind, month=month).first()
    if request.method == "GET":
        form = BriefingForm(
            {"kind": kind, "year": year, "month": month, "next_steps": note.next_steps if note else ""}
        )  # fmt: skip
        form.is_valid()
    return render(
        request,
        "investment/briefing.html",
        {"form": form, "year": year, "month": month, "kind": kind,
         "label": f"{year}年{period_label(kind, month)}", "note": note},
    )  # fmt: skip


@login_required
def briefing_pdf(request):
    _require_briefing(request.user)
    form = _period(request.GET)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("briefing")
    year, month, kind = (form.cleaned_data[k] for k in ("year", "month", "kind"))
    data = briefing_pdf_bytes(year=year, month=month, kind=kind)
    return _pdf_response(data, f"briefing-{year}-{kind}-{month:02d}.pdf")


@login_required
def project_sheet_pdf(request, pk: int):
    """项目一页纸: one project's figures, months, milestones, open findings and latest photo."""
    project = project_for(request.user, pk)
    year, month = rules.last_finished_month(timezone.localdate())
    asked = PeriodForm(request.GET)
    if asked.is_valid():
        year, month = asked.cleaned_data["year"], asked.cleaned_data["month"]
    elif not project.plans.filter(year=year).exists():
        # A project off this year's list: its own latest year on the list, whole year.
        latest = project.plans.order_by("-year").values_list("year", flat=True).first()
        year, month = (latest, 12) if latest else (year, month)
    sheet = project_sheet_data(project=project, year=year, month=month)
    data = render_pdf(
        "briefing/project_sheet.html",
        {"sheet": sheet, "generated": timezone.localdate(), "today": timezone.localdate()},
    )
    return _pdf_response(data, f"project-{project.pk}-{year}-{month:02d}.pdf")
