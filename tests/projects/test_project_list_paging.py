"""项目库 on the shared list page: a bad year or page is a clear page, never a 404 or a 500."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.workbooks import a_portfolio, load


@pytest.fixture
def officer(client, cast):
    load(a_portfolio(60, 2024))  # 60 rows: two pages of 50
    client.force_login(cast.officer)
    return client


def codes(response) -> list[str]:
    return [row.record.project.code for row in response.context["table"].paginated_rows]


def test_a_page_past_the_end_is_the_last_page(officer):
    response = officer.get(reverse("project_list"), {"year": 2024, "page": 999})
    assert response.status_code == 200
    assert len(codes(response)) == 10 and "第2/2页" in response.content.decode()


def test_a_page_that_is_no_number_is_the_first(officer):
    response = officer.get(reverse("project_list"), {"year": 2024, "page": "abc"})
    assert response.status_code == 200 and len(codes(response)) == 50


def test_a_year_that_is_no_year_shows_this_years_register_and_says_so(officer):
    response = officer.get(reverse("project_list"), {"year": "abc"})
    this_year = timezone.localdate().year
    assert response.status_code == 200
    assert f"年度“abc”不是有效的年份，已显示{this_year}年。" in response.content.decode()


def test_sorting_by_name_descending(officer):
    response = officer.get(reverse("project_list"), {"year": 2024, "sort": "-name"})
    names = [row.record.project.name for row in response.context["table"].paginated_rows]
    assert names == sorted(names, reverse=True)
