"""招商引资's pages: the list (filters, Excel export), a record's page, its form and its
deletion, and the figures of a period (seed 004's section (五), for the county or a unit).
Thin views over `promotion.services` and `promotion.selectors`; a unit's reporter keeps and
sees their own unit's records, the office every unit's, the leaders read."""

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string

from core import filenames
from core.capabilities import own_unit, requires, scoped
from core.http import AuthenticatedRequest
from core.lists import ListPage
from core.xlsx import workbook_response
from projects.access import visible_projects
from projects.models import Unit, User
from promotion import services
from promotion.access import activity_for, visible_activities
from promotion.filters import ActivityFilter
from promotion.forms import ActivityForm, FiguresForm
from promotion.models import Activity
from promotion.rules import FIGURES, Span
from promotion.selectors import (
    EXPORT_HEADERS,
    briefing_section,
    export_rows,
    figures_by_unit,
    held_after,
    promotion_figures,
)
from promotion.tables import ActivityTable


class ActivityList(ListPage[User]):
    """招商引资 activities within the user's scope, with filters and the Excel export."""

    filterset_class = ActivityFilter
    table_class = ActivityTable
    template_name = "promotion/activity_list.html"

    def get_queryset(self) -> QuerySet[Activity]:
        return (
            visible_activities(self.user)
            .select_related("unit")
            .annotate(signed=Count("projects"))
            .order_by("-held_on", "-pk")
        )

    def export(self, activities: QuerySet[Activity]) -> HttpResponse:
        sheets = [("招商引资活动", EXPORT_HEADERS, export_rows(activities))]
        return workbook_response(sheets, filenames.PROMOTION)


activity_list = ActivityList.as_view()


@requires("portfolio.view")
def activity_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    activity = activity_for(request.user, pk)
    projects = activity.projects.select_related("unit").order_by("code")
    shown = projects.filter(pk__in=visible_projects(request.user).values("pk"))
    return render(
        request,
        "promotion/activity_detail.html",
        {"activity": activity, "projects": shown, "others": projects.count() - shown.count()},
    )


def _choices(user: User) -> dict[str, Any]:
    """What the person may pick: their unit and its projects (a reporter), or every one."""
    return {
        "units": scoped(user, "promotion.keep", Unit.objects.all(), "pk"),
        "projects": visible_projects(user),
    }


def _activity_form(
    request: AuthenticatedRequest, activity: Activity | None, initial: dict[str, Any]
) -> HttpResponse:
    form = ActivityForm(request.POST or None, initial=initial, **_choices(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version")
        data["projects"] = list(data["projects"])
        try:
            activity = services.activity_save(
                user=request.user, activity=activity, expected_version=expected, **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            unchanged = expected is not None and activity.version == expected
            messages.success(
                request,
                "招商引资活动没有改动，未保存新版本。" if unchanged else "招商引资活动已保存。",
            )
            return redirect("activity_detail", pk=activity.pk)
    return render(request, "promotion/activity_form.html", {"form": form, "activity": activity})


@requires("promotion.keep")
def activity_create(request: AuthenticatedRequest) -> HttpResponse:
    initial: dict[str, Any] = {"held_on": timezone.localdate()}
    if own_unit(request.user, "promotion.keep") is not None:
        unit = request.user.unit
        initial["unit"] = unit
        if unit is not None:
            initial["led_by"] = "township" if unit.kind == Unit.Kind.TOWNSHIP else "department"
    return _activity_form(request, None, initial)


@requires("promotion.keep")
def activity_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    activity = activity_for(request.user, pk)
    fields = [name for name in ActivityForm.base_fields if name not in ("projects", "version")]
    initial = {name: getattr(activity, name) for name in fields}
    initial["version"] = activity.version
    initial["projects"] = list(activity.projects.all())
    return _activity_form(request, activity, initial)


@requires("promotion.keep")
def activity_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A page asking to confirm; its POST deletes."""
    activity = activity_for(request.user, pk)
    if request.method == "POST":
        try:
            services.activity_delete(
                user=request.user,
                activity=activity,
                expected_version=_version(request.POST.get("version")),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("activity_detail", pk=pk)
        messages.success(request, f"已删除招商引资活动“{activity}”。")
        return redirect("activity_list")
    return render(request, "promotion/activity_delete.html", {"activity": activity})


def _version(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def _due_month(request: AuthenticatedRequest) -> tuple[int, int]:
    """(year, month) of the month that is due (DESIGN.md §3), where every figures page and the
    briefing open: from `settings.ASKED_PERIOD` (`investment.forms.asked_period`, an app above
    this one), as 三个一批's pages take it."""
    _, period = import_string(settings.ASKED_PERIOD)(request)
    due = period.due()
    return due.year, due.month


@requires("portfolio.view")
def promotion_figures_page(request: AuthenticatedRequest) -> HttpResponse:
    """招商引资统计: seed 004's section (五) for a month, quarter, year or dates, with each
    unit's part (a reporter: their unit's). Unasked, the month that is due, as the briefing of
    that month has it: a month or a quarter with the year through its end beside it (the
    briefing's 年以来 and 其中本月, one `briefing_section`)."""
    year, month = _due_month(request)
    # Unasked, the form shows the period the figures are for (月度, the year and the month).
    form = FiguresForm(
        request.GET or None, initial={"kind": Span.MONTH, "year": year, "month": month}
    )
    kind, start, end, label = form.span((year, month))
    activities, units = visible_activities(request.user), Unit.objects.all()
    to_date = None
    if kind in (Span.MONTH, Span.QUARTER):
        section = briefing_section(
            year_start=date(end.year, 1, 1), start=start, end=end, activities=activities
        )
        figures, to_date = section.this_period or section.year_to_date, section.year_to_date
    else:
        figures = promotion_figures(activities, start, end)
    return render(
        request,
        "promotion/figures.html",
        {
            "form": form,
            "label": label,
            "start": start,
            "end": end,
            "figures": figures,
            "to_date": to_date if figures is not to_date else None,
            "by_unit": figures_by_unit(
                activities, start, end, units=scoped(request.user, "portfolio.view", units, "pk")
            ),
            "headers": [figure.label for figure in FIGURES],
            "own_unit": own_unit(request.user) is not None,
            "later": held_after(activities, end),
        },
    )
