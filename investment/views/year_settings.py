"""年度设置: the office's page for a year's due day, ranking weights and 红黑榜 size.

预览 shows the ranking at the year's due period with the settings in force and with the typed
ones, without saving; 保存 (offered with the preview) saves exactly what was previewed. The
rules are `investment/services/year_settings.py`'s; this module parses, calls and renders.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core.capabilities import requires
from core.http import AuthenticatedRequest
from investment.forms import YearSettingsForm, settings_year
from investment.rules.indicators import HOW_MANY, INDICATORS, REPORTING, WEIGHTS
from investment.rules.periods import Period
from investment.rules.year_settings import settings_values
from investment.services.year_settings import (
    opens_at,
    settings_history,
    settings_preview,
    settings_years,
    year_settings_save,
)
from projects.models import AnnualPlan


@requires("year.configure")
def year_settings(request: AuthenticatedRequest) -> HttpResponse:
    due = Period.due_on(timezone.localdate())
    today = due.today
    source = request.POST if request.method == "POST" else request.GET
    year = settings_year(request, source, due=due)
    current = due.read.settings(year)  # the year's saved row, or its defaults (unsaved)
    saved = current if current.pk is not None else None
    preview, opening, asked = None, None, False
    if request.method == "POST":
        form = YearSettingsForm(request.POST)
        if form.is_valid() and request.POST.get("action") == "save":
            shown_version = form.cleaned_data["version"] or 0
            try:
                row = year_settings_save(
                    year=year, user=request.user, **form.values(), expected_version=shown_version
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if row.pk is not None and row.version != shown_version:
                    messages.success(
                        request, f"{year}年年度设置已保存，考核排名、简报和通报即按新设置计算。"
                    )
                else:
                    messages.info(request, f"{year}年年度设置没有改变，未保存新的版本。")
                return redirect(f"{reverse('year_settings')}?year={year}")
        elif form.is_valid():
            asked = True
            preview = settings_preview(due, year=year, values=form.values())
            opening = opens_at(due, year=year, values=form.values())
    else:
        values = settings_values(current)
        form = YearSettingsForm(
            initial={"year": year, "version": saved.version if saved else 0, **values}
        )
    history = settings_history(year)
    units_ranked = _units_ranked(year)
    return render(
        request,
        "investment/year_settings.html",
        {
            "year": year,
            "years": settings_years(year, today.year),
            "current": current,
            "current_weights": [
                (indicator, getattr(current, indicator.weight_field)) for indicator in INDICATORS
            ],
            "how_many": HOW_MANY,  # indicators, so weights: 五项之和应为100
            "reporting": REPORTING,  # the indicator a new due day changes
            "saved": saved,
            "form": form,
            "weight_fields": [form[name] for name in WEIGHTS],
            "preview": preview,
            "opens_at": opening,
            "asked": asked,  # a valid 预览: show what would change and offer 保存
            "history": history,
            "units_ranked": units_ranked,
            "list_max": units_ranked // 2,
        },
    )


def _units_ranked(year: int) -> int:
    """How many units the year's ranking has (units with plan rows that count)."""
    return (
        AnnualPlan.objects.counted(year)
        .order_by()
        .values("project__unit")
        .annotate(n=Count("pk"))
        .count()
    )
