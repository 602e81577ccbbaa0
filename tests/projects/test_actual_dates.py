"""签约日期 and 投产日期 (三个一批) record what has happened: a date after today is refused, by the
project form and by the ledger's 项目台账 alike, in the one line `projects.rules.actual_date_problem`
writes; a bad row blocks the whole import as every other bad row does."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from projects.models import Project
from projects.rules import actual_date_problem
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


@pytest.mark.parametrize("header", ["签约日期", "投产日期"])
def test_the_ledger_refuses_a_row_dated_after_today_and_writes_nothing(header):
    good = project_row(1, {"年度": 2026, header: TODAY})
    bad = project_row(2, {"年度": 2026, header: "2026/7/21"})
    sheet = [list(good), list(good.values()), list(bad.values())]

    assert problems_of({"项目台账": sheet}) == [
        f"项目台账!3: {header}: {header}（2026-07-21）不能晚于今天（2026-07-20）"
    ]
    assert code(2) not in set(Project.objects.values_list("code", flat=True))
