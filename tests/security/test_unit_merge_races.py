"""A 督查问题 created for a unit while the office merges that unit away (PostgreSQL, threads).

The merge and every write naming a unit lock the unit's row first, so one waits for the
other: a finding saved first is moved by the merge; one that comes second is refused, told
which unit the merged one went into, with what the supervisor typed still in the form.
Before the locks, some of these requests answered 500 with a foreign-key error (the finding
naming a unit the merge had deleted) and the typed text was lost.
"""

from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Unit
from supervision.models import Finding
from tests.security.at_once import at_once, on_postgresql

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 4
SUPERVISORS = 8


def test_findings_created_while_their_unit_is_merged_are_moved_or_told_where_it_went(cast):
    on_postgresql()
    supervisor, office, housing = cast.supervisor, cast.officer, cast.housing
    statuses: Counter[int] = Counter()
    for round_ in range(ROUNDS):
        typo = Unit.objects.create(name=f"县住健局{round_}")

        def create(number: int, typo: Unit = typo, round_: int = round_):
            client = Client(raise_request_exception=False)
            client.force_login(supervisor)
            description = f"第{round_}轮第{number}条：围挡破损"
            response = client.post(
                reverse("finding_create"),
                {"unit": typo.pk, "description": description, "category": "other",
                 "found_on": "2026-03-02", "clock": "ordinary"},
            )  # fmt: skip
            return response.status_code, response.content.decode(), description

        def merge(typo: Unit = typo):
            client = Client(raise_request_exception=False)
            client.force_login(office)
            response = client.post(reverse("unit_merge", args=[typo.pk]), {"target": housing.pk})
            return response.status_code, "", ""

        jobs = [lambda n=n: create(n) for n in range(SUPERVISORS)] + [merge]
        answers = at_once(jobs)
        statuses.update(status for status, _, _ in answers)

        assert answers[-1][0] == 302 and not Unit.objects.filter(pk=typo.pk).exists()
        for status, page, description in answers[:-1]:
            if status == 302:  # saved before the merge, then moved by it
                assert Finding.objects.get(description=description).unit == housing
            else:  # came second: told where the unit went, the text kept, nothing saved
                assert status == 200, status
                assert f"责任单位“县住健局{round_}”已并入“县住建局”" in page
                assert f"{description}</textarea>" in page
                assert not Finding.objects.filter(description=description).exists()
    assert set(statuses) <= {200, 302}, statuses
    print(f"\n{ROUNDS} rounds of {SUPERVISORS} findings and a merge: {dict(statuses)}")
