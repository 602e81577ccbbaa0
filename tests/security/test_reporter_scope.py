"""A reporter sees other units as figures only, never their projects or findings."""

from urllib.parse import quote

from django.urls import reverse

from projects.models import Unit, User
from tests.investment.test_unit_ranking import JIA, YI, a_county


def test_a_reporter_cannot_open_another_units_deductions_on_the_rankings_page(client):
    a_county()
    reporter = User.objects.create_user(
        "reporter", role=User.Role.REPORTER, unit=Unit.objects.get(name=YI)
    )
    client.force_login(reporter)
    params = {"year": 2024, "month": 6, "kind": "quarter"}

    other = client.get(reverse("rankings"), params | {"explain": JIA}).content.decode()
    own = client.get(reverse("rankings"), params | {"explain": YI}).content.decode()

    assert JIA in other  # the other unit's score is in the table …
    assert f"{JIA}：第" not in other and "施工许可" not in other  # … but not its deductions
    assert f"explain={quote(JIA)}" not in other  # and no link offers them
    assert f"explain={quote(YI)}" in other
    assert f"{YI}：第" in own  # their own unit's deductions are theirs to read
