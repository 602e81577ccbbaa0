"""上报模板 deleted while another request downloads it or saves its header rows: the delete
removes the kept file once it commits, so a download that read the row a moment before finds no
file. It is told the template was deleted (or its file is gone), never a 500."""

import io
from collections import Counter

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.batches.helpers import projects
from tests.security.at_once import at_once, on_postgresql
from tests.security.test_upstream_attacks import with_headers, workbook
from upstream.models import UpstreamTemplate
from upstream.services.mapping import template_upload

PEOPLE = 6


def a_template(cast) -> UpstreamTemplate:
    projects([{}, {}])
    return template_upload(title="市表", issuer="", filename="市表.xlsx", user=cast.officer,
                           data=workbook(with_headers))  # fmt: skip


def signed_in(cast) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(cast.officer)
    return client


def told(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_download_whose_file_went_is_told_so(cast):
    """The moment between the download reading the row and opening its file, as the delete's
    commit removes the file."""
    template = a_template(cast)
    template.file.storage.delete(template.file.name)

    page = signed_in(cast).get(reverse("upstream_download", args=[template.pk]))

    assert (page.status_code, page.url) == (302, reverse("upstream_detail", args=[template.pk]))
    assert told(page) == [
        "该上报模板的文件已不在服务器上（可能刚被他人删除），请刷新上报模板列表；"
        "如模板仍在列表中，请删除后重新上传。"
    ]


def test_header_rows_saved_on_a_template_whose_file_went_are_refused_in_chinese(cast):
    template = a_template(cast)
    template.file.storage.delete(template.file.name)
    data = {"action": "layout", "header_first": 2, "header_last": 2, "data_start": 4,
            "version": template.version}  # fmt: skip

    page = signed_in(cast).post(reverse("upstream_detail", args=[template.pk]), data)

    assert page.status_code == 200 and "该上报模板的文件已不在服务器上" in page.content.decode()
    template.refresh_from_db()
    assert template.data_start == 3


@pytest.mark.django_db(transaction=True)
def test_a_delete_and_five_downloads_at_once(cast):
    on_postgresql()
    template = a_template(cast)
    url = reverse("upstream_download", args=[template.pk])

    def download():
        response = Client(raise_request_exception=False)
        response.force_login(cast.officer)
        answer = response.get(url, {"year": 2026, "month": 6})
        if answer.status_code == 200:
            load_workbook(io.BytesIO(answer.content))
        return answer.status_code

    def delete():
        client = Client(raise_request_exception=False)
        client.force_login(cast.officer)
        return client.post(reverse("upstream_detail", args=[template.pk]),
                           {"action": "delete", "version": template.version}).status_code  # fmt: skip

    answers = at_once([delete] + [download] * (PEOPLE - 1))

    assert answers[0] == 302 and not UpstreamTemplate.objects.exists()
    assert set(answers[1:]) <= {200, 302, 404}, Counter(answers)
