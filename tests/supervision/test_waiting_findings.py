"""The reporter's 我的待办 link to findings opens the list of their findings still to answer."""

from datetime import date

import pytest
from django.urls import reverse

from investment.rules.periods import Period
from investment.selectors.todo import todos
from supervision.services import finding_answer
from tests.supervision.builders import a_finding, people_of


@pytest.fixture
def people(cast):
    return people_of(cast)


def test_the_reporters_todo_links_to_their_findings_still_to_answer(client, people):
    untouched = a_finding(people, description="用地手续未办")
    answered = a_finding(people, description="施工许可滞后")
    done = a_finding(people, description="环评批复未取得")
    other_unit = a_finding(people, description="征迁未完成", unit=people["township"])
    reporter = people["reporter"]
    finding_answer(user=reporter, finding=answered, note="已约谈", today=date(2026, 3, 3))
    finding_answer(user=reporter, finding=done, note="已取得", done=True, today=date(2026, 3, 3))

    item = next(
        t for t in todos(reporter, period=Period.due_on(date(2026, 3, 4))) if "督查问题" in t.label
    )
    client.force_login(reporter)
    page = client.get(item.url).content.decode()
    listed = page.partition('class="filters')[2]  # the list, below the escalation box

    assert item.label == "待整改答复的督查问题" and item.count == 2
    assert item.url == reverse("finding_list") + "?status=waiting"
    assert "共2个问题" in page
    assert untouched.description in listed and answered.description in listed
    assert done.description not in listed and other_unit.description not in listed
    assert '<option value="waiting" selected>' in listed
