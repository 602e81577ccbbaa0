"""替换 (DESIGN.md §3): when project X of year Y's list is replaced by Z, X's row leaves every
figure, ranking and warning of Y (it stays visible, linked to Z), and Z joins Y's list with
X's 年度计划投资 unless Z is on the list already."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from investment.rules.periods import Period
from investment.selectors.explain import UnknownUnit, explain_unit
from investment.selectors.portfolio import portfolio_summary, reporting_status
from investment.selectors.progress import LagReason, board, lag_warnings
from investment.selectors.rankings import project_ranking, unit_ranking
from projects.models import AnnualPlan, Level, Nature, Project, Stage
from projects.services.register import plan_update, project_replace
from tests import builders
from tests.workbooks import code

X, Y, Z = 1, 2, 3


def row(serial, name, unit, plan, *, year=2024, planned=None, started=None, level="市重点"):
    return builders.project_row(
        serial,
        {"项目名称": name, "责任单位": unit, "项目级别": level, "总投资(万元)": 5000, "年度": year,
         "年度计划投资(万元)": plan, "计划开工日期": planned, "实际开(复)工日期": started},
    )  # fmt: skip


@pytest.fixture
def office(cast):
    return cast.officer


def project(serial: int) -> Project:
    return Project.objects.get(code=code(serial))


def replace_x_by_z(office, reason: str = "") -> None:
    project_replace(
        project=project(X), replacement=project(Z), user=office, year=2024, reason=reason
    )


GIVEN_UP = "开工后用地无法落实而停建，经县政府同意替换"  # X started: the office says why


@pytest.fixture
def x_cannot_start():
    """June 2024: X (营盘镇, 市重点, plan 1000) was to start in March and has not; Y (县交通局)
    started in February and completed 300 of 1000; Z (县交通局) is on no 2024 list yet."""
    builders.ledger(
        {
            "项目台账": [
                row(X, "冷链物流园", "营盘镇", 1000, planned="2024-03-01"),
                row(Y, "城区主干道", "县交通局", 1000, started="2024-02-01"),
                row(Z, "农产品加工园", "县交通局", 300, year=2023, started="2023-05-01"),
            ],
            "月度投资": [
                builders.report_row(Y, 2024, 3, 100),
                builders.report_row(Y, 2024, 5, 200),
            ],
        }
    )


def test_before_the_replacement_x_counts_and_lags(x_cannot_start):
    summary = portfolio_summary(Period.of(2024, 6))
    assert (summary.projects, summary.annual_plan, summary.started) == (2, 2000, 1)
    assert summary.completion_rate == 15
    warnings = {
        w.progress.code: [r.reason for r in w.reasons] for w in lag_warnings(Period.of(2024, 6))
    }
    assert LagReason.NOT_STARTED in warnings[code(X)]
    assert [u.unit for u in unit_ranking(Period.of(2024, 6)).units] == ["县交通局", "营盘镇"]


def test_x_leaves_the_count_the_denominator_the_lag_list_and_the_rankings(x_cannot_start, office):
    replace_x_by_z(office)

    summary = portfolio_summary(Period.of(2024, 6))
    assert (summary.projects, summary.started) == (2, 1)  # Y, and Z in X's place
    codes = {w.progress.code for w in lag_warnings(Period.of(2024, 6))}
    assert code(X) not in codes  # no more 未按期开工
    assert [u.unit for u in unit_ranking(Period.of(2024, 6)).units] == ["县交通局"]
    assert code(X) not in {p.code for p in project_ranking(Period.of(2024, 6))}
    assert code(X) not in {r.progress.code for r in board(Period.of(2024, 6))}
    with pytest.raises(UnknownUnit):
        explain_unit(Period.of(2024, 6), unit="营盘镇")


def test_z_joins_the_list_with_xs_plan(x_cannot_start, office):
    replace_x_by_z(office)

    joined = AnnualPlan.objects.get(project=project(Z), year=2024)
    assert (joined.planned_investment, joined.level) == (Decimal(1000), Level.MUNICIPAL)
    assert joined.nature == Nature.CONTINUING  # Z was on 2023's list
    assert joined.actual_start is None
    summary = portfolio_summary(Period.of(2024, 6))
    assert summary.annual_plan == 2000 and summary.completion_rate == 15
    assert summary.by_level[Level.MUNICIPAL].projects == 2

    x = AnnualPlan.objects.get(project=project(X), year=2024)
    assert x.replaced_by == project(Z)
    assert (project(X).stage, project(X).replaced_by) == (Stage.REPLACED, project(Z))


@pytest.fixture
def z_already_listed():
    """2024: X (营盘镇, plan 1000) started and reported 200 before it was given up; Y (县交通局,
    plan 1000) completed 300; Z (县交通局, plan 500) is on the list already."""
    builders.ledger(
        {
            "项目台账": [
                row(X, "冷链物流园", "营盘镇", 1000, started="2024-01-10"),
                row(Y, "城区主干道", "县交通局", 1000, started="2024-02-01"),
                row(Z, "农产品加工园", "县交通局", 500, started="2024-04-01"),
            ],
            "月度投资": [
                builders.report_row(X, 2024, 1, 200),
                builders.report_row(Y, 2024, 3, 300),
            ],
        }
    )


def test_z_already_on_the_list_keeps_its_row_and_x_leaves_numerator_and_denominator(
    z_already_listed, office
):
    before = portfolio_summary(Period.of(2024, 6))
    assert (before.projects, before.annual_plan, before.completed) == (3, 2500, 500)

    replace_x_by_z(office, GIVEN_UP)

    after = portfolio_summary(Period.of(2024, 6))
    assert (after.projects, after.started, after.annual_plan, after.completed) == (2, 2, 1500, 300)
    assert after.completion_rate == 20
    assert AnnualPlan.objects.get(project=project(Z), year=2024).planned_investment == 500
    assert AnnualPlan.objects.filter(year=2024).count() == 3  # X's row is kept, marked


def test_a_replaced_row_expects_no_more_reports(z_already_listed, office):
    plans = AnnualPlan.objects.all()
    assert sum(u.expected for u in reporting_status(year=2024, month=6, plans=plans)) == 3

    replace_x_by_z(office, GIVEN_UP)

    units = reporting_status(year=2024, month=6, plans=plans)
    assert [(u.unit, u.expected) for u in units] == [("县交通局", 2)]


def test_the_replacement_is_refused_when_it_cannot_be_right(x_cannot_start, office):
    with pytest.raises(ValidationError, match="请选择在哪一年度的计划中替换"):
        project_replace(project=project(X), replacement=project(Z), user=office)
    with pytest.raises(ValidationError, match="不在2023年度计划中"):
        project_replace(project=project(X), replacement=project(Z), user=office, year=2023)
    replace_x_by_z(office)
    with pytest.raises(ValidationError, match="不能再次替换"):
        replace_x_by_z(office)
    assert AnnualPlan.objects.filter(project=project(Z), year=2024).count() == 1


def test_a_replaced_row_stays_on_the_project_page_linked_to_z_and_is_not_edited(
    client, x_cannot_start, office
):
    replace_x_by_z(office)
    client.force_login(office)

    page = client.get(reverse("project_detail", args=[project(X).pk])).content.decode()

    assert "已替换" in page and reverse("project_detail", args=[project(Z).pk]) in page
    assert reverse("plan_edit", args=[project(X).pk, 2024]) not in page
    assert client.get(reverse("plan_edit", args=[project(X).pk, 2024])).status_code == 403
    z_page = client.get(reverse("project_detail", args=[project(Z).pk])).content.decode()
    assert "2024年替换“" in z_page and reverse("project_detail", args=[project(X).pk]) in z_page
    with pytest.raises(ValidationError, match="已替换为“农产品加工园”"):
        plan_update(
            plan=AnnualPlan.objects.get(project=project(X), year=2024),
            user=office,
            changes={"actual_start": date(2024, 6, 1)},
            version=None,
        )


def test_the_office_replaces_through_the_page_choosing_the_year(client, x_cannot_start, office):
    client.force_login(office)
    url = reverse("project_replace", args=[project(X).pk])
    assert '<option value="2024" selected>2024年</option>' in client.get(url).content.decode()

    response = client.post(url, {"replacement": project(Z).pk, "year": 2024})

    assert response.status_code == 302
    assert portfolio_summary(Period.of(2024, 6)).projects == 2
    assert AnnualPlan.objects.get(project=project(X)).replaced_by == project(Z)
