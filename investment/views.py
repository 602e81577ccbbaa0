from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from investment import rules
from investment.forms import PeriodForm
from investment.selectors import portfolio_summary
from projects.models import Level


@login_required
def dashboard(request):
    year, month = rules.last_finished_month(timezone.localdate())
    form = PeriodForm(request.GET or {"year": year, "month": month})
    if form.is_valid():
        year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    summary = portfolio_summary(year=year, month=month)
    levels = [(level.label, summary.by_level[level.value]) for level in Level]
    return render(
        request,
        "investment/dashboard.html",
        {"form": form, "summary": summary, "levels": levels},
    )
