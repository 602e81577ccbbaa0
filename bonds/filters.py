"""资金申报's filter bar (django-filter): ``?year=``, ``?fund_type=``, ``?status=``, ``?unit=``."""

import django_filters

from bonds.models import FundApplication, FundStatus, FundType
from projects.filters import unit_filter, year_filter


class FundFilter(django_filters.FilterSet):
    year = year_filter()
    fund_type = django_filters.ChoiceFilter(
        label="资金类型", choices=FundType.choices, empty_label="全部"
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=FundStatus.choices, empty_label="全部"
    )
    unit = unit_filter()

    class Meta:
        model = FundApplication
        fields = ["year", "fund_type", "status", "unit"]
