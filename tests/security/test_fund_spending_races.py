"""资金申报's 支出 entries saved by several people at the same moment (PostgreSQL): the entries
never sum past 下达, an entry is deleted once, and the others are told; never a 500."""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from bonds.models import FundSpending, FundType
from bonds.services import fund_save, spending_record
from tests import builders
from tests.security.at_once import at_once, on_postgresql

pytestmark = pytest.mark.django_db(transaction=True)
PEOPLE = 6
TODAY = date(2026, 6, 15)


@pytest.fixture
def application(cast):
    on_postgresql()
    project = builders.project(
        {"项目代码": "ZJ-001", "项目名称": "老旧小区改造", "总投资(万元)": 5000}, listed=False
    )
    with time_machine.travel(TODAY, tick=False):
        return fund_save(
            user=cast.officer, project=project, fund_type=FundType.SPECIAL_BOND, year=2026,
            requested=Decimal(100), approved=Decimal(100), allocated=Decimal(100),
            allocated_on=date(2026, 1, 10),
        )  # fmt: skip


def posting(user, url, data):
    def post():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        with time_machine.travel(TODAY, tick=False):
            response = client.post(url, data, follow=True)
        return response.status_code, response.content.decode()

    return post


def test_six_entries_of_60_against_100_下达_at_once_one_is_recorded(cast, application):
    url = reverse("fund_spending_add", args=[application.pk])
    data = {"spent_on": "2026-03-01", "amount": "60", "version": application.version}
    answers = at_once([posting(cast.officer, url, data) for _ in range(PEOPLE)])
    assert Counter(status for status, _ in answers) == {200: PEOPLE}
    assert sum("已登记支出" in page for _, page in answers) == 1
    assert FundSpending.objects.get().amount == Decimal(60)
    application.refresh_from_db()
    assert application.spent == Decimal(60)


def test_six_deletions_of_one_entry_at_once_delete_it_once(cast, application):
    with time_machine.travel(TODAY, tick=False):
        entry = spending_record(
            user=cast.officer, application=application, spent_on=date(2026, 2, 1),
            amount=Decimal(10),
        )  # fmt: skip
    application.refresh_from_db()
    url = reverse("fund_spending_delete", args=[entry.pk])
    form = {"version": application.version}  # six tabs opened on the same page
    answers = at_once([posting(cast.officer, url, form) for _ in range(PEOPLE)])
    assert Counter(status for status, _ in answers) == {200: PEOPLE}
    assert sum("已删除2026-02-01的一笔支出" in page for _, page in answers) == 1
    assert not FundSpending.objects.exists()
    deletions = AuditEntry.objects.filter(action="删除资金支出")
    assert Counter(deletions.values_list("outcome", flat=True)) == {"success": 1, "refused": 5}
    told = ("该支出明细已被删除", "该资金申报已被")  # gone, or: the page is older than the deletion
    assert sum(any(words in page for words in told) for _, page in answers) == PEOPLE - 1


def test_a_post_without_the_pages_version_is_refused_and_nothing_is_recorded(cast, application):
    url = reverse("fund_spending_add", args=[application.pk])
    data = {"spent_on": "2026-03-01", "amount": "60"}  # a forged or truncated form
    answers = at_once([posting(cast.officer, url, data) for _ in range(PEOPLE)])
    assert Counter(status for status, _ in answers) == {200: PEOPLE}
    assert all("缺少版本信息" in page for _, page in answers)
    assert not FundSpending.objects.exists()
