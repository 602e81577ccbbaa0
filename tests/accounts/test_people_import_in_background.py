"""导入填报员 of a long list in the background: previewed in the request as before, confirmed by a
job whose progress page counts the accounts made; the initial passwords are sealed for the
browser that confirmed and shown there once; never in the job's row, the audit trail or a file
in clear; nothing half-made when the run dies, refused lists named row by row.

The job's work runs here, in the test's process (``job_run``), as the worker runs it.
"""

import json

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from accounts.services.initial_passwords import NO_KEY, SHOWN
from audit.models import AuditEntry
from jobs.models import Job
from projects.models import ConfirmedUpload, User
from tests.accounts.background_people import (
    COOKIE,
    PEOPLE,
    confirm,
    confirm_in_two_tabs,
    killed_mid_way,
    left_for_the_next_run,
    names,
    open_passwords,
    preview,
    run,
    shown_passwords,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_background_above_three(settings):
    settings.PEOPLE_BACKGROUND_ROWS = 3


@pytest.fixture
def admin(client, cast):
    cast.housing  # noqa: B018
    client.force_login(cast.admin)
    return cast.admin


def test_a_long_list_is_made_by_a_job_and_its_passwords_shown_once_to_this_browser(client, admin):
    response = client.post(reverse("reporters_upload"), preview(client, names()))

    job = Job.objects.get(pk=response.url.split("/")[2])
    assert job.title == "导入填报员：名单.xlsx" and job.state == "queued"
    assert not User.objects.filter(username__startswith="user").exists()  # not yet
    key = response.cookies[COOKIE]
    assert key["path"] == f"/people/import/{job.pk}/passwords/"  # sent to that page alone
    assert (key["httponly"], key["samesite"], key["max-age"]) == (True, "Strict", 86400)
    assert key.value not in json.dumps(job.arguments)  # the server keeps no opening key

    job = run(job)

    assert (job.state, job.rows_total, job.rows_written, job.percent) == (
        "done",
        PEOPLE,
        PEOPLE,
        100,
    )
    assert job.result["lines"][0] == f"已建立{PEOPLE}个账号。"
    page = client.get(reverse("job_progress", args=[job.pk])).content.decode()
    assert (
        "查看初始密码（只显示一次）" in page
        and f'action="/people/import/{job.pk}/passwords/"' in page
    )

    shown = shown_passwords(open_passwords(client, job))

    assert sorted(shown) == [f"user{n}" for n in range(1, PEOPLE + 1)]
    for username, password in shown.items():
        account = User.objects.get(username=username)
        assert account.check_password(password) and account.role == User.Role.NONE
        assert account.requested_unit.name == "县住建局" and account.must_change_password
    again = open_passwords(client, job)
    assert SHOWN in again and "initial-password" not in again
    assert "初始密码已显示过一次，系统不再保存。" in client.get(f"/jobs/{job.pk}/").content.decode()


def test_no_password_is_kept_in_clear_anywhere_the_server_writes(client, admin):
    job = run(confirm(client, preview(client, names())))
    sealed = default_storage.open(job.result_file, "rb").read()

    passwords = shown_passwords(open_passwords(client, job)).values()

    job.refresh_from_db()
    kept = [
        json.dumps(job.arguments, ensure_ascii=False),
        json.dumps(job.result, ensure_ascii=False),
        job.error,
        *(f"{entry.detail} {json.dumps(entry.changes, ensure_ascii=False)}"
          for entry in AuditEntry.objects.all()),
    ]  # fmt: skip
    assert len(passwords) == PEOPLE
    assert not [password for password in passwords if any(password in text for text in kept)]
    assert not [password for password in passwords if password.encode() in sealed]
    assert job.result_file == "" and default_storage.listdir(f"jobs/{job.pk}")[1] == []
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"导入填报员", "查看导入填报员的初始密码"} <= actions


def test_another_browser_of_the_same_administrator_cannot_open_them(client, admin):
    job = run(confirm(client, preview(client, names())))
    elsewhere = Client()
    elsewhere.force_login(admin)

    assert NO_KEY in open_passwords(elsewhere, job)
    assert len(shown_passwords(open_passwords(client, job))) == PEOPLE  # the file was kept for it


def test_a_forged_key_opens_nothing(client, admin):
    job = run(confirm(client, preview(client, names())))
    client.cookies[COOKIE] = "A" * 43 + "="

    assert NO_KEY in open_passwords(client, job)


def test_another_administrators_job_is_not_found(client, admin):
    job = run(confirm(client, preview(client, names())))
    other = User.objects.create_user("admin2", role=User.Role.ADMIN)
    elsewhere = Client()
    elsewhere.force_login(other)
    elsewhere.cookies[COOKIE] = client.cookies[COOKIE].value  # even with the key

    assert elsewhere.post(reverse("reporters_passwords", args=[job.pk])).status_code == 404


def test_a_run_that_dies_mid_way_makes_no_account_and_the_next_run_makes_them(client, admin):
    job = confirm(client, preview(client, names()))

    killed_mid_way(job)
    assert not User.objects.filter(username__startswith="user").exists()
    assert not ConfirmedUpload.objects.exists()
    left_for_the_next_run(job)

    job = run(job)

    assert job.state == "done" and User.objects.filter(username__startswith="user").count() == 5
    [left] = default_storage.listdir(f"jobs/{job.pk}")[1]
    assert left.startswith("initial-passwords-2-") and left.endswith(".sealed")
    assert len(shown_passwords(open_passwords(client, job))) == PEOPLE


def test_a_run_that_died_after_making_the_accounts_ends_done_keeping_their_passwords(client, admin):
    job = run(confirm(client, preview(client, names())))
    kept = job.result_file
    Job.objects.filter(pk=job.pk).update(state=Job.State.QUEUED, result_file="")  # not told

    job = run(job)

    assert job.state == "done" and job.result_file == kept
    assert "上一次运行中建立" in job.result["lines"][0]
    assert User.objects.filter(username__startswith="user").count() == PEOPLE
    assert len(shown_passwords(open_passwords(client, job))) == PEOPLE


def test_a_list_that_no_longer_fits_is_refused_naming_its_rows_and_makes_nothing(client, admin):
    form = preview(client, names())
    User.objects.create_user("user2", role=User.Role.NONE)  # made meanwhile by hand

    job = run(confirm(client, form))

    assert (job.state, job.error) == ("failed", "“名单.xlsx”有1处问题，未建立任何账号")
    assert job.result["lines"] == ["填报员!3: 用户名“user2”已被使用"]
    assert User.objects.filter(username__startswith="user").count() == 1
    assert job.result_file == "" and not ConfirmedUpload.objects.exists()
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "用户名“user2”已被使用" in page and "查看初始密码" not in page


def test_a_preview_confirmed_twice_is_made_by_one_job_the_other_told(client, admin):
    (first, _), (second, _) = confirm_in_two_tabs(client, preview(client, names()))

    first, second = run(first), run(second)

    assert (first.state, second.state) == ("done", "failed")
    assert second.error == "该文件已经导入（在另一个标签页或窗口中确认过），本次没有重复导入。"
    assert User.objects.filter(username__startswith="user").count() == PEOPLE


def test_a_short_list_is_still_made_within_the_request(client, admin):
    done = client.post(reverse("reporters_upload"), preview(client, names(3)))

    assert done.status_code == 200 and len(shown_passwords(done.content.decode())) == 3
    assert not Job.objects.exists()


def test_the_upload_page_lists_the_administrators_background_imports(client, admin):
    job = run(confirm(client, preview(client, names())))

    page = client.get(reverse("reporters_upload")).content.decode()

    assert f'href="/jobs/{job.pk}/"' in page and "导入填报员：名单.xlsx" in page
    assert "超过3人的名单在确认后由后台建立账号" in page


def test_a_run_that_died_before_its_commit_while_another_tab_made_the_accounts_is_told_not_done(
    client, admin
):
    # Two tabs confirmed one preview; the first job's run was killed after sealing its
    # passwords, before its transaction committed (no account: its sealed file is left). The
    # second job made the accounts with passwords of its own. Run again, the first must not
    # end done offering its sealed file: those passwords were never any account's.
    (first, _), (second, _) = confirm_in_two_tabs(client, preview(client, names()))
    killed_mid_way(first)
    left_for_the_next_run(first)
    second = run(second)
    assert second.state == "done"

    first = run(first)

    assert first.state == "failed" and first.result_file == ""
    assert first.error == "该文件已经导入（在另一个标签页或窗口中确认过），本次没有重复导入。"
    assert default_storage.listdir(f"jobs/{first.pk}")[1] == []
    assert len(shown_passwords(open_passwords(client, second))) == PEOPLE


def test_the_passwords_address_reloaded_says_in_chinese_to_use_the_button(client, admin):
    job = run(confirm(client, preview(client, names())))

    response = client.get(reverse("reporters_passwords", args=[job.pk]))

    page = response.content.decode()
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "这个地址不能直接打开" in page and "没有任何数据因此改变" in page
    assert "initial-password" not in page
    shown = shown_passwords(open_passwords(client, job))  # the button still opens them, once
    assert len(shown) == PEOPLE


def test_the_same_list_uploaded_again_is_said_to_be_imported_already_and_changes_nothing(
    client, admin
):
    client.post(reverse("reporters_upload"), preview(client, names(3)))  # made within the request

    again = upload(client, names(3))

    assert "“名单.xlsx”已经导入过，未作任何改动" in again and "名单中的3人都已有账号" in again
    assert "处问题" not in again and 'value="confirm"' not in again
    assert User.objects.filter(username__startswith="user").count() == 3


def test_a_list_with_a_new_person_still_names_each_taken_user_name(client, admin):
    client.post(reverse("reporters_upload"), preview(client, names(2)))

    page = upload(client, names(3))

    assert "有2处问题，未建立任何账号" in page and "用户名“user1”已被使用" in page
    assert "已经导入过" not in page
    assert not User.objects.filter(username="user3").exists()


def test_the_passwords_page_offers_to_print_them_while_they_are_shown(client, admin):
    job = run(confirm(client, preview(client, names())))

    page = open_passwords(client, job)

    assert "打印本页（可另存为PDF）" in page and "data-print" in page
    assert 'src="/static/js/print.js"' in page
