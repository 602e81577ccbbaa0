"""A city's 挂图作战, 滞后预警 and 项目台账 Excel, and its briefing PDF, in Chromium, through the background worker (a real one, on the
test's PostgreSQL database): the office presses 导出Excel, lands on the job's page, reloads it by
hand mid-way, downloads the workbook when it is done and finds every project in it; then goes back
to the page it came from and exports again: the same rows.
"""

import io

import pytest
from pypdf import PdfReader

from tests.browser import test_backup_journey
from tests.browser.conftest import look, sign_in
from tests.browser.test_backup_journey import started_and_reloaded
from tests.workbooks import a_portfolio, load, read_back

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PROJECTS = 30
worker = test_backup_journey.worker  # the worker subprocess, on PostgreSQL


def exported(page, tmp_path, title: str) -> dict:
    page.click(":is(a, button):text('导出Excel')")
    started_and_reloaded(page, title)
    assert page.locator(".job-state").inner_text() == "已完成"
    look(page, "export-done")
    with page.expect_download() as download:
        page.click("a.job-next")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    return read_back(saved.read_bytes())


@pytest.mark.parametrize(
    ("path", "title", "sheet"),
    [("/board/", "导出挂图作战Excel：2024年6月", "挂图作战"),
     ("/warnings/", "导出滞后预警Excel：2024年6月", "滞后预警"),
     ("/projects/", "导出项目台账Excel：2024年", "项目台账")],
)  # fmt: skip
def test_the_office_exports_a_city_sized_page_in_the_background(
    tab,
    worker,
    cast,
    settings,
    tmp_path,
    path,
    title,
    sheet,
):
    settings.EXPORT_BACKGROUND_PROJECTS = PROJECTS - 1  # these projects are a city
    load(a_portfolio(PROJECTS, 2024))
    sign_in(tab, cast.officer)
    page = tab.page
    page.goto(f"{path}?year=2024" + ("" if path == "/projects/" else "&month=6"))

    rows = exported(page, tmp_path, title)[sheet]

    if sheet != "滞后预警":
        assert len(rows) >= 1 + PROJECTS  # every project
    page.click("a:text('返回提交页面')")
    assert path in page.url and "format" not in page.url  # the page as it was asked
    again = exported(page, tmp_path, title)[sheet]  # the same export, once more
    assert again == rows
    assert tab.problems == []


def briefing_pdf(page, tmp_path) -> str:
    """The briefing page's PDF, through its job: the text of the file downloaded."""
    acknowledge = page.locator("input[name=acknowledged]")
    if acknowledge.count():
        acknowledge.check()
    page.click(":is(a, button):text('下载2024年1–6月简报（PDF）')")
    started_and_reloaded(page, "简报PDF：2024年1–6月")
    assert page.locator(".job-state").inner_text() == "已完成"
    with page.expect_download() as download:
        page.click("a.job-next")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(saved.read_bytes())).pages)


def test_the_office_downloads_a_city_sized_briefing_made_in_the_background(
    tab, worker, cast, settings, tmp_path
):
    settings.EXPORT_BACKGROUND_PROJECTS = PROJECTS - 1
    load(a_portfolio(PROJECTS, 2024))
    sign_in(tab, cast.officer)
    page = tab.page
    page.goto("/briefing/?kind=month&year=2024&month=6")

    text = briefing_pdf(page, tmp_path)

    assert "2024年1–6月" in text
    page.click("a:text('返回提交页面')")
    assert "/briefing/" in page.url
    assert briefing_pdf(page, tmp_path) == text  # the same briefing, once more
    assert tab.problems == []
