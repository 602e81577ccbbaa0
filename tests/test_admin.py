"""The admin lists open for the administrator (a stop-gap until the office's own pages)."""

from django.urls import reverse

from ledger.demo import seed_demo
from projects.models import User

PAGES = [
    "projects_project",
    "projects_unit",
    "projects_user",
    "investment_monthlyreport",
    "investment_yearsettings",
    "investment_reportingperiod",
    "bonds_fundapplication",
    "supervision_finding",
    "supervision_inspection",
    "supervision_notice",
    "ledger_ledgerimport",
]


def test_every_admin_list_opens_on_the_demo_county(client):
    seed_demo()
    client.force_login(User.objects.get(username="admin"))

    statuses = {page: client.get(reverse(f"admin:{page}_changelist")).status_code for page in PAGES}

    assert statuses == dict.fromkeys(PAGES, 200)
