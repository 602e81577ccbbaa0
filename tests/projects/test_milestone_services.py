"""Adding and correcting milestones (projects/services/register.py ``milestone_add`` and
``milestone_update``): the office's, names unique within a project, a stale form refused with
what changed, an unchanged one writing nothing."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from projects.models import Milestone, Project, Unit
from projects.services.register import milestone_add, milestone_update
from tests import builders

PLANNED = date(2024, 5, 31)


@pytest.fixture
def project() -> Project:
    return builders.project()  # 城关污水处理厂, 2024, plan 400


@pytest.fixture
def milestone(project, cast) -> Milestone:
    return milestone_add(
        project=project, user=cast.officer, name=" 主体封顶 ", planned_date=PLANNED
    )


def update(milestone: Milestone, user, **fields) -> Milestone:
    values: dict[str, Any] = {"name": milestone.name, "kind": milestone.kind, "planned_date": milestone.planned_date,
              "actual_date": milestone.actual_date, "unit": milestone.unit} | fields  # fmt: skip
    return milestone_update(milestone=milestone, user=user, version=milestone.version, **values)


def test_it_adds_a_milestone_with_its_name_trimmed_and_records_who(milestone, cast):
    assert (milestone.name, milestone.kind, milestone.planned_date) == (
        "主体封顶",
        "other",
        PLANNED,
    )
    assert milestone.history.get().history_user == cast.officer


def test_it_refuses_a_second_milestone_of_the_same_name(project, milestone, cast):
    with pytest.raises(ValidationError, match="该项目已有同名节点“主体封顶”"):
        milestone_add(project=project, user=cast.officer, name="主体封顶", planned_date=PLANNED)
    assert project.milestones.count() == 1


def test_it_refuses_a_completion_date_after_today(project, cast):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match="实际完成日期（.*）不能晚于今天"):
        milestone_add(
            project=project, user=cast.officer, name="竣工", planned_date=PLANNED,
            actual_date=tomorrow,
        )  # fmt: skip


def test_it_refuses_anyone_but_the_office(project, milestone, cast):
    with pytest.raises(PermissionDenied):
        milestone_add(project=project, user=cast.reporter, name="竣工", planned_date=PLANNED)
    with pytest.raises(PermissionDenied):
        update(milestone, cast.reporter, name="封顶")


def test_it_corrects_a_milestone_and_records_who(milestone, cast):
    housing = Unit.objects.get(name="县住建局")

    corrected = update(
        milestone, cast.officer, name="主体结构封顶", kind="construction", unit=housing
    )

    assert (corrected.name, corrected.kind, corrected.unit, corrected.version) == (
        "主体结构封顶", "construction", housing, 2
    )  # fmt: skip
    assert corrected.history.latest().history_user == cast.officer


def test_it_refuses_a_stale_form_naming_what_changed(milestone, cast):
    shown = Milestone.objects.get(pk=milestone.pk)
    update(milestone, cast.officer, planned_date=date(2024, 6, 30))

    with pytest.raises(ValidationError, match="节点“主体封顶”已被.*修改.*2024-06-30"):
        update(shown, cast.officer, name="封顶")
    assert Milestone.objects.get().name == "主体封顶"


def test_it_writes_nothing_for_a_form_saved_unchanged(milestone, cast):
    same = update(milestone, cast.officer)

    assert same.version == 1 and milestone.history.count() == 1


def test_it_refuses_the_name_of_another_milestone(project, milestone, cast):
    other = milestone_add(project=project, user=cast.officer, name="竣工", planned_date=PLANNED)

    with pytest.raises(ValidationError, match="该项目已有同名节点“主体封顶”"):
        update(other, cast.officer, name="主体封顶")
