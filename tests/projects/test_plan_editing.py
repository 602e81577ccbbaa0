"""A 年度计划 row edited in the app: the office keeps the plan, the unit reports its start.

Each change goes through `projects.services.register.plan_update` (atomic, role and unit checked,
version checked, kept in the row's history) and reaches the figures at once.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from investment.documents.briefing import briefing_data
from investment.rules.periods import Period
from investment.selectors.portfolio import portfolio_summary
from projects.models import AnnualPlan, Level, Nature, Project
from projects.services.register import plan_update
from tests.builders import ledger
from tests.workbooks import code

TODAY = date(2024, 8, 20)


@pytest.fixture
def county(cast):
    """Two 2024 projects of 县住建局, not started; one of 营盘镇; the users who touch them."""
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "城关污水厂", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2024, "年度计划投资(万元)": 400},
                {"项目代码": code(2), "项目名称": "老城改造", "责任单位": "县住建局", "项目级别": "市重点", "建设性质": "续建", "总投资(万元)": 3000, "年度": 2024, "年度计划投资(万元)": 600},
                {"项目代码": code(3), "项目名称": "镇区道路", "责任单位": "营盘镇", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 500, "年度": 2024, "年度计划投资(万元)": 100},
            ]
        }
    )  # fmt: skip
    return {
        "office": cast.officer,
        "reporter": cast.reporter,  # 县住建局's
        "leader": cast.leader,
    }


def plan_of(serial: int) -> AnnualPlan:
    return AnnualPlan.objects.get(project__code=code(serial), year=2024)


def edit_url(serial: int) -> str:
    return reverse("plan_edit", args=[Project.objects.get(code=code(serial)).pk, 2024])


def office_data(plan: AnnualPlan, **overrides) -> dict:
    data = {
        "level": plan.level,
        "nature": plan.nature,
        "planned_investment": str(plan.planned_investment),
        "actual_start": plan.actual_start.isoformat() if plan.actual_start else "",
        "statistics_date": plan.statistics_date.isoformat() if plan.statistics_date else "",
        "version": plan.version,
    }
    return data | overrides


def test_the_office_edits_every_field_of_a_plan_row(client, county):
    client.force_login(county["office"])
    plan = plan_of(1)

    response = client.post(
        edit_url(1),
        office_data(
            plan,
            level="provincial",
            nature="continuing",
            planned_investment="450.5",
            actual_start="2024-03-05",
            statistics_date="2024-04-01",
        ),
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.level, plan.nature, plan.planned_investment) == (
        Level.PROVINCIAL,
        Nature.CONTINUING,
        Decimal("450.5"),
    )
    assert (plan.actual_start, plan.statistics_date) == (date(2024, 3, 5), date(2024, 4, 1))
    latest = plan.history.first()
    assert (latest.history_user, latest.version) == (county["office"], 2)


def test_a_start_feeds_the_start_rate_and_the_briefing_at_once(county):
    before = portfolio_summary(Period.of(2024, 6))
    assert (before.started, before.projects) == (0, 3)

    plan_update(
        plan=plan_of(1),
        user=county["reporter"],
        changes={"actual_start": date(2024, 5, 8), "statistics_date": date(2024, 6, 2)},
        version=1,
        today=TODAY,
    )

    after = portfolio_summary(Period.of(2024, 6))
    assert after.started == 1
    assert after.start_rate == Decimal("33.33333333333333333333333333")
    assert portfolio_summary(Period.of(2024, 4)).started == 0  # started in May
    assert briefing_data(Period.of(2024, 6)).statistics == 1  # 已纳统项目1个


def test_a_reporter_records_its_own_projects_start_and_nothing_else(client, county):
    client.force_login(county["reporter"])
    page = client.get(edit_url(1)).content.decode()
    assert "填报开工情况" in page
    assert 'name="actual_start"' in page and 'name="statistics_date"' in page
    assert 'name="planned_investment"' not in page and 'name="level"' not in page

    client.post(
        edit_url(1),
        {"actual_start": "2024-05-08", "planned_investment": "1", "level": "provincial",
         "version": 1},
    )  # fmt: skip

    plan = plan_of(1)
    assert plan.actual_start == date(2024, 5, 8)
    assert (plan.planned_investment, plan.level) == (Decimal(400), Level.COUNTY)


def test_the_project_page_links_each_role_to_what_it_may_do(client, county):
    detail = reverse("project_detail", args=[Project.objects.get(code=code(1)).pk])
    for user, link in (("office", "修改"), ("reporter", "填报开工")):
        client.force_login(county[user])
        page = client.get(detail).content.decode()
        assert f'href="{edit_url(1)}">{link}</a>' in page
    client.force_login(county["leader"])
    assert edit_url(1) not in client.get(detail).content.decode()


def test_a_reporter_may_not_change_the_plan_itself(county):
    with pytest.raises(PermissionDenied, match="级别、性质和年度计划投资由项目办修改"):
        plan_update(
            plan=plan_of(1),
            user=county["reporter"],
            changes={"planned_investment": Decimal(1)},
            version=None,
            today=TODAY,
        )
    assert plan_of(1).planned_investment == Decimal(400)


def test_other_units_and_read_only_roles_are_refused(client, county):
    client.force_login(county["reporter"])
    assert client.get(edit_url(3)).status_code == 404  # 营盘镇's project: not in their scope
    with pytest.raises(PermissionDenied):
        plan_update(
            plan=plan_of(3),
            user=county["reporter"],
            changes={"actual_start": date(2024, 5, 1)},
            version=None,
            today=TODAY,
        )
    client.force_login(county["leader"])
    assert client.post(edit_url(1), {"actual_start": "2024-05-08"}).status_code == 403
    assert plan_of(1).actual_start is None


@pytest.mark.parametrize(
    ("serial", "start", "message"),
    [
        (1, "2024-08-21", "不能晚于今天"),
        (1, "2023-12-30", "新建项目的开工日期应在2024年内"),
        (1, "2024-13-01", "日期"),
    ],
)
def test_a_start_that_cannot_be_right_is_refused_with_a_reason(
    client, county, serial, start, message, time_machine
):
    time_machine.move_to(TODAY)
    client.force_login(county["reporter"])

    page = client.post(edit_url(serial), {"actual_start": start, "version": 1})

    assert message in page.content.decode()
    assert plan_of(serial).actual_start is None


def test_a_start_after_the_years_end_is_refused_for_an_earlier_years_row(county):
    with pytest.raises(ValidationError, match="晚于2024年底"):
        plan_update(
            plan=plan_of(1),
            user=county["office"],
            changes={"actual_start": date(2025, 2, 1)},
            version=None,
            today=date(2025, 3, 1),
        )


def test_a_continuing_project_may_carry_a_start_before_the_year(county):
    plan_update(
        plan=plan_of(2),
        user=county["office"],
        changes={"actual_start": date(2022, 9, 1)},
        version=None,
        today=TODAY,
    )
    assert plan_of(2).actual_start == date(2022, 9, 1)


def test_bad_amounts_and_statistics_dates_are_refused(client, county, time_machine):
    time_machine.move_to(TODAY)
    client.force_login(county["office"])
    plan = plan_of(1)
    for overrides, message in (
        ({"planned_investment": "-1"}, "不能为负数"),
        ({"planned_investment": "99999999999999.9999"}, "数额过大"),
        ({"planned_investment": ""}, "这个字段是必填项"),
        ({"statistics_date": "2024-09-01"}, "纳统日期（2024-09-01）不能晚于今天"),
    ):
        page = client.post(edit_url(1), office_data(plan, **overrides)).content.decode()
        assert message in page
    plan.refresh_from_db()
    assert (plan.version, plan.planned_investment, plan.statistics_date) == (1, 400, None)


def test_a_stale_form_is_refused_with_what_changed(client, county):
    client.force_login(county["reporter"])
    stale_form = client.get(edit_url(1))  # the reporter opens the form at version 1 …
    assert 'name="version" value="1"' in stale_form.content.decode()
    client.force_login(county["office"])  # … the office raises the plan meanwhile
    client.post(edit_url(1), office_data(plan_of(1), planned_investment="500"))
    client.force_login(county["reporter"])

    page = client.post(edit_url(1), {"actual_start": "2024-05-08", "version": 1}).content.decode()

    assert "已被王科长于" in page and "年度计划投资：400.00万元 → 500.00万元" in page
    assert plan_of(1).actual_start is None


def test_saving_an_unchanged_form_writes_nothing(client, county):
    plan_update(
        plan=plan_of(2),
        user=county["office"],
        changes={"actual_start": date(2024, 2, 26)},
        version=1,
        today=TODAY,
    )
    plan = plan_of(2)
    client.force_login(county["office"])

    for _ in range(2):
        response = client.post(edit_url(2), office_data(plan))
        assert response.status_code == 302

    plan.refresh_from_db()
    assert plan.version == 2
    assert plan.history.count() == 2  # the import's row and the one change


def test_an_imported_start_the_form_would_refuse_does_not_block_the_rest(county):
    """A 新建 row imported with a start before its year keeps it; the rest still saves."""
    AnnualPlan.objects.filter(pk=plan_of(1).pk).update(actual_start=date(2023, 11, 1))

    plan_update(
        plan=plan_of(1),
        user=county["office"],
        changes={"actual_start": date(2023, 11, 1), "planned_investment": Decimal(420)},
        version=1,
        today=TODAY,
    )

    assert plan_of(1).planned_investment == Decimal(420)
