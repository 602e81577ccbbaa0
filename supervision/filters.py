"""The 督查督办 list's filter bar (django-filter); its parameters are the bookmarks' and 我的待办's
(``?status=waiting``, ``?when=overdue``)."""

from datetime import date
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from projects.filters import unit_filter
from projects.models import FactorCategory
from supervision.models import Finding
from supervision.selectors import WAITING, WAITING_STATUSES

OVERDUE, CLOCKED = "overdue", "13710"


class FindingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="状态",
        choices=[(WAITING, "待整改答复（未整改、整改中）"), *Finding.Status.choices],
        empty_label="全部",
        method="by_status",
    )
    unit = unit_filter("unit")
    category = django_filters.ChoiceFilter(
        label="问题类别", choices=FactorCategory.choices, empty_label="全部"
    )
    when = django_filters.ChoiceFilter(
        label="范围",
        choices=[(OVERDUE, "仅逾期"), (CLOCKED, "仅13710督办")],
        empty_label="全部问题",
        method="by_when",
    )

    class Meta:
        model = Finding
        fields = ["status", "unit", "category", "when"]

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)

    def by_status(self, queryset: QuerySet[Finding], name: str, value: str) -> QuerySet[Finding]:
        if value == WAITING:
            return queryset.filter(status__in=WAITING_STATUSES)
        return queryset.filter(status=value)

    def by_when(self, queryset: QuerySet[Finding], name: str, value: str) -> QuerySet[Finding]:
        if value == OVERDUE:
            return queryset.filter(Finding.overdue_q(on=self.today))
        return queryset.exclude(clock=Finding.Clock.NONE)
