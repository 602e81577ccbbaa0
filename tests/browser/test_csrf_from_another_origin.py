"""Cross-site request forgery in a real browser: the office is signed in, and a page served from
another origin (another program on the same intranet host, another port: the same site, so the
browser sends the office's cookies) posts a form to 上报模板, 三个一批 and 招商引资 — deleting a
template, creating a batch, recording and deleting a 招商 activity — once with no token and once
with a made-up one. Each lands on 页面已过期，本次提交未保存 (403) and nothing is written; the office's
own page, opened again, still works."""

import threading
from datetime import date
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from batches.models import Batch
from promotion.models import Activity
from promotion.services import activity_save
from tests.batches.helpers import projects
from tests.browser.conftest import sign_in
from tests.security.test_upstream_attacks import with_headers, workbook
from upstream.models import UpstreamTemplate
from upstream.services.mapping import template_upload

FORGED_TOKEN = "A" * 64


@pytest.fixture
def another_origin(live_server):
    """An HTTP server on another port of the live server's host, serving whatever page the
    test puts in ``pages`` (by path)."""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    host = live_server.url.split("//")[1].split(":")[0]
    server = ThreadingHTTPServer((host, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{host}:{server.server_address[1]}", pages
    server.shutdown()
    server.server_close()


def forged_page(action: str, fields: dict[str, object]) -> str:
    inputs = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(str(value))}">'
        for name, value in fields.items()
    )
    return (
        "<!DOCTYPE html><html><body><p>领取年终奖励</p>"
        f'<form id="f" method="post" action="{escape(action)}">{inputs}</form>'
        "<script>document.getElementById('f').submit()</script></body></html>"
    )


@pytest.fixture
def office_data(cast):
    (project,) = projects([{}])
    template = template_upload(title="市表", issuer="", filename="市表.xlsx", user=cast.officer,
                               data=workbook(with_headers))  # fmt: skip
    activity = activity_save(user=cast.officer, held_on=date(2026, 3, 8), kind="visit",
                             led_by="department", unit=cast.township, counterpart="某公司")  # fmt: skip
    return {"project": project, "template": template, "activity": activity}


def attacks(base: str, data) -> list[tuple[str, str, dict[str, object]]]:
    template, activity = data["template"], data["activity"]
    return [
        ("删除上报模板", f"{base}/upstream/{template.pk}/",
         {"action": "delete", "version": template.version}),
        ("新建期次", f"{base}/batches/new/",
         {"name": "2026年第四期", "year": 2026, "quarter": 4}),
        ("登记招商活动", f"{base}/promotion/new/",
         {"held_on": "2026-03-09", "kind": "visit", "led_by": "department",
          "unit": data["activity"].unit_id, "counterpart": "冒名公司"}),
        ("删除招商活动", f"{base}/promotion/{activity.pk}/delete/", {"version": activity.version}),
    ]  # fmt: skip


def what_is_kept() -> tuple:
    return (
        list(UpstreamTemplate.objects.values_list("pk", "version")),
        list(Batch.objects.values_list("pk", "name")),
        list(Activity.objects.values_list("pk", "version", "counterpart")),
    )


@pytest.mark.parametrize("token", ["none", "made-up"])
def test_a_form_posted_from_another_origin_is_refused_and_writes_nothing(
    tab, cast, live_server, another_origin, office_data, token
):
    origin, pages = another_origin
    sign_in(tab, cast.officer)
    page = tab.page
    page.goto("/upstream/")  # the office at work: its cookies set for the host
    before = what_is_kept()

    for n, (label, action, fields) in enumerate(attacks(live_server.url, office_data)):
        if token == "made-up":
            fields = fields | {"csrfmiddlewaretoken": FORGED_TOKEN}
        pages[f"/{n}"] = forged_page(action, fields)
        with page.expect_navigation(url=action) as landed:
            page.goto(f"{origin}/{n}")

        assert landed.value.status == 403, label
        assert "页面已过期，本次提交未保存" in page.locator("main, body").first.inner_text(), label
        assert what_is_kept() == before, label

    page.goto("/upstream/")  # the office's own page, opened again, still works
    assert "市表" in page.locator("main").inner_text()
