"""The fund list as a FilterSet and a Table: ?year=, ?fund_type=, ?status=, ?unit=, sorting and
bad values."""

import pytest
from django.urls import reverse

from projects.models import Unit
from tests.bonds.test_fund_list import funds


def projects_shown(response) -> list[str]:
    return [row.record.project.name for row in response.context["table"].paginated_rows]


@pytest.fixture
def officer(client, cast):
    funds(4)  # 项目1, 3 县住建局 专项债券; 项目2, 4 营盘镇 中长期贷款; all 2024
    client.force_login(cast.officer)
    return client


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"year": "2024"}, {"项目1", "项目2", "项目3", "项目4"}),
        ({"fund_type": "special_bond"}, {"项目1", "项目3"}),
    ],
)
def test_the_bookmarked_parameters_still_filter(officer, query, shown):
    assert set(projects_shown(officer.get(reverse("fund_list"), query))) == shown


def test_the_year_filter_offers_the_years_with_applications_and_says_when_one_has_none(officer):
    response = officer.get(reverse("fund_list"), {"year": "2023"})
    page = response.content.decode()
    assert response.context["filter"].form.fields["year"].choices == [
        ("", "全部年度"),
        (2024, "2024年"),
    ]
    assert "年度：该年度没有资金申报。该条件未生效，已按其余条件显示。" in page
    assert set(projects_shown(response)) == {"项目1", "项目2", "项目3", "项目4"}


def test_the_unit_filter_and_the_totals_follow_it(officer):
    township = Unit.objects.get(name="营盘镇")
    response = officer.get(reverse("fund_list"), {"unit": township.pk})
    assert set(projects_shown(response)) == {"项目2", "项目4"}
    counts = {row["label"]: row["count"] for row in response.context["totals"]}
    assert counts["中长期贷款"] == 2 and counts["专项债券"] == 0 and counts["合计"] == 2


def test_a_reporter_asking_for_another_unit_gets_none_of_its_rows(client, cast):
    """Their filter offers only their own unit: another one asked is said not taken, and the
    list stays their unit's."""
    funds(4)
    client.force_login(cast.reporter)  # 县住建局's
    township = Unit.objects.get(name="营盘镇")
    response = client.get(reverse("fund_list"), {"unit": township.pk})
    assert projects_shown(response) == ["项目1", "项目3"]
    assert "责任单位：选择一个有效的选项" in response.content.decode()


def test_the_list_sorts_by_project_name_either_way(officer):
    ahead = projects_shown(officer.get(reverse("fund_list"), {"sort": "project"}))
    back = projects_shown(officer.get(reverse("fund_list"), {"sort": "-project"}))
    assert ahead == ["项目1", "项目2", "项目3", "项目4"] and back == ahead[::-1]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "abc"}, "年度："),
        ({"status": "lost"}, "状态：选择一个有效的选项"),
        ({"unit": "99999"}, "责任单位：选择一个有效的选项"),
        ({"by": "colour"}, None),
        ({"page": "999"}, None),
    ],
)
def test_a_bad_value_gives_a_clear_page(officer, query, message):
    response = officer.get(reverse("fund_list"), query)
    assert response.status_code == 200
    assert len(projects_shown(response)) == 4
    if message:
        assert message in response.content.decode() and "该条件未生效" in response.content.decode()
