"""责任单位's pages: the list with what each unit holds, a unit's form, and the merge.

Thin views over `projects.units`. The merge is a confirmation page naming what moves (counts
per kind) and what would collide, then one POST; the audit entry names both units and the
counts (``request.audit_detail``).
"""

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from projects.capabilities import needs, requires
from projects.errors import error_text
from projects.lists import ListPage
from projects.models import SORT_ORDER_MAX, Unit
from projects.params import version_field
from projects.tables import cell
from projects.units import (
    closest_units,
    counted_usage,
    merge_collisions,
    next_sort_order,
    unit_merge,
    unit_save,
    unit_usage,
    units_with_counts,
)


class UnitFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label="名称", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(
        label="类型", choices=Unit.Kind.choices, empty_label="全部类型"
    )

    class Meta:
        model = Unit
        fields = ["name", "kind"]


class UnitTable(tables.Table):
    sort_order = tables.Column("排序", attrs=cell("排序", "num") | {"th": {"class": "num"}})
    name = tables.Column("单位名称", attrs=cell("单位名称", "name"))
    kind = tables.Column("类型", attrs=cell("类型"))
    usage = tables.Column("使用情况", empty_values=(), orderable=False, attrs=cell("使用情况", ""))
    actions = tables.Column("", empty_values=(), orderable=False, attrs={"td": {"class": "nowrap"}})

    class Meta:
        model = Unit
        fields = ()
        attrs = {"class": "table stacked"}
        order_by = ("sort_order",)
        empty_text = "没有符合条件的责任单位。"

    def order_sort_order(self, queryset, is_descending):
        fields = ("-sort_order", "-name") if is_descending else ("sort_order", "name")
        return queryset.order_by(*fields), True

    def render_usage(self, record):
        usage = counted_usage(record)
        if not usage:
            return mark_safe('<span class="muted">未使用</span>')
        return format_html_join("、", "{}{}", usage.items())

    def render_actions(self, record):
        return format_html(
            '<a data-action="unit.edit" href="{}">编辑</a> · '
            '<a data-action="unit.merge" href="{}">合并到…</a>',
            reverse("unit_edit", args=[record.pk]),
            reverse("unit_merge", args=[record.pk]),
        )


class UnitList(ListPage):
    """责任单位: every unit with how many projects, users, findings … point at it."""

    capabilities = needs("units.keep")
    filterset_class = UnitFilter
    table_class = UnitTable
    template_name = "projects/unit_list.html"
    per_page = 100

    def get_queryset(self):
        return units_with_counts()


unit_list = UnitList.as_view()


class UnitForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=Unit.Kind.choices)
    sort_order = forms.IntegerField(
        label="排序",
        min_value=0,
        max_value=SORT_ORDER_MAX,
        error_messages={
            "invalid": f"排序应为0–{SORT_ORDER_MAX}之间的整数",
            "min_value": f"排序应为0–{SORT_ORDER_MAX}之间的整数",
            "max_value": f"排序应为0–{SORT_ORDER_MAX}之间的整数",
        },
        initial=0,
        help_text="数字小的排在前面（下拉列表、单位名单）；各单位按10、20、30…编号，插入时取中间数，如15",
    )
    # The version of the unit the form showed: a form older than the unit is refused.
    version = version_field()


@requires("units.keep")
def unit_edit(request, pk: int | None = None):
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
def unit_merge_page(request, pk: int):
    """合并: choose the unit to merge into (closest names first), see what moves, confirm."""
    source = get_object_or_404(Unit, pk=pk)
    others = list(Unit.objects.exclude(pk=source.pk))
    chosen = request.POST.get("target") or request.GET.get("target", "")
    target = next((u for u in others if str(u.pk) == chosen), None)
    if request.method == "POST" and target is not None:
        try:
            merged = unit_merge(source=source, target=target, user=request.user)
        except ValidationError as error:
            request.audit_outcome = "refused"  # audit.AuditEntry.Outcome
            messages.error(request, error_text(error))
            return redirect(f"{reverse('unit_merge', args=[source.pk])}?target={target.pk}")
        request.audit_detail = merged.summary()
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
