"""三个一批's pages: the batches with their 签约率, 开工率 and 投产率, a batch's page (its projects
by kind with their 目标日期 and whether each is done, the rates by unit and for the county), the
batch form, listing projects, a listing's 目标日期, and removing a listing.

Everyone who reads the portfolio reads them (a unit's reporter: the batches listing their unit's
projects, and those listings only); the project office keeps them (``register.keep``). The
period is the figures pages' own (``?year=&month=``, else the period that is due): built by
`settings.ASKED_PERIOD` (`investment.forms.asked_period`), named by the setting as the project
page is (`settings.PROJECT_PAGE_VIEW`), since this app sits above `investment`.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string

from batches import services
from batches.access import batch_for, entry_for, visible_batches, visible_entries
from batches.forms import BatchForm, EntriesForm, EntryForm
from batches.models import Batch
from batches.selectors import (
    batch_rates,
    by_kind,
    done_before_listing,
    in_order,
    listing_units,
    listings,
)
from core.capabilities import own_unit, requires, scoped
from core.errors import error_text
from core.http import AuthenticatedRequest
from projects.models import Unit


def asked_period(request: AuthenticatedRequest) -> tuple[Any, Any]:
    """(the period form, the `Period`) the figures pages show: ``?year=&month=`` or the due one."""
    form, period = import_string(settings.ASKED_PERIOD)(request)
    return form, period


def _scope_label(request: AuthenticatedRequest) -> str:
    return "全县" if own_unit(request.user) is None else "本单位"


@requires("portfolio.view")
def batch_list(request: AuthenticatedRequest) -> HttpResponse:
    form, period = asked_period(request)
    batches = list(in_order(visible_batches(request.user)))
    rates = batch_rates(batches, visible_entries(request.user), end=period.end)
    return render(
        request,
        "batches/batch_list.html",
        {"form": form, "period": period, "rates": rates, "scope": _scope_label(request)},
    )


@requires("portfolio.view")
def batch_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    batch = batch_for(request.user, pk)
    form, period = asked_period(request)
    entries = visible_entries(request.user).filter(batch=batch)
    units = scoped(request.user, "portfolio.view", Unit.objects.all(), "pk")
    (rates,) = batch_rates([batch], entries, end=period.end)  # the units with a listing
    unlisted = listing_units(units).count() - len(rates.units)  # said in one line, not 30 rows of —
    return render(
        request,
        "batches/batch_detail.html",
        {
            "batch": batch,
            "form": form,
            "period": period,
            "rates": rates,
            "unlisted": unlisted,
            "kinds": by_kind(listings(entries, end=period.end)),
            "scope": _scope_label(request),
        },
    )


def _batch_form(request: AuthenticatedRequest, batch: Batch | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if batch is not None:
        initial = {"version": batch.version, "name": batch.name, "year": batch.year,
                   "quarter": batch.quarter, "note": batch.note}  # fmt: skip
    form = BatchForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version")
        try:
            saved = services.batch_save(
                user=request.user, batch=batch, expected_version=expected, **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            unchanged = batch is not None and saved.version == expected
            said = "没有改动，未保存新版本" if unchanged else "已保存"
            messages.success(request, f"期次“{saved.name}”{said}。")
            return redirect("batch_detail", pk=saved.pk)
    return render(request, "batches/batch_form.html", {"form": form, "batch": batch})


@requires("register.keep")
def batch_create(request: AuthenticatedRequest) -> HttpResponse:
    return _batch_form(request, None)


@requires("register.keep")
def batch_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _batch_form(request, batch_for(request.user, pk))


@requires("register.keep")
def entries_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    batch = batch_for(request.user, pk)
    initial = {"kind": request.GET.get("kind")}
    form = EntriesForm(request.POST or None, initial=initial, batch=batch)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = services.entries_add(
                user=request.user, batch=batch, kind=data["kind"],
                projects=list(data["projects"]), target_date=data["target_date"],
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已列入{len(added)}个项目。")
            if hint := done_before_listing(added, today=timezone.localdate()):
                messages.info(request, hint)
            return redirect("batch_detail", pk=batch.pk)
    return render(request, "batches/entries_form.html", {"form": form, "batch": batch})


@requires("register.keep")
def entry_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entry = entry_for(request.user, pk)
    initial = {"version": entry.version, "target_date": entry.target_date}
    form = EntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.entry_save(
                user=request.user, entry=entry, target_date=form.cleaned_data["target_date"],
                expected_version=form.cleaned_data["version"],
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            unchanged = saved.version == form.cleaned_data["version"]
            messages.success(
                request, "目标日期没有改动，未保存新版本。" if unchanged else "目标日期已保存。"
            )
            return redirect("batch_detail", pk=entry.batch_id)
    return render(request, "batches/entry_form.html", {"form": form, "entry": entry})


@requires("register.keep", methods=["POST"])
def entry_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entry = entry_for(request.user, pk)
    try:
        services.entry_remove(user=request.user, entry=entry)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"已将“{entry.project.name}”移出{entry.get_kind_display()}。")
    return redirect("batch_detail", pk=entry.batch_id)
