"""资金申报's pages: the list (totals by type, year or unit with 支出进度, and its Excel
export), an application's page, its form, and its attachments (served as downloads within the
user's scope). Thin views over `bonds.services`; the office records, everyone reads within
their scope.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from bonds import services
from bonds.access import attachment_for, fund_for, visible_funds
from bonds.filters import FundFilter
from bonds.forms import AttachmentForm, FundForm
from bonds.models import FundApplication
from bonds.rules import spending_progress
from bonds.selectors import (
    EXPORT_HEADERS,
    GROUPINGS,
    export_rows,
    fund_totals,
    totals_headers,
    totals_rows,
)
from bonds.tables import FundTable
from core import filenames
from core.capabilities import requires
from core.errors import error_text
from core.http import AuthenticatedRequest
from core.lists import ListPage
from core.params import id_param, note_bad
from core.uploads import check_attachments, download
from core.xlsx import workbook_response
from projects.access import project_for
from projects.models import User


class FundList(ListPage[User]):
    """Fund applications with filters, and totals for the same filter by type, year or unit."""

    filterset_class = FundFilter
    table_class = FundTable
    template_name = "bonds/fund_list.html"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        # How the totals are grouped: not a filter of the rows.
        by = request.GET.get("by")
        self.by = by if by in GROUPINGS else "fund_type"

    def get_queryset(self) -> QuerySet[FundApplication]:
        return (
            visible_funds(self.user)
            .select_related("project__unit")
            .order_by("-year", "project__code", "fund_type")
        )

    def export(self, applications: QuerySet[FundApplication]) -> HttpResponse:
        heading = GROUPINGS[self.by][1]
        sheets = [
            ("资金申报", EXPORT_HEADERS, export_rows(applications)),
            (f"按{heading}汇总", totals_headers(heading), totals_rows(self.totals(applications))),
        ]
        return workbook_response(sheets, filenames.FUNDS)

    def totals(self, applications: QuerySet[FundApplication]) -> list[dict[str, Any]]:
        return fund_totals(applications, by=self.by)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {
            "totals": self.totals(self.object_list),
            "by": self.by,
            "heading": GROUPINGS[self.by][1],
            "groupings": [(key, heading) for key, (_, heading) in GROUPINGS.items()],
        }


fund_list = FundList.as_view()


@requires("portfolio.view")
def fund_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = fund_for(request.user, pk)
    return render(
        request,
        "bonds/fund_detail.html",
        {
            "fund": application,
            "progress": spending_progress(application.spent, application.allocated),
            "files": application.files.select_related("uploaded_by"),
            "attachment_form": AttachmentForm(),
        },
    )


def _fund_form(
    request: AuthenticatedRequest, application: FundApplication | None, initial: dict[str, Any]
) -> HttpResponse:
    form = FundForm(request.POST or None, initial=initial, application=application)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version")
        try:
            application = services.fund_save(
                user=request.user, application=application, expected_version=expected, **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "资金申报已保存。")
            return redirect("fund_detail", pk=application.pk)
    return render(request, "bonds/fund_form.html", {"form": form, "fund": application})


@requires("fund.keep")
def fund_create(request: AuthenticatedRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    project = id_param(request.GET, "project")
    note_bad(request, "project", project, label="所选项目", instead="请在表单中选择项目")
    if project is not None:
        initial["project"] = project_for(request.user, project)
    return _fund_form(request, None, initial)


@requires("fund.keep")
def fund_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = fund_for(request.user, pk)
    fields = FundForm.base_fields
    initial = {name: getattr(application, name) for name in fields if name != "project"}
    del initial["status"]  # the form shows whether it follows the amounts (FundForm)
    return _fund_form(request, application, initial | {"project": application.project})


@requires("fund.keep", methods=["POST"])
def fund_attach(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = fund_for(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        saved = services.fund_attach(
            user=request.user,
            application=application,
            files=check_attachments(form.cleaned_data["files"]),
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"已上传{len(saved)}个附件。")
    return redirect("fund_detail", pk=pk)


@requires("portfolio.view")
def fund_file(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """Attachments are served only within the user's scope, always as downloads."""
    return download(attachment_for(request.user, pk))
