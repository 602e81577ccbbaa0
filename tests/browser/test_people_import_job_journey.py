"""导入填报员 of a long list in Chromium, through the background worker (a real one, in a
subprocess): the system administrator uploads the list, reads the preview, confirms, watches the
job's page count the accounts made, opens 查看初始密码 once (the key is a cookie this browser
got at the confirmation) and finds the passwords gone after it; the same list again is refused
row by row and makes nothing.
"""

import re

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from accounts.services.people_import import HEADERS
from projects.models import User
from tests.browser.conftest import sign_in
from tests.browser.job_pages import watch
from tests.browser.workers import paced_worker
from tests.workbooks import xlsx

# slow: a worker subprocess, its accounts hashed as production hashes them
pytestmark = pytest.mark.slow

PEOPLE = 5


@pytest.fixture
def worker(live_server, settings, tmp_path):
    settings.PEOPLE_BACKGROUND_ROWS = 3
    yield from paced_worker(settings, tmp_path, PROGRESS_PAUSE="0.4")


def upload(page, path) -> None:
    page.goto("/people/import/")
    page.set_input_files("input[name=file]", str(path))
    page.click("button:text('上传并预览')")


@pytest.mark.django_db(transaction=True)
def test_the_administrator_imports_a_long_list_in_the_background_and_reads_it_once(
    tab, worker, cast, tmp_path
):
    cast.housing  # noqa: B018
    names = tmp_path / "名单.xlsx"
    rows = [[f"user{n}", f"姓名{n}", "", "县住建局"] for n in range(1, PEOPLE + 1)]
    names.write_bytes(xlsx({"填报员": [HEADERS, *rows]}))
    sign_in(tab, cast.admin)
    page = tab.page

    upload(page, names)
    assert f"将建立{PEOPLE}个账号" in page.locator("#preview h2").inner_text()
    page.click(f"button:text('确认建立{PEOPLE}个账号')")
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    assert page.locator("h1").inner_text() == "导入填报员：名单.xlsx"
    watch(page)
    assert page.locator(".job-state").inner_text() == "已完成"
    assert f"已建立{PEOPLE}个账号。" in page.locator(".job-lines").inner_text()
    job_page = page.url

    page.click("button:text('查看初始密码（只显示一次）')")
    usernames = page.locator("table.initial-passwords td:first-child").all_inner_texts()
    passwords = page.locator("code.initial-password").all_inner_texts()
    shown = dict(zip(usernames, passwords, strict=True))
    assert sorted(shown) == [f"user{n}" for n in range(1, PEOPLE + 1)]
    for username, password in shown.items():  # hashed by the worker, as production hashes
        assert PBKDF2PasswordHasher().verify(password, User.objects.get(username=username).password)

    page.goto(job_page)  # back to the job: the passwords are no longer kept
    assert "初始密码已显示过一次，系统不再保存。" in page.locator("#job").inner_text()
    assert page.locator("button:text('查看初始密码（只显示一次）')").count() == 0

    upload(page, names)  # the same list again: every person has their account, nothing made
    already = page.locator("#already").inner_text()
    assert (
        "“名单.xlsx”已经导入过，未作任何改动" in already
        and f"名单中的{PEOPLE}人都已有账号" in already
    )
    assert page.locator("button:text('确认建立')").count() == 0
    assert User.objects.filter(username__startswith="user").count() == PEOPLE
    assert tab.problems == []
