"""An error page offers each person their own home: the office's 总体情况, but the 三员
administrators (who cannot open 总体情况) their own first page, and an account without a role
the page that says so; the link, followed in Chromium, opens that page. A page Django renders
without the request (500) offers the site's front page, which leads each to their own."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests.browser.conftest import look, sign_in


@pytest.mark.parametrize(
    ("person", "home", "url_name"),
    [
        ("officer", "总体情况", "dashboard"),
        ("admin", "账号管理", "people_list"),
        ("security", "安全管理", "security_users"),
        ("auditor", "安全审计", "audit_log"),
        ("newcomer", "账号尚未授权", "account_pending"),
    ],
)
def test_a_missing_page_leads_each_person_to_their_own_home(tab, cast, person, home, url_name):
    sign_in(tab, getattr(cast, person))
    page = tab.page

    response = page.goto("/no-such-page/")

    assert response.status == 404
    link = page.locator(".error-page .actions a.home")
    assert link.inner_text() == f"回到{home}"
    look(page, f"404-{person}")
    link.click()
    page.wait_for_url(f"**{reverse(url_name)}")
    assert "错误代码" not in page.inner_text("main")


def test_a_page_rendered_without_the_request_offers_the_front_page():
    html = render_to_string("500.html")

    assert f'<a class="home" href="{reverse("dashboard")}">回到首页</a>' in html
