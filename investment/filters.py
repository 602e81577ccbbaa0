"""Filter bars of the figure pages (django-filter), over the user's plan rows.

The period (year, month) is `forms.PeriodForm`'s, with its default of the period that is due;
these filters only narrow the plan rows a selector is given. A value that is not one of the
choices is left out of the filter and named on the page (`partials/filter_errors.html`).
"""

import django_filters

from investment.progress import LagReason
from projects.filters import unit_filter
from projects.models import AnnualPlan, Level

LAG_REASONS = (
    LagReason.NOT_STARTED,
    LagReason.INVESTMENT,
    LagReason.MILESTONE,
    LagReason.NOT_REPORTED,
)


class PlanUnitFilter(django_filters.FilterSet):
    """挂图作战: one unit's rows, or all the user may see."""

    unit = unit_filter()

    class Meta:
        model = AnnualPlan
        fields = ["unit"]


class LagFilter(PlanUnitFilter):
    """滞后预警: by unit and level on the plan rows; by reason on the warnings they give."""

    reason = django_filters.ChoiceFilter(
        label="预警原因",
        choices=[(reason, reason) for reason in LAG_REASONS],
        empty_label="全部原因",
        method="reason_later",
    )
    level = django_filters.ChoiceFilter(label="级别", choices=Level.choices, empty_label="全部级别")

    class Meta:
        model = AnnualPlan
        fields = ["reason", "level", "unit"]

    def reason_later(self, queryset, name, value):
        # A reason is found by `lag_warnings`, not stored on the row: `warnings` applies it.
        return queryset

    def warnings(self, warnings: list) -> list:
        self.is_valid()  # cleans the form; a bad field is left out of cleaned_data
        reason = self.form.cleaned_data.get("reason")
        if not reason:
            return warnings
        return [w for w in warnings if any(r == reason for r, _ in w.reasons)]
