"""三个一批, 招商引资 and 上报模板 saved by several people at the same moment (PostgreSQL):
one wins, the others are told the row is taken or changed; never a 500."""

import io
from collections import Counter
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from batches.models import Batch, BatchEntry, Kind
from promotion.models import Activity
from promotion.services import activity_save
from tests.batches.helpers import a_batch, projects
from tests.security.at_once import at_once, on_postgresql

pytestmark = pytest.mark.django_db(transaction=True)
PEOPLE = 6


def posting(user, url, data):
    def post():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        response = client.post(url, data)
        return response.status_code, response.content.decode()

    return post


def test_six_batches_created_at_once_with_one_name(cast):
    on_postgresql()
    data = {"name": "2026年第三期", "year": 2026, "quarter": 3}
    answers = at_once([posting(cast.officer, reverse("batch_create"), data) for _ in range(PEOPLE)])
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * (PEOPLE - 1) + [302], Counter(statuses)
    assert Batch.objects.filter(name="2026年第三期").count() == 1


def test_six_listings_of_one_project_at_once(cast):
    on_postgresql()
    batch = a_batch(cast.officer)
    (project,) = projects([{}])
    data = {"kind": Kind.SIGN, "projects": [project.pk], "target_date": "2026-06-30"}
    url = reverse("batch_entries_add", args=[batch.pk])
    answers = at_once([posting(cast.officer, url, data) for _ in range(PEOPLE)])
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * (PEOPLE - 1) + [302], Counter(statuses)
    assert BatchEntry.objects.count() == 1


def test_six_edits_of_one_batch_from_one_form(cast):
    on_postgresql()
    batch = a_batch(cast.officer)
    url = reverse("batch_edit", args=[batch.pk])
    jobs = [posting(cast.officer, url, {"name": f"2026年第{n}期", "year": 2026, "quarter": 2,
                                        "version": batch.version}) for n in range(PEOPLE)]  # fmt: skip
    statuses = sorted(status for status, _ in at_once(jobs))
    assert statuses == [200] * (PEOPLE - 1) + [302], Counter(statuses)
    assert Batch.objects.get().version == batch.version + 1


def test_six_edits_of_one_activity_linking_one_project_at_once(cast):
    on_postgresql()
    (project,) = projects([{}])
    visit = activity_save(user=cast.officer, held_on=date(2026, 3, 8), kind="visit",
                          led_by="department", unit=cast.housing, counterpart="某公司")  # fmt: skip
    url = reverse("activity_edit", args=[visit.pk])
    data = {"version": visit.version, "held_on": "2026-03-08", "kind": "visit", "led_by": "department",
            "unit": cast.housing.pk, "counterpart": "某公司", "projects": [project.pk]}  # fmt: skip
    answers = at_once([posting(cast.officer, url, data) for _ in range(PEOPLE)])
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * (PEOPLE - 1) + [302], Counter(statuses)
    assert list(Activity.objects.get().projects.all()) == [project]


def test_six_activities_signing_one_project_at_once(cast):
    on_postgresql()
    (project,) = projects([{}])
    data = {"held_on": "2026-03-08", "kind": "visit", "led_by": "department",
            "unit": cast.housing.pk, "counterpart": "某公司", "projects": [project.pk]}  # fmt: skip
    answers = at_once(
        [posting(cast.officer, reverse("activity_create"), data) for _ in range(PEOPLE)]
    )
    statuses = Counter(status for status, _ in answers)
    assert statuses == {302: PEOPLE}, statuses


def test_six_templates_uploaded_at_once_with_one_title_keep_one_file(cast):
    from django.core.files.storage import default_storage

    from tests.security.test_upstream_attacks import side_note_down_the_data_rows, workbook
    from upstream.models import UpstreamTemplate

    on_postgresql()
    data = workbook(side_note_down_the_data_rows)
    before = (
        set(default_storage.listdir("upstream-templates")[1])
        if default_storage.exists("upstream-templates")
        else set()
    )

    def upload():
        client = Client(raise_request_exception=False)
        client.force_login(cast.officer)
        file = io.BytesIO(data)
        file.name = "市表.xlsx"
        response = client.post(reverse("upstream_list"), {"title": "市表", "file": file})
        return response.status_code, response.content.decode()

    answers = at_once([upload for _ in range(PEOPLE)])

    assert 500 not in Counter(status for status, _ in answers)
    assert UpstreamTemplate.objects.count() == 1
    after = set(default_storage.listdir("upstream-templates")[1]) - before
    assert len(after) == 1, after  # the refused uploads left no file behind
