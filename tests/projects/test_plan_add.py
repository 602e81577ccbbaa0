"""列入年度计划 (projects/services/register.py ``plan_add``): the office puts a project on a year's
list once, with the checks the plan edit makes; the history names who did it."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.params import YEAR_MIN, YEAR_PROBLEM
from projects.models import AnnualPlan, Project
from projects.services.register import plan_add
from tests import builders

TODAY = date(2024, 6, 1)


@pytest.fixture
def project() -> Project:
    return builders.project({"年度": 2023})  # 城关污水处理厂, on 2023's list only


def add(project, user, **fields) -> AnnualPlan:
    values: dict[str, Any] = {"year": 2024, "level": "county", "nature": "new",
              "planned_investment": Decimal("300.5")} | fields  # fmt: skip
    return plan_add(project=project, user=user, today=TODAY, **values)


def test_it_lists_the_project_for_the_year_and_records_who(project, cast):
    plan = add(project, cast.officer, actual_start=date(2024, 3, 5))

    assert (plan.year, plan.planned_investment, plan.actual_start) == (
        2024, Decimal("300.5"), date(2024, 3, 5)
    )  # fmt: skip
    assert plan.history.get().history_user == cast.officer


def test_it_refuses_a_year_the_project_is_already_listed_for(project, cast):
    with pytest.raises(ValidationError, match="“城关污水处理厂”已列入2023年度的计划"):
        add(project, cast.officer, year=2023)
    assert project.plans.count() == 1


def test_it_refuses_anyone_but_the_office(project, cast):
    with pytest.raises(PermissionDenied):
        add(project, cast.reporter)
    assert not project.plans.filter(year=2024).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"year": YEAR_MIN - 1}, YEAR_PROBLEM),
        ({"planned_investment": Decimal(-1)}, "年度计划投资"),
        ({"level": "national"}, "项目级别应为"),
        ({"nature": "rebuilt"}, "建设性质应为"),
        ({"actual_start": date(2024, 7, 1)}, "不能晚于今天"),
        ({"actual_start": date(2023, 5, 1)}, "新建项目的开工日期应在2024年内"),
        ({"statistics_date": date(2024, 6, 2)}, "纳统日期（2024-06-02）不能晚于今天"),
    ],
)
def test_it_refuses_what_the_plan_edit_refuses(project, cast, fields, message):
    with pytest.raises(ValidationError, match=message):
        add(project, cast.officer, **fields)
    assert not project.plans.filter(year=2024).exists()
