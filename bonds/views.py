"""资金申报's pages: the list (totals by type, year or unit with 支出进度, each row's fund clock,
and its Excel export), an application's page (its clock, its dated 支出 entries), its form, its
attachments (served as downloads within the user's scope), and 资金支出预警规则 (a tab beside
预警规则). Thin views over `bonds.services`; the office records, everyone reads within their
scope.
"""

from datetime import date
from functools import cached_property
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from bonds import services
from bonds.access import (
    attachment_for,
    deleted_spending_for,
    fund_for,
    spending_for,
    visible_funds,
)
from bonds.filters import FundFilter
from bonds.forms import (
    PAGE_INCOMPLETE,
    AttachmentForm,
    ClockRuleFormSet,
    FundForm,
    SpendingForm,
)
from bonds.models import FundApplication, FundClockRule
from bonds.rules import LIFECYCLE, no_clock, spending_closed, spending_progress
from bonds.selectors import (
    EXPORT_HEADERS,
    GROUPINGS,
    clock_of,
    clock_rules_history,
    clock_rules_years,
    export_rows,
    fund_totals,
    totals_headers,
    totals_rows,
    with_clocks,
)
from bonds.tables import FundTable
from core import filenames
from core.capabilities import requires
from core.errors import error_text
from core.formatting import wan_text
from core.http import AuthenticatedRequest
from core.lists import ListPage
from core.params import id_param, note_bad
from core.rule_pages import RulesPage, rules_page, rules_year
from core.uploads import check_attachments, download
from core.xlsx import workbook_response
from projects.access import project_for
from projects.models import User


def asked_period(request: HttpRequest) -> tuple[Any, Any]:
    """(the period form, the `Period`) the office's figures pages show: ``?year=&month=`` or the
    one that is due, built by `settings.ASKED_PERIOD` (`investment.forms.asked_period`), named
    by the setting since this app sits below `investment`."""
    form, period = import_string(settings.ASKED_PERIOD)(request)
    return form, period


class FundList(ListPage[User]):
    """Fund applications with filters, and totals for the same filter by type, year or unit.

    The clocks are read at the end of the period the dashboard and the briefing show (the one
    that is due, or ``?year=&month=`` when both name one), and the page says which day."""

    filterset_class = FundFilter
    table_class = FundTable
    template_name = "bonds/fund_list.html"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        # How the totals are grouped: not a filter of the rows.
        by = request.GET.get("by")
        self.by = by if by in GROUPINGS else "fund_type"

    def get_queryset(self) -> QuerySet[FundApplication]:
        rows = with_clocks(visible_funds(self.user), end=self.end)
        return rows.select_related("project__unit").order_by("-year", "project__code", "fund_type")

    @cached_property
    def period(self) -> Any:
        return asked_period(self.request)[1]

    @cached_property
    def end(self) -> date:
        """The fund clocks are read on the day the dashboard judges the period at: its last day,
        or today while it has not ended (`Period.as_of`)."""
        end: date = self.period.as_of
        return end

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"end": self.end}

    def export(self, applications: QuerySet[FundApplication]) -> HttpResponse:
        heading = GROUPINGS[self.by][1]
        sheets = [
            ("资金申报", EXPORT_HEADERS, export_rows(applications, end=self.end)),
            (f"按{heading}汇总", totals_headers(heading), totals_rows(self.totals(applications))),
        ]
        return workbook_response(sheets, filenames.FUNDS)

    def totals(self, applications: QuerySet[FundApplication]) -> list[dict[str, Any]]:
        # the totals group plain rows: the clocks' annotations would be grouped on
        return fund_totals(
            FundApplication.objects.filter(pk__in=applications.values("pk")), by=self.by
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {
            "totals": self.totals(self.object_list),
            "by": self.by,
            "as_of_day": self.period.as_of_day,
            # the dashboard's "N个项目亮灯" counts projects: the list says how many its rows are of
            "projects": self.object_list.order_by().values("project").distinct().count(),
            "heading": GROUPINGS[self.by][1],
            "groupings": [(key, heading) for key, (_, heading) in GROUPINGS.items()],
        }


fund_list = FundList.as_view()


def _detail(
    request: AuthenticatedRequest,
    application: FundApplication,
    spending_form: SpendingForm | None = None,
    errors: list[str] | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    period = asked_period(request)[1]  # the list's, the dashboard's and the briefing's day
    return render(
        request,
        "bonds/fund_detail.html",
        {
            "fund": application,
            "progress": spending_progress(application.spent, application.allocated),
            "clock": clock_of(application, end=period.as_of),
            "no_clock": no_clock(
                allocated=application.allocated,
                allocated_on=application.allocated_on,
                end=period.as_of,
            ),
            "as_of_day": period.as_of_day,
            "rule": FundClockRule.for_year(application.year)[application.fund_type],
            "spendings": application.spendings.select_related("recorded_by"),
            # 登记支出 is offered exactly when the service would take an entry today
            "spending_closed": spending_closed(
                allocated=application.allocated,
                allocated_on=application.allocated_on,
                spent=application.spent,
                today=today,
            ),
            "spending_form": spending_form
            or SpendingForm(initial={"version": application.version, "spent_on": today}),
            "spending_errors": errors or [],
            "files": application.files.select_related("uploaded_by"),
            "attachment_form": AttachmentForm(),
        },
    )


KEPT_MAX = 1000  # characters of a field kept for the page (the note takes 200)


def _kept(pk: int) -> str:
    return f"fund-spending-refused-{pk}"


@requires("portfolio.view")
def fund_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The application's page; after a refused 支出 entry (`fund_spending_add`), once, with
    what was typed and why it was refused."""
    application = fund_for(request.user, pk)
    kept = request.session.pop(_kept(pk), None)
    if not kept:
        return _detail(request, application)
    form = SpendingForm(kept["data"])
    form.is_valid()  # the form's own refusals are said beside its fields again
    return _detail(request, application, form, kept["errors"])


def _refused(request: AuthenticatedRequest, pk: int, errors: list[str]) -> HttpResponse:
    """Back to the application's page (its own address: a reload does not send the entry
    again), which shows the form as typed and ``errors`` once (`fund_detail`)."""
    fields = ("version", "spent_on", "amount", "note")
    request.session[_kept(pk)] = {
        "data": {name: request.POST.get(name, "")[:KEPT_MAX] for name in fields},
        "errors": errors,
    }
    return redirect(f"{reverse('fund_detail', args=[pk])}#spending")


@requires("fund.keep", methods=["POST"])
def fund_spending_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record one dated 支出 entry; a refusal goes back to the application's page, what was
    typed kept, each reason said once in Chinese (`_refused`)."""
    application = fund_for(request.user, pk)
    form = SpendingForm(request.POST)
    if not form.is_valid():  # a hidden version that is not the page's is said above the form
        version_wrong = "version" in form.errors
        return _refused(request, pk, [PAGE_INCOMPLETE] if version_wrong else [])
    data = form.cleaned_data
    try:
        services.spending_record(
            user=request.user,
            application=application,
            spent_on=data["spent_on"],
            amount=data["amount"],
            note=data["note"],
            expected_version=data["version"],
        )
    except ValidationError as error:
        return _refused(request, pk, error.messages)
    messages.success(request, f"已登记支出{wan_text(data['amount'])}（{data['spent_on']}）。")
    return redirect("fund_detail", pk=pk)


@requires("fund.keep", methods=["POST"])
def fund_spending_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        entry = spending_for(request.user, pk)
    except Http404:  # deleted a moment ago (another tab): said where it was, never a 404
        application_pk = deleted_spending_for(request.user, pk)
        try:
            services.spending_delete_gone(user=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        return redirect("fund_detail", pk=application_pk)
    application_pk = entry.application_id
    expected = id_param(request.POST, "version")
    try:
        if expected is None:  # the page always sends it: without it, two tabs could both delete
            raise ValidationError(PAGE_INCOMPLETE)
        services.spending_delete(user=request.user, entry=entry, expected_version=expected)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"已删除{entry.spent_on}的一笔支出（{wan_text(entry.amount)}）。")
    return redirect("fund_detail", pk=application_pk)


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
    for name, _ in LIFECYCLE:  # 2252, not 2252.0000: the number reads back as it was typed
        if initial[name] is not None:
            initial[name] = f"{initial[name].normalize():f}"
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


def _rule_initial(rule: FundClockRule) -> dict[str, Any]:
    return {"fund_type": rule.fund_type, "version": rule.version if rule.pk else 0,
            "yellow_days": rule.yellow_days, "yellow_share": f"{rule.yellow_share.normalize():f}",
            "red_days": rule.red_days, "red_share": f"{rule.red_share.normalize():f}"}  # fmt: skip


CLOCK_RULES = RulesPage(
    name="资金支出预警规则",
    kind="资金类型",
    url_name="fund_clock_rules",
    template="bonds/clock_rules.html",
    formset=ClockRuleFormSet,
    prefix="clock",
    key="fund_type",
    invalid="有填写不正确的地方，已在下方标出，请改正后再保存。",
    follows="资金申报、项目页、总体情况和简报即按新规则亮灯。",
    initial=_rule_initial,
    entry=services.ClockRuleEntry,
    save=services.clock_rules_save,
    select_id="clock-year",
)


@requires("year.configure", post="year.configure")
def fund_clock_rules(request: AuthenticatedRequest) -> HttpResponse:
    """资金支出预警规则: a year's clock per 资金类型, beside 预警规则 under 年度设置."""
    # Opens at the year of the period that is due, as 年度设置 and 预警规则 do (in January too).
    due = asked_period(request)[1].due()
    year = rules_year(request, default=due.year)
    return rules_page(
        request,
        CLOCK_RULES,
        year=year,
        rules=FundClockRule.for_year(year),
        context={
            "years": clock_rules_years(year, due.today.year),
            "history": clock_rules_history(year),
        },
    )
