"""资金申报's filter bar (django-filter): ``?year=``, ``?fund_type=``, ``?status=``, ``?unit=``,
``?light=`` (the fund clock: red, yellow, lit = either, green, none; over `bonds.selectors.with_clocks`)."""

import django_filters
from django.db.models import QuerySet

from bonds.models import FundApplication, FundStatus, FundType
from bonds.rules import LIT, Light
from projects.filters import unit_filter, year_filter

LIGHTS = {
    "lit": ("亮灯（红灯或黄灯）", LIT),
    "red": ("红灯", (Light.RED,)),
    "yellow": ("黄灯", (Light.YELLOW,)),
    "green": ("正常", (Light.GREEN,)),
    "none": ("未下达", (Light.NONE,)),
}


class FundFilter(django_filters.FilterSet):
    year = year_filter()
    fund_type = django_filters.ChoiceFilter(
        label="资金类型", choices=FundType.choices, empty_label="全部"
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=FundStatus.choices, empty_label="全部"
    )
    unit = unit_filter()
    light = django_filters.ChoiceFilter(
        label="支出预警",
        choices=[(key, label) for key, (label, _) in LIGHTS.items()],
        empty_label="全部",
        method="by_light",
    )

    class Meta:
        model = FundApplication
        fields = ["year", "fund_type", "status", "unit", "light"]

    def by_light(
        self, rows: QuerySet[FundApplication], name: str, value: str
    ) -> QuerySet[FundApplication]:
        return rows.filter(clock_light__in=LIGHTS[value][1])  # type: ignore[misc]  # annotated
