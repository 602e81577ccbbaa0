"""What only a real browser shows: the login form, the Content-Security-Policy holding on
every page, a form filled by hand, and the print layout."""

from decimal import Decimal

import pytest

from investment.models import MonthlyReport
from projects.models import User
from tests.browser.conftest import sign_in
from tests.cast import PASSWORD
from tests.workbooks import a_small_county, code


def test_signing_in_through_the_form_lands_on_the_dashboard_and_a_bad_password_is_explained(
    tab, cast
):
    page = tab.page

    page.goto("/login/")
    page.fill("#id_username", cast.officer.username)
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert page.locator("p.error").inner_text() == "用户名或密码不正确，请重新输入。"

    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{tab.base_url}/")
    assert page.locator("nav.nav a[aria-current=page]").inner_text() == "总体情况"
    assert tab.problems == []


@pytest.mark.slow  # every page of every role's menu in Chromium, on the demo county
def test_every_page_of_each_roles_navigation_keeps_to_the_content_security_policy(tab, demo_county):
    """No inline script or style is refused, no script fails, nothing is fetched from outside,
    and no page answers with an error, for every link in each role's menu (on a copy of the
    prebuilt demo county: tests/prebuilt.py)."""
    visited = 0
    for username in ("office", "reporter", "supervisor", "leader", "security", "auditor"):
        sign_in(tab, User.objects.get(username=username))
        tab.page.goto("/")
        links = tab.page.locator("nav.nav a").evaluate_all("links => links.map(a => a.href)")
        assert links, username
        for link in links:
            if "/admin/" in link:
                continue  # Django's own admin pages carry Django's inline scripts
            response = tab.page.goto(link)
            assert response.status < 400, (username, link, response.status)
            visited += 1
    assert visited >= 30
    assert tab.problems == []

    # At an office's 1280 px every role's menu is one line: a second line of links pushes the
    # page down and reads as a broken header.
    tab.page.set_viewport_size({"width": 1280, "height": 900})
    for username in ("office", "reporter", "leader"):
        sign_in(tab, User.objects.get(username=username))
        tab.page.goto("/")
        tops = tab.page.locator("nav.nav a").evaluate_all(
            "links => links.map(a => a.getBoundingClientRect().top)"
        )
        assert len(set(tops)) == 1, (username, "the menu wraps at 1280 px")


def test_a_reporter_fills_in_the_month_by_hand_and_sends_it(tab, cast):
    a_small_county()
    reporter = cast.reporter
    sign_in(tab, reporter)
    page = tab.page

    page.goto("/reports/2024/3/")
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmation before 报送
    page.fill("input[name=form-0-amount]", "123.45")
    page.fill("textarea[name=form-0-progress]", "主体结构施工至三层")
    page.fill("input[name=form-1-amount]", "-5")
    page.click("button[value=submit]")
    page.wait_for_selector(".messages")
    # Refused with a message, nothing saved, and what was typed is still there.
    assert "未保存任何数据" in page.inner_text(".messages")
    assert page.input_value("input[name=form-0-amount]") == "123.45"
    assert MonthlyReport.objects.count() == 0

    page.fill("input[name=form-1-amount]", "20")
    page.click("button[value=submit]")
    page.wait_for_load_state()
    sent = MonthlyReport.objects.get(plan__project__code=code(1), month=3)
    assert (sent.amount, sent.progress, sent.status) == (
        Decimal("123.45"),
        "主体结构施工至三层",
        MonthlyReport.Status.SUBMITTED,
    )
    assert MonthlyReport.objects.filter(status=MonthlyReport.Status.SUBMITTED).count() == 2
    assert tab.problems == []


def test_the_board_prints_without_the_menu_and_the_filter_bar(tab, cast):
    a_small_county()
    sign_in(tab, cast.officer)
    page = tab.page
    page.goto("/board/?year=2024&month=6")
    assert page.locator("header.topbar").is_visible()

    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible()
    assert not page.locator("form.period").is_visible()
    assert page.locator("table").first.is_visible()
    assert "城关污水处理厂" in page.locator("table").first.inner_text()
    pdf = page.pdf(format="A3", landscape=True)
    assert pdf.startswith(b"%PDF")


def test_on_a_phone_the_month_entry_fits_the_screen_with_each_field_labelled(tab, cast):
    a_small_county(reports=[[code(1), 2024, 2, "123.4500"]])
    reporter = cast.reporter
    sign_in(tab, reporter)
    page = tab.page
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto("/reports/2024/2/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not page.locator("table.entry thead").is_visible()
    label = page.locator("td[data-label=形象进度]").first.evaluate(
        "cell => getComputedStyle(cell, '::before').content"
    )
    assert label == '"形象进度"'
    # February's ledger report is approved: shown read-only; the other project is editable.
    sewage = page.locator("tr.entry-line", has=page.locator("a:text-is('城关污水处理厂')"))
    assert "123.45" in sewage.inner_text() and sewage.locator("input").count() == 0
    assert page.locator("input[name=form-0-amount]").count() == 1
    assert tab.problems == []


def test_on_a_phone_the_reporters_month_entry_is_in_sight_in_the_menu(tab, cast):
    """The menu strip scrolls sideways on a phone: 月度填报, a reporter's work, comes right after
    总体情况 so it is on screen without scrolling (the walk-through found it off the edge)."""
    a_small_county()
    sign_in(tab, cast.reporter)
    page = tab.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")

    link = page.locator("nav.nav a", has_text="月度填报")
    box = link.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    assert page.locator("nav.nav a").nth(1).inner_text() == "月度填报"
    assert tab.problems == []


def test_a_hand_edited_address_shows_the_list_and_says_what_it_ignored(tab, cast):
    """A clerk who edits the address (or follows a mangled link) gets the page, told why."""
    a_small_county()
    sign_in(tab, cast.officer)
    page = tab.page

    response = page.goto("/projects/?year=²&per_page=-1")

    assert response.status == 200
    assert "年度“²”不是有效的年份" in page.locator("main").inner_text()
    assert "每页条数“-1”无效，已按每页50条显示。" in page.locator("ul.messages").inner_text()
    response = page.goto("/funds/new/?project=²")
    assert response.status == 200
    assert "所选项目“²”无效，请在表单中选择项目。" in page.locator("ul.messages").inner_text()
    assert tab.problems == []
