"""Recording a project's 实际开(复)工日期 is its start (DESIGN.md §3): a 储备/前期 project moves
to 在建 and its open 主体开工 milestone is done that day, in the same write and its history,
whether the start comes from the plan edit, 列入年度计划 or the ledger import
(`projects.services.register.start_recorded`)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.xlsx import render_workbook
from ledger.documents.exporter import ledger_sheets
from ledger.services.importer import import_ledger
from projects.models import AnnualPlan, Milestone, Project, Stage
from projects.services.register import plan_add, plan_update
from tests.builders import ledger
from tests.workbooks import PROJECT_HEADERS, code, load, xlsx

TODAY = date(2024, 8, 20)
STAGE_HEADERS = [*PROJECT_HEADERS, "项目阶段"]


@pytest.fixture
def county(cast):
    """A 前期 project of 县住建局 on the 2024 list, not started, with an open 主体开工 (due in
    June: 节点逾期 in August) and a done 施工许可."""
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "城关污水厂", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2024, "年度计划投资(万元)": 400},
            ],
            "项目节点": [
                ["项目代码", "节点名称", "计划完成日期", "实际完成日期"],
                [code(1), "施工许可", "2024-05-01", "2024-05-03"],
                [code(1), "主体开工", "2024-06-10", None],
            ],
        }
    )  # fmt: skip
    return Project.objects.get()


def plan() -> AnnualPlan:
    return AnnualPlan.objects.get(project__code=code(1), year=2024)


def main_start() -> Milestone:
    return Milestone.objects.get(name="主体开工")


def record_start(user, start, **kwargs):
    return plan_update(
        plan=plan(), user=user, changes={"actual_start": start}, version=plan().version,
        today=TODAY, **kwargs,
    )  # fmt: skip


def test_a_start_moves_the_project_to_construction_and_completes_main_start(cast, county):
    assert Milestone.objects.late(on=TODAY).count() == 1

    record_start(cast.reporter, date(2024, 7, 2))

    county.refresh_from_db()
    assert county.stage == Stage.CONSTRUCTION
    assert main_start().actual_date == date(2024, 7, 2)
    assert Milestone.objects.late(on=TODAY).count() == 0  # no longer 节点逾期
    assert Milestone.objects.get(name="施工许可").actual_date == date(2024, 5, 3)


def test_the_history_names_who_recorded_the_start(cast, county):
    record_start(cast.reporter, date(2024, 7, 2))

    assert county.history.first().history_user == cast.reporter
    assert county.history.first().stage == Stage.CONSTRUCTION
    assert main_start().history.first().history_user == cast.reporter


@pytest.mark.parametrize("stage", [Stage.RESERVE, Stage.PREPARATION])
def test_a_reserve_or_preparation_project_moves_to_construction(cast, county, stage):
    Project.objects.filter(pk=county.pk).update(stage=stage)

    record_start(cast.officer, date(2024, 7, 2))

    county.refresh_from_db()
    assert county.stage == Stage.CONSTRUCTION


@pytest.mark.parametrize("stage", [Stage.COMPLETED, Stage.OPERATING])
def test_a_later_stage_is_left_as_it_is(cast, county, stage):
    Project.objects.filter(pk=county.pk).update(stage=stage)

    record_start(cast.officer, date(2024, 7, 2))

    county.refresh_from_db()
    assert county.stage == stage


def test_a_main_start_already_done_keeps_its_date(cast, county):
    Milestone.objects.filter(name="主体开工").update(actual_date=date(2024, 6, 30))

    record_start(cast.officer, date(2024, 7, 2))

    assert main_start().actual_date == date(2024, 6, 30)


def test_a_refused_start_changes_nothing(cast, county):
    with pytest.raises(ValidationError, match="不能晚于今天"):
        record_start(cast.officer, date(2024, 9, 1))

    county.refresh_from_db()
    assert (county.stage, main_start().actual_date, plan().actual_start) == (
        Stage.PREPARATION, None, None,
    )  # fmt: skip


def test_the_form_saved_again_unchanged_writes_nothing(cast, county):
    record_start(cast.reporter, date(2024, 7, 2))
    county.refresh_from_db()
    versions = (county.version, main_start().version, plan().version)

    record_start(cast.reporter, date(2024, 7, 2))

    county.refresh_from_db()
    assert (county.version, main_start().version, plan().version) == versions


def test_clearing_the_start_leaves_the_stage_and_the_milestone(cast, county):
    record_start(cast.officer, date(2024, 7, 2))

    record_start(cast.officer, None)

    county.refresh_from_db()
    assert (county.stage, main_start().actual_date) == (Stage.CONSTRUCTION, date(2024, 7, 2))


def test_a_project_put_on_a_list_with_its_start_follows_too(cast, county):
    plan_add(
        project=county, user=cast.officer, year=2025, level="county", nature="continuing",
        planned_investment=Decimal(300), actual_start=date(2025, 3, 1), today=date(2025, 3, 5),
    )  # fmt: skip

    county.refresh_from_db()
    assert (county.stage, main_start().actual_date) == (Stage.CONSTRUCTION, date(2025, 3, 1))


def test_the_plan_page_records_the_start_and_the_project_page_shows_construction(
    client, cast, county
):
    client.force_login(cast.reporter)
    url = reverse("plan_edit", args=[county.pk, 2024])

    client.post(url, {"actual_start": "2024-07-02", "version": plan().version})

    page = client.get(reverse("project_detail", args=[county.pk])).content.decode()
    assert "在建" in page
    assert main_start().actual_date == date(2024, 7, 2)


# ---------------------------------------------------------------- the ledger import


def a_row(start, *extra) -> list:
    return [code(1), "城关污水厂", "县住建局", "县重点", "新建", 1000, 2024, 400, start, *extra]


def test_an_imported_start_moves_the_stage_and_completes_main_start_in_the_change_log(cast, county):
    result = import_ledger(
        data=xlsx({"项目台账": [PROJECT_HEADERS, a_row("2024-07-02")]}),
        filename="台账.xlsx", user=cast.officer,
    )  # fmt: skip

    county.refresh_from_db()
    assert (county.stage, main_start().actual_date) == (Stage.CONSTRUCTION, date(2024, 7, 2))
    assert county.history.first().history_user == cast.officer
    logged = {(c.record, c.field, c.old, c.new) for c in result.changes.first}
    assert (f"城关污水厂（{code(1)}）", "项目阶段", "前期", "在建") in logged
    assert (f"城关污水厂（{code(1)}） 主体开工", "实际完成日期", "（空）", "2024-07-02") in logged


def test_an_import_row_stating_a_new_stage_keeps_it(cast, county):
    load({"项目台账": [STAGE_HEADERS, a_row("2024-07-02", "竣工")]})

    county.refresh_from_db()
    assert (county.stage, main_start().actual_date) == (Stage.COMPLETED, date(2024, 7, 2))


def test_an_exported_row_given_a_start_moves_its_repeated_stage(cast, county):
    """A clerk fills 实际开(复)工日期 into an export and leaves its 项目阶段 (前期) as it was."""
    load({"项目台账": [STAGE_HEADERS, a_row("2024-07-02", "前期")]})

    county.refresh_from_db()
    assert county.stage == Stage.CONSTRUCTION


def test_an_export_imported_back_changes_nothing(cast, county):
    record_start(cast.officer, date(2024, 7, 2))
    Milestone.objects.filter(name="主体开工").update(actual_date=None)  # reopened by hand
    county.refresh_from_db()
    version = county.version

    result = import_ledger(data=render_workbook(list(ledger_sheets())), filename="导出.xlsx")

    assert result.changes_nothing
    county.refresh_from_db()
    assert (county.version, main_start().actual_date) == (version, None)
