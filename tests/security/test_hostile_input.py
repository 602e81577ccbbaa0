"""Hostile input: forged POSTs, framing and injected scripts, formulas in exports, XML bombs."""

import io
import re
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from ledger.rules.reader import LedgerImportError, read_workbook
from ledger.services.importer import import_ledger
from projects.models import Project, User
from tests.test_permission_matrix import (
    CASES,
    county,  # noqa: F401  (the matrix's fixture)
    url_for,
)
from tests.workbooks import PROJECT_HEADERS, code, load, xlsx

HYPERLINK = '=HYPERLINK("http://x","点我")'
# What a strict CSP blocks: inline <script>, on…= handlers, <style> blocks, style="" attributes.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=\"|<style|\sstyle=\"")
URLS = sorted({(name, target) for name, target, _ in CASES}, key=str)


@pytest.mark.usefixtures("county")
@pytest.mark.parametrize("who", ["anonymous", "office", "reporter"])
def test_every_post_without_a_csrf_token_is_refused(who):
    client = Client(enforce_csrf_checks=True)
    if who != "anonymous":
        client.force_login(User.objects.get(username=who))

    statuses = {
        (name, target): client.post(url_for(name, target)).status_code for name, target in URLS
    }

    assert statuses == dict.fromkeys(URLS, 403)


def test_pages_carry_the_security_headers(client, cast):
    client.force_login(cast.leader)

    for url in (reverse("login"), reverse("dashboard")):
        headers = client.get(url).headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def browser_templates(directory):
    """Templates a browser renders: base.html, pages extending it, and partials (``_x.html``).

    A template only WeasyPrint reads (a PDF) is not subject to the page's CSP and may keep a
    <style> block.
    """
    for path in directory.rglob("*.html"):
        text = path.read_text()
        if path.name == "base.html" or path.name.startswith("_") or "base.html" in text:
            yield path, text


def test_no_page_template_has_inline_script_or_style(settings):
    """The policy forbids inline script and style, so no page template may rely on them."""
    offenders = [
        path.name
        for path, text in browser_templates(settings.BASE_DIR / "templates")
        if INLINE_SCRIPT.search(text)
    ]
    assert offenders == []


@pytest.mark.usefixtures("county")
def test_rendered_pages_have_no_inline_script_style_or_event_handler(client):
    """What the policy would block, checked on real pages: ours (charts included) and the admin's."""
    client.force_login(User.objects.create_user("root", role=User.Role.ADMIN, is_superuser=True, is_staff=True))  # fmt: skip
    pages = [
        url_for(name, target)
        for name, target, method in CASES
        if method == "get" and name not in {"logout", "photo_file", "ledger_template", "ledger_export"}
    ] + [reverse("admin:index"), reverse("admin:projects_project_changelist"),
         reverse("admin:projects_project_add")]  # fmt: skip

    found = {}
    for url in pages:
        response = client.get(url, follow=True)
        if response.streaming or not response["Content-Type"].startswith("text/html"):
            continue  # downloads (files, PDF, Excel) are not pages
        hits = INLINE_SCRIPT.findall(response.content.decode())
        if hits:
            found[url] = hits[:3]
    assert found == {}


def test_a_name_that_looks_like_a_formula_is_exported_as_plain_text(client, cast):
    load(
        {
            "项目台账": [
                PROJECT_HEADERS,
                [code(1), "甲", "县住建局", "县重点", "新建", 100, 2024, 50],
            ]
        }
    )
    Project.objects.update(name=HYPERLINK)
    client.force_login(cast.officer)

    data = client.get(reverse("ledger_export"), {"year": 2024}).content

    sheet = openpyxl.load_workbook(io.BytesIO(data))["项目台账"]
    cell = sheet["B2"]
    assert cell.value == HYPERLINK
    assert cell.data_type == "s"  # a string, not a formula ("f")
    assert cell.quotePrefix
    assert "<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_every_formula_trigger_is_written_as_text(client, text, cast):
    load(
        {
            "项目台账": [
                PROJECT_HEADERS,
                [code(1), "甲", "县住建局", "县重点", "新建", 100, 2024, 50],
            ]
        }
    )
    Project.objects.update(name=text)
    client.force_login(cast.officer)

    data = client.get(reverse("ledger_export"), {"year": 2024}).content

    cell = openpyxl.load_workbook(io.BytesIO(data))["项目台账"]["B2"]
    # XML itself reads a carriage return back as a line feed.
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text.replace("\r", "\n"), "s", True)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", HYPERLINK])
def test_formula_like_text_survives_the_round_trip_unchanged(client, text, cast):
    # (A leading tab or CR is written as is too, but the import trims spaces, as it always has.)
    load(
        {
            "项目台账": [
                PROJECT_HEADERS,
                [code(1), "甲", "县住建局", "县重点", "新建", 100, 2024, 50],
            ]
        }
    )
    Project.objects.update(name=text)
    client.force_login(cast.officer)
    data = client.get(reverse("ledger_export"), {"year": 2024}).content
    Project.objects.update(name="改过的名称")

    import_ledger(data=data, filename="export.xlsx")

    assert Project.objects.get().name == text


BOMB_ENTITIES = (
    '<!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)


def a_billion_laughs_workbook() -> bytes:
    """A valid ledger whose sheet declares nested entities: 10⁹ 'lol's if expanded (30 GB)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx({"项目台账": [PROJECT_HEADERS]})))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = BOMB_ENTITIES.encode() + data.replace(b"</t>", b"&lol9;</t>", 1)
            target.writestr(item, data)
    return out.getvalue()


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.DEFUSEDXML


def test_an_xml_entity_bomb_is_refused_quickly():
    data = a_billion_laughs_workbook()
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(LedgerImportError) as refused:
        read_workbook(data, filename="台账.xlsx")
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert "无法读取该工作簿" in str(refused.value)
    # Measured: 9 ms and 0.15 MB with defusedxml; without it expat's own amplification guard
    # stops the same file only after ~460 ms and ~41 MB.
    assert elapsed < 1
    assert peak < 10 * 1024 * 1024
