"""The lag list and the rankings as list tables: sorting, paging and bad filter values."""

import pytest
from django.urls import reverse

from core.params import YEAR_PROBLEM
from projects.models import Unit
from tests.workbooks import a_portfolio, load

PERIOD = {"year": 2024, "month": 6}


@pytest.fixture
def officer(client, cast):
    load(a_portfolio(12, 2024))  # all twelve 40 points behind by June, over 7 units
    client.force_login(cast.officer)
    return client


def names_in(page: str) -> list[str]:
    cells = page.split('<td class="name"')[1:]  # its data-label attribute may follow
    return [cell.split(">", 1)[1].split("<br>")[0] for cell in cells]


def test_the_lag_list_sorts_by_a_column_and_back(officer):
    by_unit = officer.get(reverse("lag_warnings"), {**PERIOD, "sort": "unit"})
    units = [w.progress.unit for w in by_unit.context["table"].paginated_rows.data]
    assert units == sorted(units)
    backwards = officer.get(reverse("lag_warnings"), {**PERIOD, "sort": "-unit"})
    assert [w.progress.unit for w in backwards.context["table"].paginated_rows.data] == sorted(
        units, reverse=True
    )
    page = backwards.content.decode()
    assert 'href="?year=2024&amp;month=6&amp;sort=unit"' in page  # the header turns it round


def test_sorting_starts_again_at_the_first_page(officer, monkeypatch):
    monkeypatch.setattr("investment.views.figures.ROWS_PER_PAGE", 5)
    page = officer.get(reverse("lag_warnings"), {**PERIOD, "page": 2}).content.decode()
    assert "第2/3页" in page
    assert 'href="?year=2024&amp;month=6&amp;sort=unit"' in page  # no page=2 in the sort link
    assert 'href="?year=2024&amp;month=6&amp;page=3"' in page  # the pager keeps the filter


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"unit": "abc"}, "责任单位：选择一个有效的选项"),
        ({"unit": "99999"}, "责任单位：选择一个有效的选项"),
        ({"level": "国重点"}, "级别：选择一个有效的选项"),
        ({"reason": "天气"}, "预警原因：选择一个有效的选项"),
    ],
)
def test_a_bad_filter_value_is_named_and_the_rest_of_the_list_shown(officer, query, message):
    response = officer.get(reverse("lag_warnings"), {**PERIOD, **query})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and "该条件未生效" in page
    assert "共12个" in page


def test_a_bad_period_or_page_gives_the_default_period_and_says_so(officer):
    for name in ("lag_warnings", "rankings", "board"):
        response = officer.get(reverse(name), {"year": "abc", "month": "6", "page": "999"})
        page = response.content.decode()
        assert response.status_code == 200, name
        assert f"年度：{YEAR_PROBLEM}" in page and "已显示" in page, name


def test_a_page_past_the_end_shows_the_last_page(officer, monkeypatch):
    monkeypatch.setattr("investment.views.figures.ROWS_PER_PAGE", 5)
    page = officer.get(reverse("lag_warnings"), {**PERIOD, "page": 999}).content.decode()
    assert "第3/3页" in page and len(names_in(page)) == 2


def test_the_unit_filter_keeps_a_reporter_to_their_own_unit(client, cast):
    load(a_portfolio(12, 2024))
    own, other = Unit.objects.get(name="单位1"), Unit.objects.get(name="单位2")
    client.force_login(cast.reporter_of(own))

    mine = client.get(reverse("lag_warnings"), PERIOD).context["table"].rows
    asked = client.get(reverse("lag_warnings"), {**PERIOD, "unit": other.pk}).context["table"]

    assert {row.record.progress.unit for row in mine} == {"单位1"}
    assert len(asked.rows) == 0  # another unit's rows are not widened into view
