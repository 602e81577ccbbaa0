"""账号管理's filter bar."""

import django_filters
from django.db.models import Q, QuerySet

from projects.filters import unit_filter
from projects.models import User


class PeopleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    role = django_filters.ChoiceFilter(
        label="角色", choices=User.Role.choices, empty_label="全部角色"
    )
    unit = unit_filter("unit")
    is_active = django_filters.ChoiceFilter(
        label="状态",
        choices=[("1", "启用"), ("0", "已停用")],
        empty_label="全部",
        method="active",
    )

    class Meta:
        model = User
        fields = ["q", "role", "unit", "is_active"]

    def search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        value = value.strip()
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(phone__icontains=value)
        )

    def active(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return queryset.filter(is_active=value == "1")
