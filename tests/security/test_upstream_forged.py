"""上报模板's forms under forged and hostile posts, as every role (the office, a unit's reporter,
another unit's, the supervisor, the leader, the auditor, security, no one signed in): the header
rows, the mapping (its preview and save), the delete and the upload, with hostile numbers, row
numbers, column numbers, versions, text and ids; and the download with hostile periods. Never a
500; only the office changes a template, and nothing of it is half-written."""

import io

import pytest
from django.test import Client
from django.urls import reverse

from tests.batches.helpers import projects
from tests.security.test_batches_attacks import ROLES, hostile
from tests.security.test_upstream_attacks import with_headers, workbook
from upstream.models import TemplateColumn, UpstreamTemplate
from upstream.services.mapping import template_upload


@pytest.fixture
def template(cast):
    projects([{}, {}])
    return template_upload(title="市表", issuer="", filename="市表.xlsx", user=cast.officer,
                           data=workbook(with_headers))  # fmt: skip


def kept() -> tuple:
    return (
        list(UpstreamTemplate.objects.values_list("pk", "version", "title", "data_start")),
        list(TemplateColumn.objects.values_list("pk", "version", "source", "text")),
    )


def column_keys(template) -> list[str]:
    count = template.columns.count()
    return [
        f"col-{n}-{key}" for n in range(count) for key in ("number", "version", "source", "text")
    ]


def management(template) -> dict[str, str]:
    count = str(template.columns.count())
    return {"col-TOTAL_FORMS": count, "col-INITIAL_FORMS": count}


@pytest.mark.parametrize("role", ROLES)
def test_hostile_posts_on_a_template_never_answer_500(cast, template, role):
    client = Client(raise_request_exception=True)
    if role:
        client.force_login(getattr(cast, role))
    url = reverse("upstream_detail", args=[template.pk])
    before = kept()
    forms = [
        ({"action": "layout"}, ["header_first", "header_last", "data_start", "version"]),
        ({"action": "preview"} | management(template),
         ["title", "issuer", "level", "unit", "version", *column_keys(template)]),
        ({"action": "save"} | management(template),
         ["title", "issuer", "level", "unit", "version", *column_keys(template)]),
        ({"action": "save", "col-TOTAL_FORMS": "1000000", "col-INITIAL_FORMS": "-1"},
         ["title", "version", "col-0-number", "col-0-source"]),
        ({"action": "delete"}, ["version"]),
        ({}, ["action", "year", "month"]),
    ]  # fmt: skip
    failures = []
    for fixed, keys in forms:
        for data in hostile(keys):
            data |= fixed
            try:
                status = client.post(url + "?year=2026&month=6", data).status_code
            except Exception as error:
                failures.append(
                    (fixed, {k: str(v)[:20] for k, v in data.items()}, repr(error)[:300])
                )
                continue
            if status >= 500:
                failures.append((fixed, status))
    for data in hostile(["year", "month", "kind"]):
        try:
            status = client.get(reverse("upstream_download", args=[template.pk]), data).status_code
        except Exception as error:
            failures.append(("download", data, repr(error)[:300]))
            continue
        if status >= 500:
            failures.append(("download", status))
    assert failures == []
    if role != "officer":
        assert kept() == before


@pytest.mark.parametrize("role", ROLES)
def test_hostile_uploads_never_answer_500_and_only_the_office_keeps_one(cast, role):
    client = Client(raise_request_exception=True)
    if role:
        client.force_login(getattr(cast, role))
    failures = []
    for data in hostile(["title", "issuer"]):
        upload = io.BytesIO(workbook(with_headers))
        upload.name = data.pop("issuer")[:200] + ".xlsx"
        try:
            status = client.post(reverse("upstream_list"), data | {"file": upload}).status_code
        except Exception as error:
            failures.append(({k: str(v)[:20] for k, v in data.items()}, repr(error)[:300]))
            continue
        if status >= 500:
            failures.append(status)
    assert failures == []
    if role != "officer":
        assert not UpstreamTemplate.objects.exists()


def test_a_column_of_another_template_posted_in_a_mapping_changes_neither(cast, template):
    """The form names a column by its number in the template; a column number of another
    template, or past the template's columns, is refused, not saved there."""
    other = template_upload(title="省表", issuer="", filename="省表.xlsx", user=cast.officer,
                            data=workbook(lambda sheet: with_headers(sheet, row=1)))  # fmt: skip
    client = Client(raise_request_exception=True)
    client.force_login(cast.officer)
    before = kept()
    data = {"action": "save", "title": "市表", "version": template.version,
            "col-TOTAL_FORMS": "1", "col-INITIAL_FORMS": "1",
            "col-0-number": "99", "col-0-source": "text", "col-0-text": "冒名",
            "col-0-version": other.columns.first().version}  # fmt: skip

    page = client.post(reverse("upstream_detail", args=[template.pk]), data)

    assert page.status_code == 200 and "模板的列已被他人修改" in page.content.decode()
    assert kept() == before
