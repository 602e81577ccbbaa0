"""A write naming a unit the office has merged away: refused, told where the unit went.

The form was drawn before the merge (or the write waited for it, `tests/security/
test_unit_merge_races.py`): nothing is saved, the message names the unit the merged one went
into, and what was typed stays in the form.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.services.people import account_create
from accounts.services.roles import user_set_role
from projects.models import Milestone, Project, Unit, UnitMerge, User
from projects.selectors import merged_into
from projects.services.register import milestone_add
from projects.services.units import unit_merge
from supervision.models import Finding
from supervision.services import finding_create, finding_move
from tests.builders import ledger
from tests.workbooks import code

pytestmark = pytest.mark.django_db

TYPO = "县住健局"
WENT = "责任单位“县住健局”已并入“县住建局”"


@pytest.fixture
def merged(cast):
    """县住健局, a typo unit, as a form drawn before the office merged it into 县住建局."""
    housing = cast.housing
    typo = Unit.objects.create(name=TYPO)
    unit_merge(source=Unit.objects.get(pk=typo.pk), target=housing, user=cast.officer)
    return typo


def test_the_merge_leaves_a_record_of_where_the_unit_went(cast, merged):
    record = UnitMerge.objects.get(source_id=merged.pk)
    assert (record.source_name, record.target_id, record.merged_by) == (
        TYPO, cast.housing.pk, cast.officer
    )  # fmt: skip
    assert merged_into(merged.pk) == cast.housing
    assert Unit.history.get(name=TYPO, history_type="-").history_change_reason == "并入“县住建局”"


def test_a_unit_merged_twice_is_followed_to_where_its_rows_are_now(cast, merged):
    county = Unit.objects.create(name="县住房和城乡建设局")
    unit_merge(source=cast.housing, target=county, user=cast.officer)

    assert merged_into(merged.pk) == county
    with pytest.raises(ValidationError, match="已并入“县住房和城乡建设局”"):
        finding_create(
            user=cast.supervisor, unit=merged, description="围挡破损",
            found_on=date(2026, 3, 2), today=date(2026, 3, 2), deadline=date(2026, 3, 31),
        )  # fmt: skip


def test_it_refuses_a_finding_for_a_merged_unit_naming_where_it_went(cast, merged):
    with pytest.raises(ValidationError) as refused:
        finding_create(
            user=cast.supervisor, unit=merged, description="围挡破损",
            found_on=date(2026, 3, 2), today=date(2026, 3, 2), deadline=date(2026, 3, 31),
        )  # fmt: skip
    assert refused.value.messages == [
        f"{WENT}，原属该单位的记录现在都属于“县住建局”。"
        "未保存；请改选“县住建局”后重新提交（您填写的内容仍在下面）。"
    ]
    assert not Finding.objects.exists()


def test_the_finding_form_naming_a_merged_unit_keeps_what_was_typed(client, cast, merged):
    client.force_login(cast.supervisor)
    response = client.post(
        reverse("finding_create"),
        {"unit": merged.pk, "description": "围挡破损，扬尘未覆盖", "category": "other",
         "found_on": "2026-03-02", "clock": "ordinary"},
    )  # fmt: skip

    page = response.content.decode()
    assert response.status_code == 200
    assert WENT in page and "请改选“县住建局”" in page
    assert "围挡破损，扬尘未覆盖</textarea>" in page
    assert not Finding.objects.exists()


def test_a_finding_moved_to_a_merged_unit_is_refused_naming_where_it_went(cast, merged):
    finding = finding_create(
        user=cast.supervisor, unit=cast.township, description="围挡破损",
        found_on=date(2026, 3, 2), today=date(2026, 3, 2), deadline=date(2026, 3, 31),
    )  # fmt: skip
    with pytest.raises(ValidationError, match=WENT):
        finding_move(user=cast.supervisor, finding=finding, unit=merged, reason="交办单位有误")
    finding.refresh_from_db()
    assert finding.unit == cast.township


def test_the_project_form_naming_a_merged_unit_keeps_what_was_typed(client, cast, merged):
    ledger({"项目台账": [{"项目代码": code(1), "项目名称": "城关污水处理厂", "责任单位": "营盘镇", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2026, "年度计划投资(万元)": 500}]})  # fmt: skip
    project = Project.objects.get()
    client.force_login(cast.officer)
    response = client.post(
        reverse("project_edit", args=[project.pk]),
        {"code": project.code, "name": "城关污水处理厂二期", "unit": merged.pk,
         "total_investment": "1000", "stage": project.stage, "version": project.version},
    )  # fmt: skip

    page = response.content.decode()
    assert response.status_code == 200 and WENT in page
    assert 'value="城关污水处理厂二期"' in page
    project.refresh_from_db()
    assert (project.name, project.unit.name) == ("城关污水处理厂", "营盘镇")


def test_a_milestone_a_role_and_an_account_naming_a_merged_unit_are_refused(cast, merged):
    ledger({"项目台账": [{"项目代码": code(1), "项目名称": "城关污水处理厂", "责任单位": "营盘镇", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2026, "年度计划投资(万元)": 500}]})  # fmt: skip
    with pytest.raises(ValidationError, match=WENT):
        milestone_add(
            project=Project.objects.get(), user=cast.officer, name="施工许可",
            planned_date=date(2026, 6, 1), unit=merged,
        )  # fmt: skip
    with pytest.raises(ValidationError, match=WENT):
        user_set_role(
            actor=cast.security, target=cast.newcomer, role=User.Role.REPORTER, unit=merged,
            is_active=True,
        )  # fmt: skip
    with pytest.raises(ValidationError, match=WENT):
        account_create(user=cast.admin, username="xinren", name="新人", requested_unit=merged)
    assert not Milestone.objects.exists()
    assert not User.objects.filter(username="xinren").exists()
    assert User.objects.get(pk=cast.newcomer.pk).unit is None


def test_merging_a_unit_already_merged_names_where_it_went(cast, merged):
    with pytest.raises(ValidationError, match=f"{WENT}.*请刷新页面"):
        unit_merge(source=merged, target=cast.township, user=cast.officer)
