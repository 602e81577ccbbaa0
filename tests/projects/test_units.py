"""责任单位: keeping units, and merging the typo unit an import made into the right one."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.services.people import account_create
from projects.models import AnnualPlan, Milestone, Project, Unit, User
from projects.selectors import (
    counted_usage,
    next_sort_order,
    unit_links,
    unit_usage,
    units_with_counts,
)
from projects.services.units import unit_merge, unit_save
from supervision.models import Finding
from supervision.services import finding_create
from tests.builders import ledger
from tests.workbooks import code

pytestmark = pytest.mark.django_db

TYPO = "县住健局"


@pytest.fixture
def typo(cast):
    """县住健局, a typo of 县住建局 the ledger import created, with a project, a milestone, a
    finding, its reporter and an imported account asking for it."""
    cast.housing  # noqa: B018  # the right unit exists first
    ledger({"项目台账": [
        {"项目代码": code(1), "项目名称": "老旧小区改造", "责任单位": TYPO, "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50, "实际开(复)工日期": "2024-01-05"},
        {"项目代码": code(2), "项目名称": "保障房", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50, "实际开(复)工日期": "2024-01-05"},
    ]})  # fmt: skip
    unit = Unit.objects.get(name=TYPO)
    project = Project.objects.get(code=code(1))
    Milestone.objects.create(project=project, name="施工许可", planned_date=date(2024, 6, 1))
    finding_create(
        user=cast.supervisor, unit=unit, description="围挡破损", project=project,
        found_on=date(2024, 3, 1), today=date(2024, 3, 1), deadline=date(2024, 3, 31),
    )  # fmt: skip
    cast.reporter_of(unit)
    account_create(user=cast.admin, username="xinren", name="新人", requested_unit=unit)
    return unit


def test_every_foreign_key_to_a_unit_is_found_whatever_its_app():
    assert {link.key for link in unit_links()} == {
        "projects.user.unit", "projects.user.requested_unit", "projects.project.unit",
        "projects.milestone.unit", "supervision.finding.unit", "promotion.activity.unit",
        "upstream.upstreamtemplate.unit",
    }  # fmt: skip


def test_the_merge_moves_everything_and_deletes_the_typo_unit(cast, typo):
    project = Project.objects.get(code=code(1))
    assert unit_usage(typo) == {
        "用户（所属单位）": 1, "用户（申请单位）": 1, "项目": 1, "年度计划（随项目）": 1,
        "项目节点": 0, "督查问题": 1, "招商引资活动": 0, "上报模板": 0,
    }  # fmt: skip

    merged = unit_merge(source=typo, target=cast.housing, user=cast.officer)

    assert not Unit.objects.filter(name=TYPO).exists()
    project.refresh_from_db()
    assert project.unit == cast.housing
    assert AnnualPlan.objects.get(project=project).owner_unit_id == cast.housing.pk
    assert Finding.objects.get(description="围挡破损").unit == cast.housing
    assert User.objects.get(username="xinren").requested_unit == cast.housing
    assert User.objects.get(first_name=f"{TYPO}填报员").unit == cast.housing
    assert merged.summary() == (
        "“县住健局”并入“县住建局”：用户（所属单位）1条，用户（申请单位）1条，项目1条，"
        "年度计划（随项目）1条，督查问题1条；“县住健局”已删除。"
    )
    assert project.history.first().history_user == cast.officer
    assert Finding.objects.get(description="围挡破损").history.first().history_user == cast.officer
    assert Unit.history.filter(name=TYPO, history_type="-").get().history_user == cast.officer


def test_the_merge_moves_a_milestone_kept_by_another_unit(cast, typo):
    milestone = Milestone.objects.get()
    Milestone.objects.filter(pk=milestone.pk).update(unit=typo)

    unit_merge(source=typo, target=cast.housing, user=cast.admin)

    milestone.refresh_from_db()
    assert milestone.unit == cast.housing


def test_it_refuses_a_merge_that_would_duplicate_a_finding_writing_nothing(cast, typo):
    finding_create(
        user=cast.supervisor, unit=cast.housing, description="围挡破损",
        found_on=date(2024, 3, 1), today=date(2024, 3, 1), deadline=date(2024, 3, 31),
    )  # fmt: skip

    with pytest.raises(ValidationError) as refused:
        unit_merge(source=typo, target=cast.housing, user=cast.officer)

    assert "督查问题" in str(refused.value) and "围挡破损" in str(refused.value)
    assert "未做任何修改" in str(refused.value)
    assert Project.objects.get(code=code(1)).unit == typo
    assert Finding.objects.filter(unit=typo).count() == 1


def test_it_refuses_to_merge_a_unit_into_itself(cast, typo):
    with pytest.raises(ValidationError, match="不能把单位合并到它自己"):
        unit_merge(source=typo, target=typo, user=cast.officer)


@pytest.mark.parametrize("who", ["reporter", "supervisor", "leader", "security", "auditor"])
def test_only_the_office_and_the_system_administrator_merge(cast, typo, who):
    with pytest.raises(PermissionDenied):
        unit_merge(source=typo, target=cast.housing, user=getattr(cast, who))
    assert Unit.objects.filter(name=TYPO).exists()


def test_a_unit_is_created_and_renamed_with_a_unique_name(cast):
    unit = unit_save(user=cast.officer, name=" 县 水务局 ", kind="department", sort_order=3)
    assert (unit.name, unit.kind, unit.sort_order) == ("县 水务局", "department", 3)

    unit_save(user=cast.officer, unit=unit, name="县水务局", kind="department", sort_order=4)
    unit.refresh_from_db()
    assert (unit.name, unit.sort_order) == ("县水务局", 4)
    assert unit.history.count() == 2


def test_saving_a_unit_as_shown_writes_no_history(cast):
    unit = cast.housing
    unit_save(user=cast.officer, unit=unit, name=unit.name, kind=unit.kind, sort_order=0)
    assert unit.history.count() == 1
    assert Unit.objects.get(pk=unit.pk).version == 1


def test_it_refuses_a_stale_unit_form_naming_who_renamed_it(cast):
    unit = cast.housing
    shown = unit.version
    unit_save(
        user=cast.second_officer, unit=unit, name="县住房和城乡建设局", kind=unit.kind,
        sort_order=0, expected_version=shown,
    )  # fmt: skip

    with pytest.raises(ValidationError) as refused:
        unit_save(
            user=cast.officer, unit=unit, name="县住建局", kind=unit.kind, sort_order=15,
            expected_version=shown,
        )  # fmt: skip

    assert refused.value.error_list[0].code == "stale"
    assert "该责任单位已被李干事于" in str(refused.value)
    assert "单位名称：县住建局 → 县住房和城乡建设局" in str(refused.value)
    unit.refresh_from_db()
    assert (unit.name, unit.sort_order, unit.version) == ("县住房和城乡建设局", 0, 2)


def test_the_unit_page_refuses_a_stale_form_and_keeps_what_was_typed(client, cast):
    unit = cast.housing
    shown = unit.version
    unit_save(
        user=cast.second_officer, unit=unit, name="县住房和城乡建设局", kind=unit.kind,
        sort_order=0, expected_version=shown,
    )  # fmt: skip
    client.force_login(cast.officer)

    response = client.post(
        f"/units/{unit.pk}/",
        {"name": "县住建局", "kind": unit.kind, "sort_order": 15, "version": shown},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "单位名称：县住建局 → 县住房和城乡建设局" in page and "重新打开本页" in page
    assert 'value="15"' in page
    assert Unit.objects.get(pk=unit.pk).name == "县住房和城乡建设局"


@pytest.mark.parametrize(
    ("name", "kind", "order", "reason"),
    [
        ("县住建局", "department", 0, "已有名为“县住建局”的责任单位"),
        ("", "department", 0, "请填写单位名称"),
        ("新单位", "company", 0, "单位类型应为"),
        ("新单位", "other", -1, "排序应为0–999999之间的整数"),
    ],
)
def test_it_refuses_a_bad_unit(cast, name, kind, order, reason):
    cast.housing  # noqa: B018
    with pytest.raises(ValidationError, match=reason):
        unit_save(user=cast.officer, name=name, kind=kind, sort_order=order)


def test_the_unit_list_counts_in_one_query(cast, typo, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = {unit.name: counted_usage(unit) for unit in units_with_counts()}
    assert counts[TYPO] == {"用户（所属单位）": 1, "用户（申请单位）": 1, "项目": 1, "督查问题": 1}
    assert counts["县住建局"] == {"项目": 1}


def test_a_new_unit_is_offered_the_next_ten_after_every_unit():
    assert next_sort_order() == 10
    Unit.objects.create(name="县教育局", sort_order=10)
    Unit.objects.create(name="营盘镇", sort_order=25)

    assert next_sort_order() == 30


def test_the_database_itself_refuses_a_sort_order_past_the_range_any_writer_might_send(cast):
    from django.db import IntegrityError, transaction

    from projects.models import SORT_ORDER_MAX

    Unit.objects.create(name="县水务局", sort_order=SORT_ORDER_MAX)  # the top is taken
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(name="县林业局", sort_order=SORT_ORDER_MAX + 1)
    assert not Unit.objects.filter(name="县林业局").exists()
