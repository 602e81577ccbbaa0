"""项目调整 (DESIGN.md §3 Overruns): 原总投资 and 原计划竣工日期 are kept from a project's first
annual list; every later change of 总投资 or 计划竣工日期 is a revision with its reason, through
one service, whether from the edit form, the service or the ledger."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from projects.models import Project, ProjectRevision
from projects.services.register import plan_add
from projects.services.revisions import project_revise
from tests import builders
from tests.workbooks import code

# 城关污水处理厂 as the 2024 list has it: 5,000 万元, completion planned for 2025-06-30.
SEWAGE = {"总投资(万元)": 5000, "年度计划投资(万元)": 1000, "计划开工日期": "2024-03-01",
          "计划竣工日期": "2025-06-30"}  # fmt: skip
REASON = "初步设计概算调整，经县发改局批复"


@pytest.fixture
def project(cast) -> Project:
    """城关污水处理厂, on the 2024 list with 5,000 万元 and completion planned for 2025-06-30."""
    return builders.project(SEWAGE)


def test_a_project_keeps_its_values_on_entering_its_first_list_as_the_originals(project):
    assert (project.original_total, project.original_completion) == (
        Decimal(5000), date(2025, 6, 30),
    )  # fmt: skip


def test_a_project_not_yet_on_a_list_has_no_originals_until_it_is_listed(cast):
    unlisted = Project.objects.create(
        code=code(9), name="冷链物流园", unit=cast.housing, total_investment=Decimal(800)
    )
    assert unlisted.original_total is None

    plan_add(project=unlisted, user=cast.officer, year=2024, level="county", nature="new",
             planned_investment=Decimal(100), today=date(2024, 5, 1))  # fmt: skip

    unlisted.refresh_from_db()
    assert unlisted.original_total == Decimal(800)


def test_raising_the_total_records_a_revision_naming_who_why_and_the_approval(project, cast):
    project_revise(
        project=project, user=cast.officer, total_investment=Decimal(6200), reason=REASON,
        approval_number="县发改投资〔2024〕35号", revised_on=date(2024, 7, 2),
    )  # fmt: skip

    revision = ProjectRevision.objects.get()
    assert (revision.field, revision.old_total, revision.new_total) == (
        "total_investment", Decimal(5000), Decimal(6200),
    )  # fmt: skip
    assert (revision.reason, revision.approval_number, revision.revised_on) == (
        REASON, "县发改投资〔2024〕35号", date(2024, 7, 2),
    )  # fmt: skip
    assert revision.recorded_by == cast.officer
    assert revision.history.get().history_user == cast.officer
    project.refresh_from_db()
    assert (project.total_investment, project.original_total) == (Decimal(6200), Decimal(5000))
    assert project.history.first().history_user == cast.officer


def test_a_change_without_a_reason_is_refused_and_nothing_is_written(project, cast):
    with pytest.raises(ValidationError, match="请填写调整原因"):
        project_revise(
            project=project, user=cast.officer, total_investment=Decimal(6200), reason="  "
        )

    project.refresh_from_db()
    assert project.total_investment == Decimal(5000)
    assert not ProjectRevision.objects.exists()


def test_an_unchanged_save_writes_nothing(project, cast):
    version = project.version

    project_revise(
        project=project, user=cast.officer, total_investment=Decimal(5000),
        planned_end=date(2025, 6, 30), reason=REASON,
    )  # fmt: skip

    project.refresh_from_db()
    assert project.version == version
    assert not ProjectRevision.objects.exists()
    assert project.history.count() == 1  # the import's creation only


def test_pushing_the_completion_back_is_a_revision_of_its_own(project, cast):
    project_revise(project=project, user=cast.officer, planned_end=date(2026, 6, 30),
                   reason="征迁延期")  # fmt: skip

    revision = ProjectRevision.objects.get()
    assert (revision.field, revision.old_date, revision.new_date) == (
        "planned_end", date(2025, 6, 30), date(2026, 6, 30),
    )  # fmt: skip


def test_only_the_office_revises(project, cast):
    for person in (cast.reporter, cast.leader):
        with pytest.raises(PermissionDenied):
            project_revise(project=project, user=person, total_investment=Decimal(1), reason=REASON)


def form_data(project: Project, **changes) -> dict:
    data = {
        "code": project.code, "name": project.name, "unit": project.unit_id,
        "total_investment": "5000", "planned_start": "2024-03-01", "planned_end": "2025-06-30",
        "stage": project.stage, "version": project.version,
    }  # fmt: skip
    return data | changes


class TestTheEditForm:
    def test_it_refuses_a_new_total_without_a_reason_saying_why(self, project, cast, client):
        client.force_login(cast.officer)

        page = client.post(
            reverse("project_edit", args=[project.pk]), form_data(project, total_investment="6200")
        ).content.decode()

        assert "总投资由5,000.00万元调整为6,200.00万元属于项目调整，请填写调整原因" in page
        project.refresh_from_db()
        assert project.total_investment == Decimal(5000)
        assert not ProjectRevision.objects.exists()

    def test_it_saves_a_new_total_with_its_reason_and_approval_number(self, project, cast, client):
        client.force_login(cast.officer)

        response = client.post(
            reverse("project_edit", args=[project.pk]),
            form_data(project, total_investment="6200", revision_reason=REASON,
                      approval_number="县发改投资〔2024〕35号"),
        )  # fmt: skip

        assert response.status_code == 302
        revision = ProjectRevision.objects.get()
        assert (revision.new_total, revision.reason, revision.source, revision.recorded_by) == (
            Decimal(6200), REASON, "form", cast.officer,
        )  # fmt: skip

    def test_saved_unchanged_it_writes_nothing_even_with_a_reason_typed(
        self, project, cast, client
    ):
        client.force_login(cast.officer)

        client.post(
            reverse("project_edit", args=[project.pk]),
            form_data(project, revision_reason=REASON),
        )

        project.refresh_from_db()
        assert project.version == 1
        assert not ProjectRevision.objects.exists()

    def test_other_changes_need_no_reason(self, project, cast, client):
        client.force_login(cast.officer)

        client.post(reverse("project_edit", args=[project.pk]), form_data(project, leader="张县长"))

        project.refresh_from_db()
        assert project.leader == "张县长"
        assert not ProjectRevision.objects.exists()

    def test_an_unlisted_project_is_not_asked_for_a_reason(self, cast, client):
        client.force_login(cast.officer)
        unlisted = Project.objects.create(
            code=code(9), name="冷链物流园", unit=cast.housing, total_investment=Decimal(800)
        )

        page = client.get(reverse("project_edit", args=[unlisted.pk])).content.decode()

        assert "调整原因" not in page


class TestTheLedger:
    def test_a_changed_total_in_an_import_is_a_revision_by_the_import(self, project, cast):
        builders.ledger(
            {"项目台账": [builders.project_row(1, SEWAGE | {"总投资(万元)": 5600})]},
            user=cast.officer,
        )

        revision = ProjectRevision.objects.get()
        assert (revision.old_total, revision.new_total, revision.source) == (
            Decimal(5000), Decimal(5600), "ledger",
        )  # fmt: skip
        assert (revision.reason, revision.recorded_by) == ("台账导入：台账.xlsx", cast.officer)
        assert Project.objects.get().original_total == Decimal(5000)

    def test_a_preview_writes_no_revision_and_says_which_changes_will_be_one(self, project, cast):
        result = builders.ledger(
            {"项目台账": [builders.project_row(1, SEWAGE | {"总投资(万元)": 5600})]},
            user=cast.officer,
            dry_run=True,
        )

        assert not ProjectRevision.objects.exists()
        assert result.warnings == [
            f"项目台账!2: {code(1)} 城关污水处理厂: 总投资由5,000.00万元调整为5,600.00万元，"
            "记入项目调整（原因：台账导入：台账.xlsx）"
        ]
