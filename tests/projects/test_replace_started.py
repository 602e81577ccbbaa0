"""替换 is for a project that cannot start (DESIGN.md §3): a project that has started is
refused, saying why, unless the office gives a reason, kept on the project and in its history."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from projects.models import AnnualPlan, Project, Stage
from projects.services.register import project_replace
from tests import builders
from tests.workbooks import code

REASON = "用地规划调整，经县政府常务会议研究同意替换"


@pytest.fixture
def county(cast):
    """2024: 城区主干道 started in February; 冷链物流园 has not; 农产品加工园 can take a place."""
    builders.ledger(
        {
            "项目台账": [
                row(1, "城区主干道", "县交通局", 5000, 2024, 1000, started="2024-02-01"),
                row(2, "冷链物流园", "营盘镇", 5000, 2024, 1000),
                row(3, "农产品加工园", "县交通局", 6000, 2023, 300),
            ]
        }
    )
    return cast.officer


def row(serial, name, unit, total, year, plan, *, started=None) -> dict:
    return builders.project_row(
        serial,
        {"项目名称": name, "责任单位": unit, "总投资(万元)": total, "年度": year,
         "年度计划投资(万元)": plan, "实际开(复)工日期": started},
    )  # fmt: skip


def project(serial: int) -> Project:
    return Project.objects.get(code=code(serial))


def replace(office, serial: int, **kwargs) -> Project:
    return project_replace(
        project=project(serial), replacement=project(3), user=office, year=2024, **kwargs
    )


def test_it_refuses_to_replace_a_project_that_has_started_saying_why(county):
    with pytest.raises(ValidationError) as refused:
        replace(county, 1)

    assert refused.value.messages == [
        "“城区主干道”已于2024-02-01开(复)工，替换只用于确实无法开工的项目，未替换；"
        "如确需替换，请填写替换原因（记入变更记录）。"
    ]
    assert project(1).stage == Stage.CONSTRUCTION
    assert AnnualPlan.objects.get(project=project(1)).replaced_by is None
    assert not AnnualPlan.objects.filter(project=project(3), year=2024).exists()


def test_it_refuses_a_project_past_preparation_without_a_start_date(county):
    Project.objects.filter(pk=project(2).pk).update(stage=Stage.COMPLETED)

    with pytest.raises(ValidationError, match="项目阶段为“竣工”"):
        replace(county, 2)


def test_a_blank_reason_is_no_reason(county):
    with pytest.raises(ValidationError, match="请填写替换原因"):
        replace(county, 1, reason="   ")


def test_the_office_replaces_a_started_project_with_a_reason_kept_in_history(county):
    replace(county, 1, reason=f"  {REASON} ")

    replaced = project(1)
    assert (replaced.stage, replaced.replaced_by, replaced.replace_reason) == (
        Stage.REPLACED, project(3), REASON,
    )  # fmt: skip
    latest = replaced.history.first()
    assert (latest.replace_reason, latest.history_user) == (REASON, county)


def test_a_project_that_has_not_started_needs_no_reason(county):
    replace(county, 2)

    assert (project(2).stage, project(2).replace_reason) == (Stage.REPLACED, "")


def test_replacing_again_is_refused(county):
    replace(county, 1, reason=REASON)

    with pytest.raises(ValidationError, match="不能再次替换"):
        replace(county, 1, reason=REASON)


def test_the_form_asks_a_reason_only_of_a_started_project(client, county):
    client.force_login(county)

    started = client.get(reverse("project_replace", args=[project(1).pk])).content.decode()
    not_started = client.get(reverse("project_replace", args=[project(2).pk])).content.decode()

    assert 'name="reason"' in started and "已于2024-02-01开(复)工" in started
    assert 'name="reason"' not in not_started


def test_the_form_without_a_reason_shows_the_refusal_and_keeps_the_choice(client, county):
    client.force_login(county)
    url = reverse("project_replace", args=[project(1).pk])

    response = client.post(url, {"replacement": project(3).pk, "year": 2024, "reason": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "替换只用于确实无法开工的项目，未替换" in page
    assert project(1).stage == Stage.CONSTRUCTION


def test_the_form_with_a_reason_replaces_and_the_page_and_audit_show_it(client, county):
    client.force_login(county)
    url = reverse("project_replace", args=[project(1).pk])

    response = client.post(url, {"replacement": project(3).pk, "year": 2024, "reason": REASON})

    assert response.status_code == 302
    page = client.get(reverse("project_detail", args=[project(1).pk])).content.decode()
    assert "替换原因" in page and REASON in page
    entry = AuditEntry.objects.filter(detail__contains=REASON).get()
    assert entry.action == "替换项目"
    assert entry.detail.splitlines()[0] == f"替换已开工项目{code(1)}，原因：{REASON}"
    # what the action wrote, as data: the project's stage, old → new, among its rows
    project_change = entry.changes["changes"][0]
    assert project_change["record"].startswith(code(1))
    assert {"label": "项目阶段", "old": "在建", "new": "替换", "field": "stage"} in (
        project_change["fields"]
    )


def test_a_reason_longer_than_the_limit_is_refused(client, county):
    client.force_login(county)
    url = reverse("project_replace", args=[project(1).pk])

    response = client.post(url, {"replacement": project(3).pk, "year": 2024, "reason": "长" * 501})

    assert "500" in response.content.decode()
    assert project(1).stage == Stage.CONSTRUCTION
