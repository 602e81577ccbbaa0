"""Milestones: the office plans them (with the 前期手续 chain), the unit records them done."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from projects.models import Milestone, Project
from tests.builders import ledger
from tests.workbooks import code


def a_project() -> Project:
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "甲", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50},
            ]
        }
    )  # fmt: skip
    return Project.objects.get()


def test_the_office_adds_the_approval_chain_once(client, cast):
    project = a_project()
    client.force_login(cast.officer)
    url = reverse("milestones", args=[project.pk])

    client.post(url, {"action": "chain", "first_date": "2024-01-10"})
    client.post(url, {"action": "chain", "first_date": "2024-02-01"})

    chain = list(
        project.milestones.order_by("planned_date").values_list("name", "kind", "planned_date")
    )
    assert [name for name, _, _ in chain] == [
        "立项",
        "用地预审与选址",
        "环评",
        "节能审查",
        "用地批复",
        "规划许可",
        "施工许可",
    ]
    assert {kind for _, kind, _ in chain} == {"approval"}
    assert chain[1][2] == date(2024, 1, 30)


def test_a_duplicate_milestone_name_is_refused(client, cast):
    project = a_project()
    client.force_login(cast.officer)
    url = reverse("milestones", args=[project.pk])
    data = {
        "action": "add",
        "name": "主体封顶",
        "kind": "construction",
        "planned_date": "2024-09-01",
    }

    client.post(url, data)
    page = client.post(url, data).content.decode()

    assert "该项目已有同名节点" in page
    assert project.milestones.count() == 1


def test_the_units_reporter_records_a_milestone_done_but_not_in_the_future(client, cast):
    project = a_project()
    milestone = Milestone.objects.create(
        project=project, name="施工许可", planned_date=date(2024, 3, 1)
    )
    client.force_login(cast.reporter)  # 县住建局's
    url = reverse("milestones", args=[project.pk])

    client.post(url, {"action": "done", "milestone": milestone.pk, "actual_date": "2024-03-05"})
    milestone.refresh_from_db()
    assert milestone.actual_date == date(2024, 3, 5)

    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        url, {"action": "done", "milestone": milestone.pk, "actual_date": tomorrow}, follow=True
    )
    assert f"实际完成日期（{tomorrow:%Y-%m-%d}）不能晚于今天（" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.actual_date == date(2024, 3, 5)


def test_a_reporter_cannot_plan_milestones_and_a_leader_cannot_record_them(client, cast):
    project = a_project()
    milestone = Milestone.objects.create(
        project=project, name="施工许可", planned_date=date(2024, 3, 1)
    )
    url = reverse("milestones", args=[project.pk])

    client.force_login(cast.reporter)  # 县住建局's
    assert client.post(url, {"action": "chain", "first_date": "2024-01-10"}).status_code == 403
    client.force_login(cast.leader)
    assert (
        client.post(
            url, {"action": "done", "milestone": milestone.pk, "actual_date": "2024-03-05"}
        ).status_code
        == 403
    )
    assert project.milestones.count() == 1
