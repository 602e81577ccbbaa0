"""安全审计's filter bar (django-filter), filtering in the database."""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import AuditEntry

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(
        label="用户名", field_name="username", lookup_expr="icontains", max_length=150
    )
    category = django_filters.ChoiceFilter(
        label="类别", choices=AuditEntry.Category.choices, empty_label="全部"
    )
    outcome = django_filters.ChoiceFilter(
        label="结果", choices=AuditEntry.Outcome.choices, empty_label="全部"
    )
    since = django_filters.DateFilter(label="起始日期", method="from_day", widget=DATE)
    until = django_filters.DateFilter(label="截止日期", method="through_day", widget=DATE)
    text = django_filters.CharFilter(label="关键词", method="search", max_length=100)

    class Meta:
        model = AuditEntry
        fields = ["user", "category", "outcome", "since", "until", "text"]

    def from_day(
        self, queryset: QuerySet[AuditEntry], name: str, value: date
    ) -> QuerySet[AuditEntry]:
        return queryset.filter(at__gte=_start(value))

    def through_day(
        self, queryset: QuerySet[AuditEntry], name: str, value: date
    ) -> QuerySet[AuditEntry]:
        return queryset.filter(at__lt=_start(value + timedelta(days=1)))

    def search(self, queryset: QuerySet[AuditEntry], name: str, value: str) -> QuerySet[AuditEntry]:
        return queryset.filter(
            Q(action__icontains=value) | Q(target__icontains=value) | Q(detail__icontains=value)
        )
