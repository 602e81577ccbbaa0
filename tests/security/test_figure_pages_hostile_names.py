"""Hostile project and unit names on the pages drawn by hand since this session (考核排名's tables and
滞后预警's rows by ``rows_html``, 挂图作战's cells) and kept in the figure cache: escaped whether the
page is computed or read from the cache, for the office and a unit's reporter alike; template
syntax in a name is text."""

import pytest
from django.urls import reverse

from projects.models import Project, Unit
from tests.workbooks import a_small_county, code

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script>\"' onmouseover=x {{ 7|add:1 }}{% now 'Y' %}"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27; onmouseover=x {{ 7|add:1 }}{% now &#x27;Y&#x27; %}"
PERIOD = {"year": 2024, "month": 6}


@pytest.fixture
def hostile_county(cast):
    cast.reporter  # noqa: B018  # of 县住建局, made before the ledger names it
    a_small_county([[code(1), 2024, 3, 120]])
    Project.objects.filter(code=code(1)).update(name="项目" + HOSTILE)
    Unit.objects.filter(name="县住建局").update(name="单位" + HOSTILE)


@pytest.mark.parametrize("who", ["officer", "leader", "reporter"])
@pytest.mark.parametrize("page", ["rankings", "lag_warnings", "board", "dashboard"])
def test_a_hostile_name_is_text_on_the_figure_pages_cold_and_cached(
    client, cast, hostile_county, who, page
):
    client.force_login(getattr(cast, who))  # the reporter's unit is the hostile one
    for _ in ("computed", "from the cache"):
        response = client.get(reverse(page), PERIOD)
        if who == "reporter":
            assert Unit.objects.get(pk=cast.reporter.unit_id).name == "单位" + HOSTILE
        assert response.status_code == 200
        html = response.content.decode()
        rest = html.replace(ESCAPED, "").replace(ESCAPED.replace("&#x27;", "&#39;"), "")
        assert "<script>alert" not in html and "onmouseover=x" not in rest and "{% now" not in rest
        if page != "dashboard":
            assert ESCAPED in html or ESCAPED.replace("&#x27;", "&#39;") in html
