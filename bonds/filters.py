"""资金申报's filter bar (django-filter): ``?year=`` (a year that has applications), ``?fund_type=``, ``?status=``, ``?unit=``,
``?light=`` (the fund clock: red, yellow, lit = either, green, none; over `bonds.selectors.with_clocks`)."""

import django_filters
from django.db.models import QuerySet

from bonds.models import FundApplication, FundStatus, FundType
from bonds.rules import LIT, Light
from projects.filters import unit_filter

LIGHTS = {
    "lit": ("亮灯（红灯或黄灯）", LIT),
    "red": ("红灯", (Light.RED,)),
    "yellow": ("黄灯", (Light.YELLOW,)),
    "green": ("正常", (Light.GREEN,)),
    "none": ("未下达", (Light.NONE,)),
}


def application_years() -> list[tuple[int, str]]:
    """The years that have applications, latest first: the only ones worth offering."""
    years = FundApplication.objects.order_by("-year").values_list("year", flat=True).distinct()
    return [(year, f"{year}年") for year in years]


class FundFilter(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(
        label="年度",
        choices=application_years,
        empty_label="全部年度",
        error_messages={"invalid_choice": "该年度没有资金申报。"},
    )
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
