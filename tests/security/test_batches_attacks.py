"""三个一批's and 招商引资's forms under hostile posts, as every role (the office, a unit's
reporter against another unit's rows, the supervisor, the leader, security, the auditor, no one
signed in): hostile numbers, dates, text, ids, never a 500. The first hostile post of a form
goes as every role, the rest once per path through the view (tests/security/paths.py)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import resolve, reverse

from batches.models import Batch, BatchEntry, Kind
from promotion.models import Activity
from promotion.services import activity_save
from tests.batches.helpers import a_batch, listed, projects
from tests.builders import ledger
from tests.security.paths import each_path, signed_in
from tests.workbooks import code

NUMBERS = ["-1", "1e20", "1234567890.12345", "NaN", "１２", "", "²", "9" * 30, "0"]
DATES = ["2026-02-30", "1900-01-01", "9999-12-31", "0001-01-01", "", "2026-13-01", "１９９９-01-01"]
TEXTS = ["x" * 100_000, "甲\u200b乙", "\u202e局建住县", "\x00", "<script>alert(1)</script>"]


def hostile(keys: list[str]) -> list[dict[str, str]]:
    values = NUMBERS + DATES + TEXTS
    return [
        {key: values[(k + i) % len(values)] for i, key in enumerate(keys)}
        for k in range(len(values))
    ]


@pytest.fixture
def county(cast):
    batch = a_batch(cast.officer)
    mine, theirs = projects([{}, {}])
    entry = listed(cast.officer, batch, Kind.SIGN, [mine], target=date(2026, 6, 30))[0]
    visit = activity_save(user=cast.officer, held_on=date(2026, 3, 8), kind="visit",
                          led_by="department", unit=cast.township, counterpart="某公司")  # fmt: skip
    return {"batch": batch, "entry": entry, "mine": mine, "theirs": theirs, "visit": visit}


def posts(county) -> dict[str, tuple]:
    """By URL name: the url, the fields that get hostile values, fields posted as they are."""
    b, e, v = county["batch"].pk, county["entry"].pk, county["visit"].pk
    p = str(county["theirs"].pk)
    forms: list[tuple] = [
        (reverse("batch_create"), ["version", "name", "year", "quarter", "note"]),
        (reverse("batch_edit", args=[b]), ["version", "name", "year", "quarter", "note"]),
        (
            reverse("batch_entries_add", args=[b]),
            ["kind", "projects", "target_date"],
            {"projects": p},
        ),
        (reverse("batch_entry_edit", args=[e]), ["version", "target_date"]),
        (
            reverse("activity_create"),
            [
                "held_on",
                "kind",
                "led_by",
                "unit",
                "counterpart",
                "leader",
                "place",
                "people",
                "batches",
                "outcome",
                "projects",
            ],
        ),
        (
            reverse("activity_edit", args=[v]),
            [
                "version",
                "held_on",
                "kind",
                "led_by",
                "unit",
                "counterpart",
                "people",
                "batches",
                "outcome",
                "projects",
            ],
        ),
        (reverse("activity_delete", args=[v]), ["version"]),
    ]
    return {str(resolve(str(form[0])).url_name): form for form in forms}


POSTED = [
    "batch_create", "batch_edit", "batch_entries_add", "batch_entry_edit", "activity_create",
    "activity_edit", "activity_delete",
]  # fmt: skip


ROLES = [
    "officer",
    "reporter",
    "other_reporter",
    "supervisor",
    "leader",
    "auditor",
    "security",
    None,
]


@pytest.mark.parametrize("name", POSTED)
def test_hostile_posts_never_answer_500(cast, county, name):
    forms = posts(county)
    assert sorted(forms) == sorted(POSTED), "POSTED names each form once"
    url, keys, *fixed = forms[name]
    requests = [data | (fixed[0] if fixed and len(data) % 2 else {}) for data in hostile(keys)]
    clients = signed_in({str(role): role and getattr(cast, role) for role in ROLES})

    found = each_path(clients, "post", url, requests)

    assert not found, "\n".join(found)


PAST_EVERY_ID = "99999999999999999999"  # past a 64-bit primary key


@pytest.mark.parametrize(
    ("name", "needs", "data"),
    [("batch_entries_add", "batch", {"kind": "sign"}),
     ("activity_create", None, {"held_on": "2026-03-08", "kind": "visit", "led_by": "department",
                                "counterpart": "某公司"}),
     ("inspection_create", None, {"title": "督查", "inspected_on": "2026-03-08"})],
)  # fmt: skip
def test_a_project_id_past_every_id_is_refused_in_chinese_not_a_500(
    cast, county, name, needs, data
):
    client = Client(raise_request_exception=True)
    client.force_login(cast.officer if name != "inspection_create" else cast.supervisor)
    url = reverse(name, args=[county[needs].pk] if needs else [])
    entries, activities = BatchEntry.objects.count(), Activity.objects.count()

    page = client.post(
        url, data | {"unit": cast.township.pk, "projects": [county["mine"].pk, PAST_EVERY_ID]}
    )

    assert page.status_code == 200
    assert "不是可选的项目" in page.content.decode()
    assert (BatchEntry.objects.count(), Activity.objects.count()) == (entries, activities)


@pytest.mark.parametrize(
    "twin", ["2026年第二期\u200b", "\u202a2026年第二期", "２０２６年第二期", "2026年第\u00ad二期"]
)
def test_a_batch_named_as_an_existing_one_with_invisible_or_full_width_characters_is_refused(
    cast, twin
):
    a_batch(cast.officer)

    with pytest.raises(ValidationError, match="已有同名的期次"):
        a_batch(cast.officer, name=twin, quarter=3)

    assert [batch.name for batch in Batch.objects.all()] == ["2026年第二期"]


def test_a_sheet_row_naming_a_batch_with_a_zero_width_space_lands_on_the_batch(cast):
    from tests.ledger.test_batches_sheet import HEADERS, two_projects

    ledger({"项目台账": two_projects()})
    a_batch(cast.officer)

    ledger(
        {"三个一批": [HEADERS, ["2026年第二期\u200b", "签约", code(1), None]]}, user=cast.officer
    )

    assert [batch.name for batch in Batch.objects.all()] == ["2026年第二期"]
    assert BatchEntry.objects.get().batch.name == "2026年第二期"
