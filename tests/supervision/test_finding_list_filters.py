"""The 督查督办 list as a FilterSet and a Table: its bookmarks' parameters, sorting, bad values."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.supervision.builders import a_finding, people_of


@pytest.fixture
def people(cast):
    return people_of(cast)


def descriptions(response) -> list[str]:
    return [row.record.description for row in response.context["table"].paginated_rows]


@pytest.fixture
def three(people):
    today = timezone.localdate()
    a_finding(people, description="甲 逾期", found_on=today - timedelta(days=40), today=today)
    a_finding(
        people, description="乙 新的", found_on=today, today=today, clock="",
        deadline=today + timedelta(days=30),
    )  # fmt: skip
    a_finding(
        people, description="丙 营盘镇", unit=people["township"], found_on=today - timedelta(days=1),
        today=today, category="land",
    )  # fmt: skip
    return people


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({}, {"甲 逾期", "乙 新的", "丙 营盘镇"}),
        ({"when": "overdue"}, {"甲 逾期"}),
        ({"when": "13710"}, {"甲 逾期", "丙 营盘镇"}),
        ({"status": "waiting"}, {"甲 逾期", "乙 新的", "丙 营盘镇"}),
        ({"status": "closed"}, set()),
        ({"category": "land"}, {"丙 营盘镇"}),
    ],
)
def test_the_bookmarked_parameters_still_filter(client, three, query, shown):
    client.force_login(three["supervisor"])
    assert set(descriptions(client.get(reverse("finding_list"), query))) == shown


def test_the_unit_filter(client, three):
    client.force_login(three["supervisor"])
    response = client.get(reverse("finding_list"), {"unit": three["township"].pk})
    assert descriptions(response) == ["丙 营盘镇"]


def test_a_reporter_asking_for_another_unit_gets_nothing_of_it(client, three):
    client.force_login(three["reporter"])  # 县住建局's
    response = client.get(reverse("finding_list"), {"unit": three["township"].pk})
    # their filter offers only their unit: the one asked is said not taken, no row of it shown
    assert "丙 营盘镇" not in descriptions(response)
    assert "丙 营盘镇" not in response.content.decode()
    assert "责任单位：选择一个有效的选项" in response.content.decode()


def test_the_list_sorts_by_deadline_either_way(client, three):
    client.force_login(three["supervisor"])
    ahead = descriptions(client.get(reverse("finding_list"), {"sort": "deadline"}))
    back = descriptions(client.get(reverse("finding_list"), {"sort": "-deadline"}))
    assert ahead[0] == "甲 逾期" and back == ahead[::-1]
    page = client.get(reverse("finding_list"), {"when": "overdue"}).content.decode()
    assert 'href="?when=overdue&amp;sort=deadline"' in page  # sorting keeps the filter


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"status": "lost"}, "状态：选择一个有效的选项"),
        ({"unit": "abc"}, "责任单位：选择一个有效的选项"),
        ({"when": "yesterday"}, "范围：选择一个有效的选项"),
        ({"page": "999"}, None),
        ({"page": "abc"}, None),
        ({"sort": "nonsense"}, None),
    ],
)
def test_a_bad_value_gives_a_clear_page(client, three, query, message):
    client.force_login(three["supervisor"])
    response = client.get(reverse("finding_list"), query)
    assert response.status_code == 200
    assert len(descriptions(response)) == 3  # the bad value is left out
    if message:
        assert message in response.content.decode()


def test_the_export_ignores_the_page_and_keeps_the_filter(client, three):
    client.force_login(three["supervisor"])
    response = client.get(reverse("finding_list"), {"when": "13710", "page": 2, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_only_13710_findings_show_the_mechanism(client, three):
    client.force_login(three["supervisor"])
    rows = client.get(reverse("finding_list")).context["table"].paginated_rows
    clocks = {row.record.description: row.get_cell("clock") for row in rows}
    assert clocks == {"甲 逾期": "13710", "乙 新的": "—", "丙 营盘镇": "13710"}


def test_the_list_stands_in_work_order_not_in_the_codes_alphabet(client, three):
    """未整改 → 整改中 → 已整改 → 已销号 (by the stored codes, 已销号 came first and 已整改 last)."""
    from supervision.models import Finding

    statuses = dict(
        zip(["甲 逾期", "乙 新的", "丙 营盘镇"], Finding.Status.values[1:], strict=True)
    )
    for description, status in statuses.items():
        closed_on = timezone.localdate() if status == Finding.Status.CLOSED else None
        Finding.objects.filter(description=description).update(status=status, closed_on=closed_on)
    client.force_login(three["supervisor"])
    work_order = ["甲 逾期", "乙 新的", "丙 营盘镇"]  # 整改中, 已整改, 已销号
    assert descriptions(client.get(reverse("finding_list"))) == work_order
    assert descriptions(client.get(reverse("finding_list"), {"sort": "status"})) == work_order
    backwards = descriptions(client.get(reverse("finding_list"), {"sort": "-status"}))
    assert backwards == work_order[::-1]
