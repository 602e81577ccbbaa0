"""Filter bars of the figure pages (django-filter), over the user's plan rows.

The period (year, month) is `forms.PeriodForm`'s, with its default of the period that is due;
these filters only narrow the plan rows a selector is given. A value that is not one of the
choices is left out of the filter and named on the page (`partials/filter_errors.html`).
"""

import django_filters
from django.db.models import QuerySet

from investment.models import WarningLevel
from investment.rules import overruns
from investment.selectors.progress import LagReason
from projects.filters import unit_filter
from projects.models import AnnualPlan, Level

LAG_REASONS = (
    LagReason.NOT_STARTED,
    LagReason.INVESTMENT,
    LagReason.NOT_IN_STATISTICS,
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
    warning = django_filters.ChoiceFilter(
        label="预警等级",
        choices=WarningLevel.choices[::-1],  # red first
        empty_label="全部等级",
        method="reason_later",
    )
    level = django_filters.ChoiceFilter(label="级别", choices=Level.choices, empty_label="全部级别")

    class Meta:
        model = AnnualPlan
        fields = ["warning", "reason", "level", "unit"]

    def reason_later(
        self, queryset: QuerySet[AnnualPlan], name: str, value: str
    ) -> QuerySet[AnnualPlan]:
        # A reason and a level are found by `lag_warnings`, not stored on the row: `warnings`
        # applies them.
        return queryset

    def asked(self) -> dict[str, str | None]:
        """The reason and the row level asked for (None: any), as `LagRows` takes them."""
        self.is_valid()  # cleans the form; a bad field is left out of cleaned_data
        return {
            "reason": self.form.cleaned_data.get("reason") or None,
            "level": self.form.cleaned_data.get("warning") or None,
        }

    def warnings(self, warnings: list) -> list:
        """The warnings of the reason and the row level asked for."""
        reason, level = self.asked().values()
        if reason:
            warnings = [w for w in warnings if any(r.reason == reason for r in w.reasons)]
        if level:
            warnings = [w for w in warnings if w.level == level]
        return warnings


class OverrunFilter(PlanUnitFilter):
    """超概算/超工期: by unit and level on the plan rows; by kind on the overruns found."""

    KINDS = (("cost", "超概算"), ("time", "超工期"))

    kind = django_filters.ChoiceFilter(
        label="类别", choices=KINDS, empty_label="超概算或超工期", method="kind_later"
    )
    level = django_filters.ChoiceFilter(label="级别", choices=Level.choices, empty_label="全部级别")

    class Meta:
        model = AnnualPlan
        fields = ["kind", "level", "unit"]

    def kind_later(
        self, queryset: QuerySet[AnnualPlan], name: str, value: str
    ) -> QuerySet[AnnualPlan]:
        # An overrun is annotated by `investment.rules.overruns`, not stored: `of_kind` applies it.
        return queryset

    def of_kind(self, rows: QuerySet[AnnualPlan]) -> QuerySet[AnnualPlan]:
        self.is_valid()
        kind = self.form.cleaned_data.get("kind")
        if kind == "cost":
            return rows.filter(overruns.COST_Q)
        if kind == "time":
            return rows.filter(overruns.TIME_Q)
        return rows


class TimelineFilter(LagFilter):
    """节点作战图: by unit and level on the plan rows; 仅滞后项目 (or a warning level or reason,
    which imply it) keeps the rows on the lag list (`lag_warnings`, filtered as 滞后预警 is)."""

    scope = django_filters.ChoiceFilter(
        label="范围",
        choices=[("lagging", "仅滞后项目")],
        empty_label="全部项目",
        method="reason_later",
    )

    class Meta:
        model = AnnualPlan
        fields = ["scope", "warning", "reason", "level", "unit"]

    def lagging_asked(self) -> bool:
        self.is_valid()
        asked = self.form.cleaned_data
        return any(asked.get(name) for name in ("scope", "warning", "reason"))

    def described(self) -> str:
        """What the set is, in words (the wall chart's subtitle): 全县 or the unit, the level,
        and the lag condition asked."""
        self.is_valid()
        asked = self.form.cleaned_data
        parts = [str(asked["unit"]) if asked.get("unit") else "全部单位"]
        if asked.get("level"):
            parts.append(str(Level(asked["level"]).label))
        if self.lagging_asked():
            lag = "滞后项目"
            if asked.get("warning"):
                lag = f"{WarningLevel(asked['warning']).label}预警的{lag}"
            if asked.get("reason"):
                lag += f"（{asked['reason']}）"
            parts.append(lag)
        return " · ".join(parts)
