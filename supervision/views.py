"""督查督办 pages: findings with their clocks and answers, inspections.

Views parse, check access, call a service or selector and render; the rules live in
`supervision/services.py` (writes), `supervision/rules.py` and `supervision/selectors.py`.

督查督办 is a `core.lists.ListPage`: status counts, the escalation list (逾期督办), the filters,
overdue rows highlighted, and the Excel of the current filter. A finding's page shows its facts,
its three clocks with their state, its history with evidence files, the unit's answer form, the
supervisor's 销号 / 退回, and 转交其他单位 while the unit has not answered; what it offers is
asked of `supervision.access`, as the services ask. The project pickers are `projects.widgets`.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django_filters import FilterSet

from core import filenames
from core.capabilities import requires
from core.errors import error_text, form_error_text
from core.http import AuthenticatedRequest
from core.lists import ListPage, paginate
from core.params import id_param, note_bad
from core.uploads import check_attachments, download
from core.xlsx import workbook_response
from projects.access import visible_projects
from projects.models import User
from supervision import services
from supervision.access import (
    answer_refusal,
    edit_refusal,
    evidence_for,
    finding_for,
    move_refusal,
    review_refusal,
    visible_findings,
)
from supervision.filters import FindingFilter
from supervision.forms import (
    AnswerForm,
    CloseForm,
    FindingEditForm,
    FindingForm,
    InspectionForm,
    MoveForm,
    SendBackForm,
)
from supervision.models import Finding, Inspection
from supervision.rules import LEVEL_LABELS, STATE_LABELS, steps
from supervision.selectors import EXPORT_HEADERS, escalations, export_rows, status_counts
from supervision.tables import FindingTable, InspectionTable

ESCALATIONS_SHOWN = 15


class FindingList(ListPage[User]):
    """Every finding in the user's scope, filtered; the escalation list above it."""

    filterset_class = FindingFilter
    table_class = FindingTable
    template_name = "supervision/finding_list.html"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.today = timezone.localdate()

    def get_queryset(self) -> QuerySet[Finding]:
        return visible_findings(self.user).select_related("unit", "project").in_work_order()

    def get_filterset_kwargs(self, filterset_class: type[FilterSet]) -> dict[str, Any]:
        return super().get_filterset_kwargs(filterset_class) | {"today": self.today}

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"today": self.today}

    def export(self, findings: QuerySet[Finding]) -> HttpResponse:
        rows = export_rows(findings, today=self.today)
        return workbook_response(
            [("督查问题", EXPORT_HEADERS, rows)], filenames.findings(today=self.today)
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        scope = visible_findings(self.user)
        return super().get_context_data(**kwargs) | {
            "counts": status_counts(scope, today=self.today),
            "escalations": escalations(scope, today=self.today, limit=ESCALATIONS_SHOWN),
            "level_labels": LEVEL_LABELS,
        }


finding_list = FindingList.as_view()


@requires("portfolio.view")
def finding_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _finding_page(request, finding_for(request.user, pk))


def _finding_page(
    request: AuthenticatedRequest, finding: Finding, *, answer_form: AnswerForm | None = None
) -> HttpResponse:
    """The finding page; ``answer_form`` is a refused answer, shown again as it was typed."""
    today = timezone.localdate()
    events = finding.events.select_related("created_by").prefetch_related("files")
    user = request.user
    return render(
        request,
        "supervision/finding_detail.html",
        {
            "finding": finding,
            "today": today,
            "steps": [(step, step.state(today)) for step in steps(finding)],
            "state_labels": STATE_LABELS,
            "events": events,
            "overdue": finding.overdue_on(today),
            "can_answer": answer_refusal(user, finding) is None,
            "can_review": review_refusal(user, finding) is None,
            "can_edit": edit_refusal(user, finding) is None,
            "can_move": move_refusal(user, finding) is None,
            "move_form": MoveForm(finding=finding, initial={"version": finding.version}),
            "answer_form": answer_form or AnswerForm(initial={"version": finding.version}),
            "close_form": CloseForm(),
            "send_back_form": SendBackForm(),
        },
    )


@requires("supervision.keep")
def finding_create(request: AuthenticatedRequest) -> HttpResponse:
    initial: dict[str, object] = {"found_on": timezone.localdate()}
    inspection_id = id_param(request.GET, "inspection")
    note_bad(request, "inspection", inspection_id, label="所选督查", instead="请在表单中选择督查")
    if inspection_id is not None:
        inspection = get_object_or_404(Inspection, pk=inspection_id)
        initial |= {"inspection": inspection, "found_on": inspection.inspected_on}
    form = FindingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.finding_create(
                user=request.user, today=timezone.localdate(), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"已交办{finding.unit}，整改时限{finding.deadline:%Y-%m-%d}。"
            )
            return redirect("finding_detail", pk=finding.pk)
    return render(request, "supervision/finding_form.html", {"form": form, "title": "交办问题"})


@requires("supervision.keep")
def finding_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    finding = finding_for(request.user, pk)
    initial = {
        "version": finding.version,
        "project": finding.project,
        "description": finding.description,
        "category": finding.category,
        "deadline": finding.deadline,
    }
    form = FindingEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            services.finding_edit(
                user=request.user, finding=finding, expected_version=data.pop("version"), **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "问题已修改。")
            return redirect("finding_detail", pk=finding.pk)
    return render(
        request,
        "supervision/finding_form.html",
        {"form": form, "title": "修改问题", "finding": finding},
    )


@requires("finding.answer", methods=["POST"])
def finding_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    finding = finding_for(request.user, pk)
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _answer_refused(request, finding, form)
    try:
        services.finding_answer(
            user=request.user,
            finding=finding,
            note=form.cleaned_data["note"],
            files=check_attachments(form.cleaned_data["files"]),
            done=form.cleaned_data["done"],
            today=timezone.localdate(),
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _answer_refused(request, finding, form)
    else:
        done = form.cleaned_data["done"]
        messages.success(
            request, "已报告整改完成，等待督查办验收销号。" if done else "整改反馈已提交。"
        )
    return redirect("finding_detail", pk=pk)


def _answer_refused(
    request: AuthenticatedRequest, finding: Finding, form: AnswerForm
) -> HttpResponse:
    """The page again with what the clerk typed kept (a browser never keeps chosen files)."""
    text = "整改情况未提交：请按表单中的提示修改后再提交。"
    if request.FILES:
        text += "所选附件未保存，需重新选择。"
    messages.error(request, text)
    return _finding_page(request, finding, answer_form=form)


@requires("supervision.keep", methods=["POST"])
def finding_move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """转交: the supervisor gives the finding to another unit, before it is answered."""
    finding = finding_for(request.user, pk)
    form = MoveForm(request.POST, finding=finding)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("finding_detail", pk=pk)
    try:
        finding = services.finding_move(
            user=request.user,
            finding=finding,
            unit=form.cleaned_data["unit"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"问题已转交{finding.unit}，该单位将在我的待办中看到。")
    return redirect("finding_detail", pk=pk)


@requires("supervision.keep", methods=["POST"])
def finding_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    finding = finding_for(request.user, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():  # an over-long 验收意见 is refused, never dropped
        messages.error(request, form_error_text(form))
        return redirect("finding_detail", pk=pk)
    try:
        services.finding_close(
            user=request.user,
            finding=finding,
            note=form.cleaned_data["note"],
            today=timezone.localdate(),
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "问题已销号。")
    return redirect("finding_detail", pk=pk)


@requires("supervision.keep", methods=["POST"])
def finding_send_back(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    finding = finding_for(request.user, pk)
    form = SendBackForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("finding_detail", pk=pk)
    try:
        services.finding_send_back(
            user=request.user, finding=finding, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "已退回责任单位重新整改。")
    return redirect("finding_detail", pk=pk)


@requires("portfolio.view")
def evidence_file(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """Evidence is served only to those who may see its finding, always as a download."""
    return download(evidence_for(request.user, pk))


@requires("portfolio.view")
def inspection_list(request: AuthenticatedRequest) -> HttpResponse:
    table = InspectionTable(
        Inspection.objects.prefetch_related("projects").order_by("-inspected_on", "pk"),
        findings=visible_findings(request.user),
    )
    paginate(request, table, per_page=30)
    return render(request, "supervision/inspection_list.html", {"table": table})


@requires("supervision.keep")
def inspection_create(request: AuthenticatedRequest) -> HttpResponse:
    form = InspectionForm(request.POST or None, initial={"inspected_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version")
        try:
            inspection = services.inspection_save(user=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "督查已记录，可继续登记发现的问题。")
            return redirect("inspection_detail", pk=inspection.pk)
    return render(request, "supervision/inspection_form.html", {"form": form})


@requires("supervision.keep")
def inspection_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The supervisor corrects an inspection's record; a form older than the row is refused."""
    inspection = get_object_or_404(Inspection, pk=pk)
    initial = {
        "version": inspection.version,
        "title": inspection.title,
        "inspected_on": inspection.inspected_on,
        "inspectors": inspection.inspectors,
        "projects": list(inspection.projects.all()),
        "notes": inspection.notes,
    }
    form = InspectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version")
        try:
            services.inspection_save(
                user=request.user, inspection=inspection, expected_version=expected, **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "督查记录已修改。")
            return redirect("inspection_detail", pk=inspection.pk)
    return render(
        request, "supervision/inspection_form.html", {"form": form, "inspection": inspection}
    )


@requires("portfolio.view")
def inspection_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(Inspection.objects.select_related("created_by"), pk=pk)
    findings = (
        visible_findings(request.user)
        .filter(inspection=inspection)
        .select_related("unit", "project")
    )
    # A reporter sees the inspected projects of their own unit; the others only as a count.
    inspected = inspection.projects.all()
    shown = inspected.filter(pk__in=visible_projects(request.user).values("pk"))
    return render(
        request,
        "supervision/inspection_detail.html",
        {
            "inspection": inspection,
            "projects": shown.select_related("unit").order_by("code"),
            "others": inspected.count() - shown.count(),
            "findings": findings,
            "today": timezone.localdate(),
        },
    )
