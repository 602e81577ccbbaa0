"""A reporter sees other units as figures only, never their projects or findings."""

from datetime import date
from urllib.parse import quote

from django.urls import reverse

from projects.models import Project, Unit
from tests.investment.test_unit_ranking import JIA, YI, a_county


def test_a_reporter_cannot_open_another_units_deductions_on_the_rankings_page(client, cast):
    a_county()
    reporter = cast.reporter_of(Unit.objects.get(name=YI))
    client.force_login(reporter)
    params = {"year": 2024, "month": 6, "kind": "quarter"}

    other = client.get(reverse("rankings"), params | {"explain": JIA}).content.decode()
    own = client.get(reverse("rankings"), params | {"explain": YI}).content.decode()

    assert JIA in other  # the other unit's score is in the table …
    assert f"{JIA}：第" not in other and "施工许可" not in other  # … but not its deductions
    assert f"explain={quote(JIA)}" not in other  # and no link offers them
    assert f"explain={quote(YI)}" in other
    assert f"{YI}：第" in own  # their own unit's deductions are theirs to read


def test_an_inspection_shows_a_reporter_only_their_own_units_projects(client, cast):
    from supervision.services import inspection_save
    from tests.workbooks import a_small_county

    a_small_county()
    housing = Unit.objects.get(name="县住建局")
    supervisor = cast.supervisor
    own = list(Project.objects.filter(unit=housing))
    other = Project.objects.exclude(unit=housing).first()
    inspection = inspection_save(
        user=supervisor, title="一季度督查", inspected_on=date(2024, 3, 20), projects=[*own, other]
    )
    client.force_login(cast.reporter)

    page = client.get(reverse("inspection_detail", args=[inspection.pk])).content.decode()

    assert all(project.name in page for project in own)
    assert other.name not in page and other.code not in page
    assert "另有1个其他单位的项目" in page
