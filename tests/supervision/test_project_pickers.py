"""The project pickers of 交办问题 and 记录督查: each project carries its unit for the filter
script, and without the script they are plain lists that still submit."""

from datetime import date

import pytest
from django.urls import reverse

from projects.models import Project
from supervision.models import Finding, Inspection
from tests.supervision.builders import people_of


@pytest.fixture
def people(cast):
    people = people_of(cast)
    people["school"] = Project.objects.create(
        code="LOCAL-001", name="县一中新校区", unit=people["housing"], total_investment=100
    )
    people["road"] = Project.objects.create(
        code="LOCAL-002", name="营盘镇通村公路", unit=people["township"], total_investment=50
    )
    return people


def test_the_finding_form_lists_each_project_with_its_unit_for_the_filter(client, people):
    client.force_login(people["supervisor"])

    page = client.get(reverse("finding_create")).content.decode()

    school = people["school"]
    assert 'class="project-picker" data-unit-field="id_unit"' in page
    assert (
        f'<option value="{school.pk}" data-unit="{school.unit_id}" data-unit-name="县住建局">'
        "县一中新校区（LOCAL-001，县住建局）</option>"
    ) in page
    assert "js/pickers.js" in page and "按住" not in page


def test_the_inspection_form_is_a_checkbox_list_that_submits_without_the_script(client, people):
    client.force_login(people["supervisor"])
    page = client.get(reverse("inspection_create")).content.decode()
    assert 'type="checkbox" name="projects"' in page and "按住" not in page

    client.post(
        reverse("inspection_create"),
        {
            "title": "三季度重点项目督查",
            "inspected_on": "2026-09-10",
            "projects": [people["school"].pk, people["road"].pk],
        },
    )

    inspection = Inspection.objects.get()
    assert set(inspection.projects.all()) == {people["school"], people["road"]}


def test_a_finding_may_still_name_another_units_project(client, people):
    """The unit narrows the list but does not forbid: a township clears land for a county
    project, so its finding names that project."""
    client.force_login(people["supervisor"])

    client.post(
        reverse("finding_create"),
        {
            "unit": people["township"].pk,
            "project": people["school"].pk,
            "description": "新校区征迁未完成",
            "category": "relocation",
            "found_on": date(2026, 3, 2).isoformat(),
            "clock": "ordinary",
        },
    )

    assert Finding.objects.get().project == people["school"]
