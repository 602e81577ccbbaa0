"""Many reporters submitting at once (PostgreSQL): every report written once, no duplicate,
no server error, and no lost update — two people on the same unit's form: one wins whole."""

import threading
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from investment.models import MonthlyReport
from projects.models import AnnualPlan, Project, Unit, User
from tests.workbooks import a_portfolio, load

UNITS = 7  # a_portfolio spreads projects over 单位0 … 单位6
CLERKS_PER_UNIT = 3  # three people on each unit's form at the same moment


def unit_form(plans: list[AnnualPlan], clerk: int) -> dict:
    """The unit's whole month as a new form (version 0), amounts that say whose they are."""
    data = {"form-TOTAL_FORMS": len(plans), "form-INITIAL_FORMS": len(plans), "action": "submit"}
    for i, plan in enumerate(plans):
        data |= {
            f"form-{i}-plan": plan.pk, f"form-{i}-version": 0,
            f"form-{i}-amount": f"{clerk}.{i:02d}", f"form-{i}-progress": "",
            f"form-{i}-problems": "", f"form-{i}-problem_category": "",
        }  # fmt: skip
    return data


@pytest.mark.django_db(transaction=True)
def test_concurrent_submitters_never_lose_or_duplicate_a_report():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL, the production database")
    load(a_portfolio(42, 2026))
    # started in January with room in the plan: February's few 万元 raise no data-quality
    # flag, which would hold the send for its reporter's 报送确认 (tested on its own)
    AnnualPlan.objects.update(actual_start=date(2026, 1, 5), planned_investment=1000)
    Project.objects.update(total_investment=5000)
    jobs = []
    for unit in Unit.objects.order_by("name"):
        plans = list(AnnualPlan.objects.filter(project__unit=unit).order_by("pk"))
        for _ in range(CLERKS_PER_UNIT):
            clerk = len(jobs) + 1
            user = User.objects.create_user(f"clerk{clerk}", role=User.Role.REPORTER, unit=unit)
            jobs.append((clerk, user, unit, plans))
    start = threading.Barrier(len(jobs))
    statuses, pages = {}, {}

    def submit(clerk, user, unit, plans):
        client = Client()
        client.force_login(user)
        start.wait()
        try:
            response = client.post(reverse("report_month", args=[2026, 2]), unit_form(plans, clerk))
            statuses[clerk] = response.status_code
            pages[clerk] = response.content.decode() if response.status_code == 200 else ""
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(statuses) == len(jobs) == UNITS * CLERKS_PER_UNIT
    assert set(statuses.values()) <= {200, 302}  # saved (redirect) or refused (page): no 500
    reports = MonthlyReport.objects.filter(plan__year=2026, month=2)
    assert reports.count() == AnnualPlan.objects.filter(year=2026).count() == 42  # once each
    for unit in Unit.objects.all():
        winners = {
            int(a)
            for a in reports.filter(plan__project__unit=unit).values_list("amount", flat=True)
        }
        assert len(winners) == 1, unit  # one clerk's whole form, never a mix
        winner = winners.pop()
        assert statuses[winner] == 302
        losers = [j[0] for j in jobs if j[2] == unit and j[0] != winner]
        assert all(statuses[c] == 200 and "请刷新页面" in pages[c] for c in losers)
    assert set(reports.values_list("status", flat=True)) == {MonthlyReport.Status.SUBMITTED}
