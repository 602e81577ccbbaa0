"""Error pages in production (DEBUG off): Chinese, in the site's layout, with a way back.

The 500 page is rendered by Django without the request; it must not need the database either
(the error may be the database itself)."""

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import include, path, reverse
from django.views import defaults

from projects.models import User
from tests.supervision.builders import a_finding, people_of


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), path("", include("config.urls"))]


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


@pytest.fixture
def people(cast):
    return people_of(cast)


def page_of(response, status: int) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<html lang="zh-Hans">' in page and 'class="topbar"' in page  # the site's layout
    assert "返回上一页" in page  # and the person's own home (tests/browser/test_error_page_home.py)
    assert re.search(
        r'<a class="home" href="/[^"]*">回到(总体情况|首页|账号管理|安全管理|安全审计)</a>', page
    )
    assert "js/back.js" in page
    return page


def test_a_missing_page_is_explained_in_chinese_with_the_menu(client, people):
    client.force_login(people["reporter"])

    page = page_of(client.get("/no-such-page/"), 404)

    assert "页面不存在，或不在您的查看范围内" in page
    assert 'aria-label="主导航"' in page  # a signed-in user keeps the menu
    assert "Not Found" not in page


def test_another_units_finding_is_a_chinese_404(client, people):
    finding = a_finding(people, unit=people["township"])
    client.force_login(people["reporter"])

    page = page_of(client.get(reverse("finding_detail", args=[finding.pk])), 404)

    assert "不在您的查看范围内" in page and "No Finding matches" not in page


def test_a_refused_action_says_why_in_chinese(client, people):
    client.force_login(people["reporter"])

    page = page_of(client.get(reverse("finding_create")), 403)

    assert "您没有权限进行此操作" in page and "只有督查办可以进行此操作。" in page
    assert "403 Forbidden" not in page


def test_an_expired_form_is_a_chinese_page_and_nothing_is_saved(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["supervisor"])
    finding = a_finding(people)

    response = client.post(
        reverse("finding_move", args=[finding.pk]),
        {"unit": people["township"].pk, "reason": "交办有误"},
    )

    page = page_of(response, 403)
    assert "页面已过期，本次提交未保存" in page and "CSRF verification failed" not in page
    assert "选择“恢复”即可，不必重新填写" in page  # the typed draft is kept (drafts.js)
    finding.refresh_from_db()
    assert finding.unit == people["housing"]


def test_the_office_refused_the_change_record_is_told_who_reads_it(client, people):
    client.force_login(people["officer"])

    page = page_of(client.get(reverse("data_history")), 403)

    assert "数据变更记录仅限审计管理员查看（三员分立）" in page


def test_a_bad_request_is_a_chinese_page(client):
    page = page_of(client.get("/login/", headers={"host": "evil.example"}), 400)

    assert "请求有误" in page and "Bad Request" not in page


@pytest.mark.urls(__name__)
def test_a_server_error_is_a_chinese_page(people):
    client = Client(raise_request_exception=False)
    client.force_login(people["supervisor"])

    page = page_of(client.get("/boom/"), 500)

    assert "系统出错了，本次操作没有完成" in page and "Server Error" not in page
    assert "主导航" not in page  # rendered without the request: no menu, no user


def test_the_server_error_page_needs_neither_the_database_nor_the_request(django_db_blocker):
    request = RequestFactory().get("/")
    with django_db_blocker.block():
        response = defaults.server_error(request)

    assert response.status_code == 500
    assert "系统出错了" in response.content.decode()


def test_the_pages_are_chinese_for_someone_not_signed_in(client):
    page = page_of(client.get("/no-such-page/"), 404)

    assert "主导航" not in page and User.objects.count() == 0
