"""The office keeps the register: create, edit, plan rows, 替换 — with clear refusals."""

from decimal import Decimal

from django.urls import reverse

from projects.models import AnnualPlan, Project, Stage, Unit
from tests.builders import ledger
from tests.workbooks import code


def project_data(**overrides) -> dict:
    unit = Unit.objects.get_or_create(name="县住建局")[0]
    data = {
        "code": code(7),
        "name": "城关污水处理厂",
        "unit": unit.pk,
        "total_investment": "12000",
        "stage": "preparation",
        "planned_start": "2024-03-01",
        "planned_end": "2025-12-31",
    }
    data.update(overrides)
    return data


def test_the_office_creates_a_project_and_puts_it_on_a_years_list(client, cast):
    client.force_login(cast.officer)

    response = client.post(reverse("project_create"), project_data())
    project = Project.objects.get()
    assert response.url == reverse("project_detail", args=[project.pk])

    client.post(
        reverse("plan_add", args=[project.pk]),
        {"year": 2024, "level": "county", "nature": "new", "planned_investment": "3000"},
    )
    assert AnnualPlan.objects.get().planned_investment == Decimal(3000)


def test_bad_project_input_is_refused_with_a_message_and_nothing_saved(client, cast):
    client.force_login(cast.officer)

    for overrides, message in (
        ({"code": "2024-5106-47-01-000001"}, "国家代码应为"),
        ({"total_investment": "-5"}, "不能为负数"),
        ({"planned_end": "2023-01-01"}, "计划竣工日期早于计划开工日期"),
        ({"name": ""}, "这个字段是必填项"),
    ):
        page = client.post(reverse("project_create"), project_data(**overrides)).content.decode()
        assert message in page

    assert Project.objects.count() == 0


def test_a_project_code_is_unique(client, cast):
    client.force_login(cast.officer)
    client.post(reverse("project_create"), project_data())

    page = client.post(reverse("project_create"), project_data(name="另一个")).content.decode()

    assert "该项目代码已存在" in page
    assert Project.objects.count() == 1


def test_a_year_is_listed_once_per_project(client, cast):
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "甲", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50},
            ]
        }
    )  # fmt: skip
    client.force_login(cast.officer)
    project = Project.objects.get()

    page = client.post(
        reverse("plan_add", args=[project.pk]),
        {"year": 2024, "level": "county", "nature": "new", "planned_investment": "10"},
    ).content.decode()

    assert "该项目已列入这一年度的计划" in page
    assert AnnualPlan.objects.count() == 1


def test_a_project_that_cannot_start_is_replaced_by_one_of_the_same_scale(client, cast):
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "原项目", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2024, "年度计划投资(万元)": 500},
                {"项目代码": code(2), "项目名称": "较小项目", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 800, "年度": 2024, "年度计划投资(万元)": 500},
                {"项目代码": code(3), "项目名称": "替换项目", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 1200, "年度": 2024, "年度计划投资(万元)": 500},
            ]
        }
    )  # fmt: skip
    client.force_login(cast.officer)
    original, smaller, replacement = Project.objects.order_by("code")
    url = reverse("project_replace", args=[original.pk])

    page = client.post(url, {"replacement": smaller.pk, "year": 2024}).content.decode()
    assert "不符合“投资规模不变”的要求" in page

    client.post(url, {"replacement": replacement.pk, "year": 2024})
    original.refresh_from_db()
    assert (original.stage, original.replaced_by) == (Stage.REPLACED, replacement)
    assert Project.objects.count() == 3  # both kept
    detail = client.get(reverse("project_detail", args=[original.pk])).content.decode()
    assert "已替换为" in detail
