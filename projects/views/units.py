"""责任单位's pages: the list with what each unit holds, a unit's form, and the merge.

Thin views over `projects.services.units` and `projects.selectors`. The merge is a confirmation
page naming what moves (counts per kind) and what would collide, then one POST; the merge's
audit entry (written by `unit_merge`) names both units and the counts.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.capabilities import needs, requires
from core.errors import error_text
from core.http import AuthenticatedRequest
from core.lists import ListPage
from projects.filters import UnitFilter
from projects.forms import UnitForm
from projects.models import Unit, User
from projects.selectors import (
    closest_units,
    merge_collisions,
    next_sort_order,
    unit_usage,
    units_with_counts,
)
from projects.services.units import unit_merge, unit_save
from projects.tables import UnitTable


class UnitList(ListPage[User]):
    """责任单位: every unit with how many projects, users, findings … point at it."""

    capabilities = needs("units.keep")
    filterset_class = UnitFilter
    table_class = UnitTable
    template_name = "projects/unit_list.html"
    per_page = 100

    def get_queryset(self) -> QuerySet[Unit]:
        return units_with_counts()


unit_list = UnitList.as_view()


@requires("units.keep")
def unit_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk) if pk else None
    initial = (
        {
            "name": unit.name,
            "kind": unit.kind,
            "sort_order": unit.sort_order,
            "version": unit.version,
        }
        if unit
        else {"sort_order": next_sort_order()}
    )
    form = UnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            saved = unit_save(
                user=request.user, unit=unit, expected_version=data.pop("version"), **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已保存责任单位“{saved}”。")
            return redirect("unit_list")
    return render(request, "projects/unit_form.html", {"form": form, "unit": unit})


@requires("units.keep")
def unit_merge_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """合并: choose the unit to merge into (closest names first), see what moves, confirm."""
    source = get_object_or_404(Unit, pk=pk)
    others = list(Unit.objects.exclude(pk=source.pk))
    chosen = request.POST.get("target") or request.GET.get("target", "")
    target = next((u for u in others if str(u.pk) == chosen), None)
    if request.method == "POST" and target is not None:
        try:
            merged = unit_merge(source=source, target=target, user=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect(f"{reverse('unit_merge', args=[source.pk])}?target={target.pk}")
        messages.success(request, merged.summary())
        return redirect("unit_list")
    close = closest_units(source.name, [u.name for u in others])
    usage = unit_usage(source)
    return render(
        request,
        "projects/unit_merge.html",
        {
            "source": source,
            "target": target,
            "choices": sorted(others, key=lambda u: (u.name not in close, u.sort_order, u.name)),
            "close": close,
            "moves": {label: n for label, n in usage.items() if n},
            "nothing": [label for label, n in usage.items() if not n],
            "collisions": merge_collisions(source, target) if target else [],
        },
    )
