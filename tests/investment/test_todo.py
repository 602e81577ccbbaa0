"""我的待办 on 总体情况: each role's open work, counted, linked and the late items first."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from investment.rules.periods import Period
from investment.selectors.todo import todos
from investment.services import reports as services
from projects.models import AnnualPlan, Milestone, Unit
from supervision.models import Finding
from tests.workbooks import a_small_county

TODAY = date(2024, 4, 10)  # March is the month being reported; it was due on 5 April


@pytest.fixture
def county(cast):
    a_small_county()
    housing = Unit.objects.get(name="县住建局")
    people = {
        "reporter": cast.reporter_of(housing),
        "officer": cast.officer,
        "supervisor": cast.supervisor,
        "leader": cast.leader,
    }
    first, second = AnnualPlan.objects.filter(project__unit=housing).order_by("project__code")
    with time_machine.travel("2024-04-03 10:00+08:00"):
        sent = services.report_save(
            plan=first, month=3, user=people["reporter"], amount=Decimal(10)
        )
        services.report_submit(report=sent, user=people["reporter"])
        other = services.report_save(
            plan=second, month=3, user=people["reporter"], amount=Decimal(5)
        )
        services.report_submit(report=other, user=people["reporter"])
        services.report_return(report=other, user=people["officer"], reason="金额有误")
    Milestone.objects.create(project=first.project, name="施工许可", planned_date=date(2024, 3, 1))
    Finding.objects.create(
        unit=housing,
        description="用地未报批",
        found_on=date(2024, 3, 1),
        deadline=date(2024, 3, 31),
    )
    Finding.objects.create(
        unit=Unit.objects.get(name="营盘镇"),
        description="征迁未完成",
        found_on=date(2024, 3, 1),
        deadline=date(2024, 4, 30),
        status=Finding.Status.RECTIFIED,
    )
    return people


def listed(user) -> dict[str, tuple[int, bool]]:
    with time_machine.travel("2024-04-10 09:00+08:00"):
        return {t.label: (t.count, t.urgent) for t in todos(user, period=Period.due_on(TODAY))}


def test_a_reporter_sees_their_units_reports_findings_and_late_milestones(county):
    assert listed(county["reporter"]) == {
        "3月月报被退回待修改": (1, True),
        "3月红色预警项目（本单位）": (1, True),  # 城关保障房: no report counted for 1–3月
        "3月黄色预警项目（本单位）": (1, False),
        "逾期未完成的项目节点": (1, True),
        "超过整改时限的督查问题": (1, True),
        "待整改答复的督查问题": (1, False),
    }  # the sent report is not a to-do; 营盘镇's finding is not theirs


def test_the_office_sees_reports_to_review_and_units_not_done(county):
    assert listed(county["officer"]) == {
        "3月月报未报齐的单位": (2, True),  # 县住建局 (the returned one) and 营盘镇 (none)
        "3月红色预警项目": (2, True),  # the office is told the red ones only
        "逾期未完成的项目节点": (1, True),
        "3月月报待审核": (1, False),
    }


def test_the_supervisor_sees_findings_to_close_out_and_the_overdue(county):
    assert listed(county["supervisor"]) == {
        "超过整改时限的督查问题": (1, True),
        "已整改待验收销号的问题": (1, False),
    }


def test_a_leader_has_no_to_do_list_and_the_page_shows_none(county, client):
    assert listed(county["leader"]) == {}
    client.force_login(county["leader"])
    assert "我的待办" not in client.get(reverse("dashboard")).content.decode()


def test_the_to_do_list_leads_the_dashboard_with_links(county, client):
    client.force_login(county["supervisor"])

    page = client.get(reverse("dashboard")).content.decode()

    assert page.index("我的待办") < page.index('class="kpis"')
    assert f'href="{reverse("finding_list")}?status=rectified">已整改待验收销号的问题' in page


def test_before_the_due_day_the_month_before_stays_on_the_list_while_it_is_missing(county):
    # 2 April: March is being reported (due 5 April); February was due on 5 March.
    with time_machine.travel("2024-04-02 09:00+08:00"):
        reporter = {
            t.label: (t.count, t.urgent)
            for t in todos(county["reporter"], period=Period.due_on(date(2024, 4, 2)))
        }
        office = {
            t.label: (t.count, t.urgent)
            for t in todos(county["officer"], period=Period.due_on(date(2024, 4, 2)))
        }
    assert reporter["2月月报逾期未报送"] == (
        2,
        True,
    )  # 县住建局's two started rows sent no February
    assert office["2月月报逾期未报齐的单位"] == (2, True)

    services.period_lock(
        year=2024, month=2, user=county["officer"],
        confirmed_units=list(Unit.objects.values_list("pk", flat=True)),
    )  # fmt: skip
    with time_machine.travel("2024-04-02 09:00+08:00"):
        labels = [
            t.label for t in todos(county["reporter"], period=Period.due_on(date(2024, 4, 2)))
        ]
    assert "2月月报逾期未报送" not in labels  # a locked month is not asked for any more


def test_a_late_month_that_the_office_unlocked_is_one_item_with_its_reason(county):
    with time_machine.travel("2024-04-02 09:00+08:00"):
        services.period_lock(
            year=2024, month=2, user=county["officer"],
            confirmed_units=list(Unit.objects.values_list("pk", flat=True)),
        )  # fmt: skip
        services.period_unlock(year=2024, month=2, user=county["officer"], reason="补报2月")
        labels = [
            t.label for t in todos(county["reporter"], period=Period.due_on(date(2024, 4, 2)))
        ]
    assert "2024年2月已解锁：补报2月（本单位待补报或更正的项目）" in labels
    assert "2月月报逾期未报送" not in labels  # the same rows: said once
