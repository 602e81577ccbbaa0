"""签约日期, 投产日期 (三个一批), 实际开(复)工日期, 纳统日期 and 实际竣工日期 record what has happened: a
date after today is refused, by the forms and by the ledger's 项目台账 alike, in the one line
`projects.rules.actual_date_problem` writes, the import naming the row; a bad row blocks the whole
import as every other bad row does. 实际竣工日期 is besides never before the project started
(`projects.rules.completion_date_problem`), judged on the project form and on the plan row."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from projects.models import AnnualPlan, Project
from projects.rules import actual_date_problem, completion_date_problem
from tests.builders import project_row
from tests.ledger.test_import_errors import problems_of
from tests.projects.test_project_editing import project_data
from tests.workbooks import code

TODAY = date(2026, 7, 20)
TOMORROW = date(2026, 7, 21)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-07-20 10:00+08:00", tick=False):
        yield


def test_an_actual_date_after_today_is_refused_naming_the_date():
    assert actual_date_problem("签约日期", TOMORROW, today=TODAY) == (
        "签约日期（2026-07-21）不能晚于今天（2026-07-20）"
    )
    assert actual_date_problem("投产日期", TODAY, today=TODAY) is None
    assert actual_date_problem("投产日期", None, today=TODAY) is None


@pytest.mark.parametrize(
    ("field", "label"), [("signed_on", "签约日期"), ("production_on", "投产日期")]
)
def test_the_project_form_refuses_a_date_after_today_and_saves_nothing(client, cast, field, label):
    client.force_login(cast.officer)

    page = client.post(reverse("project_create"), project_data(**{field: "2026-07-21"}))

    assert page.status_code == 200
    assert f"{label}（2026-07-21）不能晚于今天（2026-07-20）。" in page.content.decode()
    assert not Project.objects.exists()


def test_the_project_form_takes_today(client, cast):
    client.force_login(cast.officer)

    client.post(
        reverse("project_create"), project_data(signed_on="2026-07-20", production_on="2026-07-20")
    )

    assert Project.objects.values_list("signed_on", "production_on").get() == (TODAY, TODAY)


def test_a_date_stored_before_never_blocks_an_edit_of_something_else(client, cast):
    """Only a date being changed is judged (as a plan row's dates are)."""
    client.force_login(cast.officer)
    client.post(reverse("project_create"), project_data())
    project = Project.objects.get()
    Project.objects.filter(pk=project.pk).update(production_on=TOMORROW)  # an older import's

    client.post(
        reverse("project_edit", args=[project.pk]),
        project_data(
            name="城关污水处理厂一期", production_on="2026-07-21", version=project.version
        ),
    )

    assert Project.objects.get().name == "城关污水处理厂一期"


@pytest.mark.parametrize("header", ["签约日期", "投产日期", "实际开(复)工日期", "纳统日期"])
def test_the_ledger_refuses_a_row_dated_after_today_and_writes_nothing(header):
    good = project_row(1, {"年度": 2026, header: TODAY})
    bad = project_row(2, {"年度": 2026, header: "2026/7/21"})
    sheet = [list(good), list(good.values()), list(bad.values())]

    assert problems_of({"项目台账": sheet}) == [
        f"项目台账!3: {header}: {header}（2026-07-21）不能晚于今天（2026-07-20）"
    ]
    assert code(2) not in set(Project.objects.values_list("code", flat=True))


def test_the_ledger_names_every_row_with_a_future_start_or_statistics_date():
    rows = [
        project_row(1, {"年度": 2026, "实际开(复)工日期": "2026-08-01", "纳统日期": None}),
        project_row(2, {"年度": 2026, "实际开(复)工日期": None, "纳统日期": "2026年12月1日"}),
        project_row(3, {"年度": 2026, "实际开(复)工日期": TODAY, "纳统日期": TODAY}),
    ]
    sheet = [list(rows[0]), *(list(row.values()) for row in rows)]

    assert problems_of({"项目台账": sheet}) == [
        "项目台账!2: 实际开(复)工日期: 实际开(复)工日期（2026-08-01）不能晚于今天（2026-07-20）",
        "项目台账!3: 纳统日期: 纳统日期（2026-12-01）不能晚于今天（2026-07-20）",
    ]
    assert not Project.objects.exists()


def test_a_completion_is_never_after_today_nor_before_the_start():
    start = date(2025, 4, 1)

    assert completion_date_problem(TOMORROW, start, today=TODAY) == (
        "实际竣工日期（2026-07-21）不能晚于今天（2026-07-20）"
    )
    assert completion_date_problem(date(2025, 3, 31), start, today=TODAY) == (
        "实际竣工日期（2025-03-31）早于实际开(复)工日期（2025-04-01），竣工不能早于开工"
    )
    assert completion_date_problem(start, start, today=TODAY) is None
    assert completion_date_problem(TODAY, None, today=TODAY) is None
    assert completion_date_problem(None, start, today=TODAY) is None


def started_project(client, cast) -> Project:
    """A project on 2025's list that started on 2025-04-01, as the office records it."""
    client.force_login(cast.officer)
    client.post(reverse("project_create"), project_data())
    project = Project.objects.get()
    client.post(
        reverse("plan_add", args=[project.pk]),
        {"year": 2025, "level": "county", "nature": "new", "planned_investment": "3000",
         "actual_start": "2025-04-01"},
    )  # fmt: skip
    return Project.objects.get()


@pytest.mark.parametrize(
    ("end", "message"),
    [
        ("2026-07-21", "实际竣工日期（2026-07-21）不能晚于今天（2026-07-20）。"),
        ("2025-03-31", "实际竣工日期（2025-03-31）早于实际开(复)工日期（2025-04-01），竣工不能早于开工。"),
    ],
)  # fmt: skip
def test_the_project_form_refuses_a_completion_that_cannot_be_right(client, cast, end, message):
    project = started_project(client, cast)

    page = client.post(
        reverse("project_edit", args=[project.pk]),
        project_data(stage="completed", actual_end=end, version=project.version),
    )

    assert message in page.content.decode()
    assert Project.objects.get().actual_end is None


def test_the_project_form_takes_a_completion_on_the_start_day_or_later(client, cast):
    project = started_project(client, cast)

    client.post(
        reverse("project_edit", args=[project.pk]),
        project_data(stage="completed", actual_end="2026-06-30", version=project.version),
    )

    assert Project.objects.get().actual_end == date(2026, 6, 30)


def test_a_start_after_the_recorded_completion_is_refused_on_the_plan_row(client, cast):
    project = started_project(client, cast)
    client.post(
        reverse("project_edit", args=[project.pk]),
        project_data(stage="completed", actual_end="2025-10-31", version=project.version),
    )
    plan = AnnualPlan.objects.get()

    page = client.post(
        reverse("plan_edit", args=[project.pk, 2025]),
        {"level": "county", "nature": "new", "planned_investment": "3000",
         "actual_start": "2025-11-02", "version": plan.version},
    )  # fmt: skip

    assert "实际竣工日期（2025-10-31）早于实际开(复)工日期（2025-11-02），竣工不能早于开工。" in (
        page.content.decode()
    )
    assert AnnualPlan.objects.get().actual_start == date(2025, 4, 1)


def test_the_ledger_refuses_a_milestone_done_after_today_naming_its_row():
    project_sheet = [
        list(project_row(1, {"年度": 2026})),
        list(project_row(1, {"年度": 2026}).values()),
    ]
    milestones = [
        ["项目代码", "节点名称", "计划完成日期", "实际完成日期"],
        [code(1), "主体开工", "2026-05-01", "2026-05-03"],
        [code(1), "主体封顶", "2026-07-01", "2026-07-21"],
    ]

    assert problems_of({"项目台账": project_sheet, "项目节点": milestones}) == [
        "项目节点!3: 实际完成日期: 实际完成日期（2026-07-21）不能晚于今天（2026-07-20）"
    ]
    assert not Project.objects.exists()
