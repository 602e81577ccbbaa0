"""招商引资's filter bar (django-filter): ``?since=&until=`` (dates held), ``?kind=``,
``?led_by=``, ``?unit=``."""

import django_filters

from projects.filters import unit_filter
from projects.forms import DateInput
from promotion.models import Activity, Kind, Lead

DATE = DateInput()


class ActivityFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(
        label="起始日期", field_name="held_on", lookup_expr="gte", widget=DATE
    )
    until = django_filters.DateFilter(
        label="截止日期", field_name="held_on", lookup_expr="lte", widget=DATE
    )
    kind = django_filters.ChoiceFilter(label="类型", choices=Kind.choices, empty_label="全部")
    led_by = django_filters.ChoiceFilter(label="牵头", choices=Lead.choices, empty_label="全部")
    unit = unit_filter("unit")

    class Meta:
        model = Activity
        fields = ["since", "until", "kind", "led_by", "unit"]
