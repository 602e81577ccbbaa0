import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from core.capabilities import own_unit
from core.params import year_field
from projects.models import AnnualPlan, Level, Nature, Stage, Unit


class YearFilter(django_filters.Filter):
    """``?year=``: a whole year within the range every year takes (`core.params`), not the
    Decimal a NumberFilter reads (``1e5``, 20 digits)."""

    field_class = forms.IntegerField


def year_filter() -> YearFilter:
    field = year_field()
    return YearFilter(
        label=field.label, min_value=field.min_value, max_value=field.max_value,
        error_messages=field.error_messages,
    )  # fmt: skip


def units_offered(request: HttpRequest | None) -> QuerySet[Unit]:
    """The units a filter bar offers: a unit's reporter only their own (the rows they see are
    their unit's), everyone else every unit."""
    unit = own_unit(request.user) if request is not None else None
    return Unit.objects.all() if unit is None else Unit.objects.filter(pk=unit)


def unit_filter(field_name: str = "project__unit") -> django_filters.ModelChoiceFilter:
    """The 责任单位 choice of every filter bar (a list's rows narrowed to one unit)."""
    return django_filters.ModelChoiceFilter(
        label="责任单位",
        field_name=field_name,
        queryset=units_offered,  # type: ignore[arg-type]  # django-filter calls it with the request
        empty_label="全部单位",
    )


class PlanFilter(django_filters.FilterSet):
    year = year_filter()
    level = django_filters.ChoiceFilter(label="级别", choices=Level.choices, empty_label="全部级别")
    nature = django_filters.ChoiceFilter(label="性质", choices=Nature.choices, empty_label="全部")
    unit = unit_filter()
    industry = django_filters.CharFilter(label="行业", field_name="project__industry")
    stage = django_filters.ChoiceFilter(
        label="阶段", field_name="project__stage", choices=Stage.choices, empty_label="全部阶段"
    )
    q = django_filters.CharFilter(label="搜索", method="search")

    class Meta:
        model = AnnualPlan
        fields = ["year", "level", "nature", "unit", "industry", "stage", "q"]

    def search(self, queryset: QuerySet[AnnualPlan], name: str, value: str) -> QuerySet[AnnualPlan]:
        value = value.strip()
        return queryset.filter(
            Q(project__code__icontains=value) | Q(project__name__icontains=value)
        )


class UnitFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label="名称", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(
        label="类型", choices=Unit.Kind.choices, empty_label="全部类型"
    )

    class Meta:
        model = Unit
        fields = ["name", "kind"]
