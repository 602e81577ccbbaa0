"""The auditor's 数据变更记录 and the refusal of a stale form show values as a clerk reads them:
a user by name, 空 for nothing, a time in local time — never a row id, None or a UTC timestamp
(walk-through finding: "审核人：None → 31", "经办人：空 → 31")."""

from decimal import Decimal

import pytest
from django.urls import reverse

from bonds.models import FundType
from bonds.services import fund_save
from investment.services.reports import report_approve, report_save, report_submit
from projects.models import AnnualPlan
from tests.flags import examine_every_flag
from tests.workbooks import a_portfolio, load


@pytest.fixture
def county(cast):
    load(a_portfolio(3, 2026))
    return {
        "office": cast.officer,
        "office2": cast.second_officer,
        "auditor": cast.auditor,
    }


def test_the_data_history_names_the_reviewer_and_shows_no_none(client, county):
    sent = [
        report_submit(
            report=report_save(plan=plan, month=2, user=county["office"], amount=Decimal(3)),
            user=county["office"],
        )
        for plan in AnnualPlan.objects.all()
    ]
    examine_every_flag(county["office"])  # 未开工有投资: a_portfolio's projects have no start
    for report in sent:
        report_approve(report=report, user=county["office"])
    client.force_login(county["auditor"])

    page = client.get(reverse("data_history"), {"table": "report"}).content.decode()

    # the approval is its status; 审核人 is the row's own 操作人 (audit/selectors/history.py's stamps)
    assert "状态：已报送 → 已审核" in page and "审核人：" not in page
    assert "None" not in page
    assert f"→ {county['office'].pk}<" not in page


def test_a_stale_fund_form_names_who_handled_it(client, county):
    plan = AnnualPlan.objects.first()
    fund = fund_save(
        user=county["office"], project=plan.project, fund_type=FundType.SPECIAL_BOND,
        year=2026, requested=Decimal(800),
    )  # fmt: skip
    url = reverse("fund_edit", args=[fund.pk])
    form = {
        "project": plan.project_id, "fund_type": FundType.SPECIAL_BOND, "year": 2026,
        "requested": "800", "status": fund.status, "version": fund.version,
    }  # fmt: skip
    client.force_login(county["office2"])
    client.post(url, form | {"note": "已报省发改委"})
    client.force_login(county["office"])

    page = client.post(url, form | {"batch": "第2批"}, follow=True).content.decode()

    assert "未保存" in page
    assert "经办人：王科长 → 李干事" in page
