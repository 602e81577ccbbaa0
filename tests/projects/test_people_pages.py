"""账号管理 and 责任单位 as pages: what each offers, what a POST does, what the audit keeps."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from accounts.services.people import account_create
from accounts.services.people_import import HEADERS
from audit.models import AuditEntry
from projects.models import PasswordResetRequest, Project, Unit, User
from supervision.models import Finding
from supervision.services import finding_create
from tests import bombs
from tests.builders import ledger
from tests.workbooks import code, read_back, xlsx

pytestmark = pytest.mark.django_db


def initial_password(page: str) -> str:
    found = re.search(r'<code class="initial-password">([^<]+)</code>', page)
    assert found is not None, "no initial password shown"
    return found.group(1)


def test_the_system_administrator_starts_on_account_keeping(client, cast):
    client.force_login(cast.admin)
    assert client.get("/").url == reverse("people_list")


def test_the_list_searches_by_name_username_or_phone_and_filters_by_role(client, cast):
    cast.reporter, cast.other_reporter, cast.officer  # noqa: B018
    client.force_login(cast.admin)

    def shown(query: str) -> set[str]:
        page = client.get(reverse("people_list") + query).content.decode()
        return {name for name in ("李娟", "王强", "王科长") if name in page}

    assert shown("?q=李娟") == {"李娟"}
    assert shown("?q=13900000002") == {"王强"}
    assert shown("?q=office") == {"王科长"}
    assert shown("?role=reporter") == {"李娟", "王强"}
    assert shown(f"?unit={cast.township.pk}") == {"王强"}
    assert shown("?is_active=0") == set()
    assert shown("?role=nonsense") == {"李娟", "王强", "王科长"}  # a bad value is named, not a 500


def test_a_new_account_is_made_and_its_generated_password_shown_once(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        reverse("account_new"),
        {"username": "zhangsan", "name": "张三", "phone": "", "password_mode": "generate"},
    )

    page = response.content.decode()
    account = User.objects.get(username="zhangsan")
    assert account.check_password(initial_password(page))
    assert "只显示这一次" in page and "安全管理员" in page
    assert account.role == User.Role.NONE and account.must_change_password
    entry = AuditEntry.objects.get(action="新建账号")
    assert entry.detail == "新建账号zhangsan（张三）" and initial_password(page) not in entry.detail


def test_a_refused_account_comes_back_with_the_reason(client, cast):
    cast.reporter  # noqa: B018
    client.force_login(cast.admin)
    response = client.post(
        reverse("account_new"),
        {"username": "reporter", "name": "重名", "password_mode": "typed", "password": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "选择“我来设置”时请填写初始密码" in page
    response = client.post(
        reverse("account_new"),
        {"username": "reporter", "name": "重名", "password_mode": "generate"},
    )
    assert "用户名“reporter”已被使用" in response.content.decode()


def test_each_row_offers_the_reset_its_account_allows(client, cast):
    cast.reporter, cast.newcomer, cast.security, cast.auditor  # noqa: B018
    client.force_login(cast.admin)
    page = client.get(reverse("people_list")).content.decode()

    def offered(action: str, who) -> bool:
        return f'data-action="{action}" data-user="{who.pk}"' in page

    assert offered("account.request_reset", cast.reporter)  # a business role: two people
    assert not offered("account.reset_password", cast.reporter)
    assert offered("account.reset_password", cast.newcomer)  # no role: at once
    assert not offered("account.request_reset", cast.newcomer)
    for administrator in (cast.security, cast.auditor, cast.admin):
        for action in ("account.reset_password", "account.request_reset", "account.disable"):
            assert not offered(action, administrator), (action, administrator)
    assert page.count("三员账号") == 2  # the security administrator's and the auditor's rows


def test_a_reset_of_another_administrator_is_refused_with_the_reason(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("account_reset", args=[cast.security.pk]))

    assert response.status_code == 403
    assert "管理员的密码只能由本人修改" in response.content.decode()
    cast.security.refresh_from_db()
    assert not cast.security.must_change_password
    assert AuditEntry.objects.get(action="重置密码").outcome == AuditEntry.Outcome.REFUSED


def test_a_reset_of_an_account_with_no_role_shows_the_new_initial_password_once(client, cast):
    client.force_login(cast.admin)
    page = client.post(reverse("account_reset", args=[cast.newcomer.pk])).content.decode()
    cast.newcomer.refresh_from_db()
    assert cast.newcomer.check_password(initial_password(page))
    assert cast.newcomer.must_change_password


def test_an_immediate_reset_of_a_business_account_is_refused_and_names_the_request(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("account_reset", args=[cast.reporter.pk]), follow=True)

    assert "须经安全管理员确认，请点“申请重置密码”" in response.content.decode()
    assert 'class="initial-password"' not in response.content.decode()
    cast.reporter.refresh_from_db()
    assert cast.reporter.check_password("Cast#2026kp") and not cast.reporter.must_change_password


def test_disabling_and_enabling_come_back_to_the_list(client, cast):
    client.force_login(cast.admin)
    url = reverse("account_active", args=[cast.reporter.pk])
    assert client.post(url, {"active": "0"}).url == reverse("people_list")
    cast.reporter.refresh_from_db()
    assert not cast.reporter.is_active
    client.post(url, {"active": "1"})
    cast.reporter.refresh_from_db()
    assert cast.reporter.is_active


def reporters_file(*rows) -> SimpleUploadedFile:
    return SimpleUploadedFile("填报员.xlsx", xlsx({"填报员": [HEADERS, *rows]}))


def confirmation(page: str) -> dict[str, str]:
    """The hidden fields of the preview's confirmation form (the preview's token, checksum)."""
    fields = dict(re.findall(r'name="(preview|checksum)" value="([^"]*)"', page))
    assert set(fields) == {"preview", "checksum"}, "no confirmation form"
    return fields | {"action": "confirm"}


def test_reporters_are_previewed_then_created_on_confirmation(client, cast):
    cast.housing  # noqa: B018
    client.force_login(cast.admin)
    preview = client.post(
        reverse("reporters_upload"), {"file": reporters_file(["zs", "张三", "", "县住建局"])}
    ).content.decode()
    assert "将建立1个账号" in preview and not User.objects.filter(username="zs").exists()
    assert "payload" not in preview  # the file waits on the server, not in the form

    done = client.post(reverse("reporters_upload"), confirmation(preview))

    account = User.objects.get(username="zs")
    assert account.requested_unit == cast.housing and account.role == User.Role.NONE
    assert account.check_password(initial_password(done.content.decode()))


def test_a_file_of_1_95_mb_previews_and_its_confirmation_creates_the_accounts(
    client, cast, settings
):
    """Before, the preview sent the file back in the form as base64: 2.6 MB, past Django's
    2.5 MB request limit, so the confirmation answered 400. (Confirmed within the request here;
    past PEOPLE_BACKGROUND_ROWS a job makes them: tests/accounts/.)"""
    settings.PEOPLE_BACKGROUND_ROWS = 500
    cast.housing  # noqa: B018
    client.force_login(cast.admin)
    rows = [[f"user{n}", f"姓名{n}", "", "县住建局"] for n in range(1, 301)]
    data = bombs.ballast(bombs.people(rows), 2_030_000)
    assert 1.9 * 1024 * 1024 < len(data) < 2 * 1024 * 1024
    preview = client.post(
        reverse("reporters_upload"), {"file": SimpleUploadedFile("名单.xlsx", data)}
    ).content.decode()
    assert "将建立300个账号" in preview

    done = client.post(reverse("reporters_upload"), confirmation(preview))

    assert done.status_code == 200
    assert User.objects.filter(username__startswith="user").count() == 300


def test_a_preview_confirmed_twice_creates_its_accounts_once(client, cast):
    """Two tabs on one preview (or a double click): the second is told it was imported."""
    cast.housing  # noqa: B018
    client.force_login(cast.admin)
    preview = client.post(
        reverse("reporters_upload"), {"file": reporters_file(["zs", "张三", "", "县住建局"])}
    ).content.decode()
    session = client.session
    kept = dict(session["reporter_previews"])
    client.post(reverse("reporters_upload"), confirmation(preview))
    session = client.session
    session["reporter_previews"] = kept  # the second tab's request read the session before
    session.save()

    again = client.post(reverse("reporters_upload"), confirmation(preview), follow=True)

    page = again.content.decode()
    assert "没有待确认的导入" in page or "该文件已经导入" in page
    assert User.objects.filter(username="zs").count() == 1


def test_a_confirmation_of_no_preview_is_refused(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        reverse("reporters_upload"),
        {"action": "confirm", "preview": "0" * 32, "checksum": "0"},
        follow=True,
    )
    assert "没有待确认的导入" in response.content.decode()


def test_a_confirmation_whose_checksum_differs_is_refused(client, cast):
    cast.housing  # noqa: B018
    client.force_login(cast.admin)
    preview = client.post(
        reverse("reporters_upload"), {"file": reporters_file(["zs", "张三", "", "县住建局"])}
    ).content.decode()

    response = client.post(
        reverse("reporters_upload"), confirmation(preview) | {"checksum": "0"}, follow=True
    )

    assert "要确认的文件与预览的“填报员.xlsx”不一致" in response.content.decode()
    assert not User.objects.filter(username="zs").exists()


@pytest.mark.parametrize(
    "damage", [bombs.bad_sheet_xml, bombs.bad_string_index, bombs.malformed_number]
)
def test_a_damaged_reporters_file_is_refused_with_a_message(client, cast, damage):
    client.force_login(cast.admin)
    data = damage(bombs.people([["zs", "张三", 13900000001, "县住建局"]]))

    response = client.post(
        reverse("reporters_upload"), {"file": SimpleUploadedFile("名单.xlsx", data)}, follow=True
    )

    assert response.status_code == 200
    assert "无法读取该工作簿，文件可能已损坏" in response.content.decode()


def test_a_bad_reporters_file_names_its_rows_and_offers_no_confirmation(client, cast):
    cast.housing  # noqa: B018
    client.force_login(cast.admin)
    page = client.post(
        reverse("reporters_upload"), {"file": reporters_file(["zs", "张三", "", "住建局"])}
    ).content.decode()
    assert "填报员!2: 所属单位: 没有名为“住建局”的责任单位（最接近的：县住建局）" in page
    assert 'value="confirm"' not in page


def test_the_template_has_the_headers(client, cast):
    client.force_login(cast.admin)
    response = client.get(reverse("reporters_template"))
    assert read_back(response.content)["填报员"][0] == tuple(HEADERS)


def test_the_template_as_downloaded_imports_its_example_into_a_real_unit(client, cast):
    cast.housing  # noqa: B018  (a unit exists)
    client.force_login(cast.admin)
    template = client.get(reverse("reporters_template")).content
    sheets = read_back(template)

    assert sheets["责任单位名称"][1:] == [
        (name,) for name in Unit.objects.values_list("name", flat=True)
    ]
    page = client.post(
        reverse("reporters_upload"), {"file": SimpleUploadedFile("模板.xlsx", template)}
    ).content.decode()
    assert 'value="confirm"' in page  # the example row is a good row: nothing to correct


def test_the_security_administrator_grants_an_imported_reporters_unit_in_one_click(client, cast):
    account, _ = account_create(
        user=cast.admin, username="zs", name="张三", requested_unit=cast.housing
    )
    client.force_login(cast.security)
    page = client.get(reverse("security_users")).content.decode()
    assert "导入时申请：填报员 · 县住建局" in page

    client.post(reverse("security_user_change", args=[account.pk]), {"action": "grant_requested"})

    account.refresh_from_db()
    assert (account.role, account.unit) == (User.Role.REPORTER, cast.housing)


def test_the_security_administrator_finds_an_account_by_name_or_phone_or_the_ones_awaiting_a_role(
    client, cast
):
    account_create(user=cast.admin, username="zs", name="张三", phone="13900001111")
    client.force_login(cast.security)

    by_name = client.get(reverse("security_users"), {"q": "张三"}).context["users"]
    by_phone = client.get(reverse("security_users"), {"q": "0000111"}).context["users"]
    pending = client.get(reverse("security_users"), {"pending": "1"}).context["users"]

    assert [u.username for u in by_name] == [u.username for u in by_phone] == ["zs"]
    assert {u.role for u in pending} == {User.Role.NONE}
    assert "zs" in {u.username for u in pending}


def test_users_and_units_are_no_longer_in_the_django_admin():
    for name in ("admin:projects_user_changelist", "admin:projects_unit_changelist"):
        with pytest.raises(NoReverseMatch):
            reverse(name)


@pytest.fixture
def typo(cast):
    cast.housing  # noqa: B018
    ledger({"项目台账": [
        {"项目代码": code(1), "项目名称": "老旧小区改造", "责任单位": "县住健局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50, "实际开(复)工日期": "2024-01-05"},
    ]})  # fmt: skip
    unit = Unit.objects.get(name="县住健局")
    finding_create(
        user=cast.supervisor, unit=unit, description="围挡破损",
        found_on=date(2024, 3, 1), today=date(2024, 3, 1), deadline=date(2024, 3, 31),
    )  # fmt: skip
    return unit


def test_the_unit_list_shows_what_each_unit_holds(client, cast, typo):
    client.force_login(cast.officer)
    page = client.get(reverse("unit_list")).content.decode()
    assert "项目1、督查问题1" in page


def test_a_duplicate_unit_name_is_refused_in_chinese(client, cast, typo):
    client.force_login(cast.officer)
    response = client.post(
        reverse("unit_edit", args=[typo.pk]),
        {"name": "县住建局", "kind": "department", "sort_order": 0},
    )
    assert "已有名为“县住建局”的责任单位" in response.content.decode()


def test_the_merge_page_names_what_moves_then_merges_and_audits(client, cast, typo):
    client.force_login(cast.officer)
    url = reverse("unit_merge", args=[typo.pk])
    page = client.get(url).content.decode()
    assert "县住建局（名称相近）" in page

    page = client.get(f"{url}?target={cast.housing.pk}").content.decode()
    assert '<td>项目</td><td class="num">1</td>' in page
    assert '<td>督查问题</td><td class="num">1</td>' in page

    response = client.post(url, {"target": cast.housing.pk})

    assert response.url == reverse("unit_list")
    assert Project.objects.get(code=code(1)).unit == cast.housing
    entry = AuditEntry.objects.get(action="合并责任单位")
    assert "“县住健局”并入“县住建局”" in entry.detail and "项目1条" in entry.detail


def test_a_colliding_merge_offers_no_confirmation_and_a_forced_post_writes_nothing(
    client, cast, typo
):
    finding_create(
        user=cast.supervisor, unit=cast.housing, description="围挡破损",
        found_on=date(2024, 3, 1), today=date(2024, 3, 1), deadline=date(2024, 3, 31),
    )  # fmt: skip
    client.force_login(cast.officer)
    url = reverse("unit_merge", args=[typo.pk])
    page = client.get(f"{url}?target={cast.housing.pk}").content.decode()
    assert "不能合并" in page and 'data-action="unit.merge_confirm"' not in page

    response = client.post(url, {"target": cast.housing.pk}, follow=True)

    assert "未做任何修改" in response.content.decode()
    assert Finding.objects.filter(unit=typo).count() == 1
    assert AuditEntry.objects.get(action="合并责任单位").outcome == AuditEntry.Outcome.REFUSED


def test_disabling_an_account_asks_first_and_enabling_does_not(client, cast):
    account, _ = account_create(user=cast.admin, username="zs", name="张三")
    client.force_login(cast.admin)

    assert 'data-confirm="停用zs？' in client.get(reverse("people_list")).content.decode()
    client.post(reverse("account_active", args=[account.pk]), {"active": "0"})
    account.refresh_from_db()
    assert not account.is_active
    assert 'data-confirm="停用zs？' not in client.get(reverse("people_list")).content.decode()


def test_the_office_reaches_units_from_the_settings_tabs_and_the_administrator_from_the_menu(
    client, cast
):
    units = f'href="{reverse("unit_list")}"'
    client.force_login(cast.officer)
    settings_page = client.get(reverse("year_settings")).content.decode()
    menu = settings_page.split('<nav class="nav"')[1].split("</nav>")[0]
    assert units in settings_page and units not in menu

    client.force_login(cast.admin)
    menu = client.get(reverse("people_list")).content.decode().split('<nav class="nav"')[1]
    assert units in menu.split("</nav>")[0]


def test_a_reset_request_shows_on_both_pages_and_each_step_is_audited_with_who(client, cast):
    client.force_login(cast.admin)
    asked = client.post(reverse("account_reset_request", args=[cast.leader.pk]), follow=True)
    page = asked.content.decode()
    reset = PasswordResetRequest.objects.get()

    assert "已申请重置leader（周县长）的密码，待安全管理员确认" in page
    assert "重置密码：待安全管理员确认" in page  # the row's status
    assert f'data-action="account.withdraw_reset" data-user="{cast.leader.pk}"' in page
    assert f'data-action="account.request_reset" data-user="{cast.leader.pk}"' not in page

    client.force_login(cast.security)
    listed = client.get(reverse("security_users")).content.decode()
    assert f'data-action="reset.confirm" data-reset="{reset.pk}"' in listed
    assert "吴网管" in listed.split('id="password-resets"')[1].split("</section>")[0]
    done = client.post(reverse("security_reset_decide", args=[reset.pk]), {"action": "confirm"})
    password = initial_password(done.content.decode())
    assert "吴网管于" in done.content.decode() and "返回安全管理" in done.content.decode()

    asking, confirming = (
        AuditEntry.objects.get(action="申请重置密码"),
        AuditEntry.objects.get(action="安全管理：确认或驳回重置密码"),
    )
    assert (asking.username, asking.role, asking.outcome) == ("admin", "admin", "success")
    assert asking.detail == "申请重置leader（周县长）的密码，待安全管理员确认"
    assert (confirming.username, confirming.role) == ("security", "security")
    assert confirming.detail.startswith("确认重置leader（周县长）的密码：吴网管于")
    assert password not in asking.detail + confirming.detail
    client.force_login(cast.admin)
    assert "待安全管理员确认" not in client.get(reverse("people_list")).content.decode()


def test_the_system_administrator_withdraws_a_pending_request(client, cast):
    reset = PasswordResetRequest.objects.create(account=cast.leader, requested_by=cast.admin)
    client.force_login(cast.admin)

    page = client.post(
        reverse("account_reset_withdraw", args=[reset.pk]), follow=True
    ).content.decode()

    assert "已撤回重置leader（周县长）密码的申请" in page
    reset.refresh_from_db()
    assert (reset.status, reset.decided_by) == (PasswordResetRequest.Status.WITHDRAWN, cast.admin)
    assert AuditEntry.objects.get(action="撤回重置密码申请").username == "admin"
    client.force_login(cast.security)
    listed = client.get(reverse("security_users")).content.decode()
    assert "没有待确认的密码重置申请" in listed and "已撤回" in listed


def test_a_second_request_from_a_stale_page_is_refused_with_who_asked_first(client, cast):
    PasswordResetRequest.objects.create(account=cast.leader, requested_by=cast.admin)
    client.force_login(cast.admin)

    page = client.post(
        reverse("account_reset_request", args=[cast.leader.pk]), follow=True
    ).content.decode()

    assert "已有一项待安全管理员确认的密码重置申请（吴网管于" in page
    assert PasswordResetRequest.objects.count() == 1
    assert AuditEntry.objects.get(action="申请重置密码").outcome == AuditEntry.Outcome.REFUSED


def test_a_rejection_keeps_the_password_and_says_so(client, cast):
    reset = PasswordResetRequest.objects.create(account=cast.leader, requested_by=cast.admin)
    client.force_login(cast.security)

    page = client.post(
        reverse("security_reset_decide", args=[reset.pk]), {"action": "reject"}, follow=True
    ).content.decode()

    assert "已驳回重置leader（周县长）密码的申请，原密码不变" in page
    cast.leader.refresh_from_db()
    assert cast.leader.check_password("Cast#2026kp") and not cast.leader.must_change_password
    assert AuditEntry.objects.get(action="安全管理：确认或驳回重置密码").detail.startswith("驳回")


def test_a_decision_without_a_choice_changes_nothing(client, cast):
    reset = PasswordResetRequest.objects.create(account=cast.leader, requested_by=cast.admin)
    client.force_login(cast.security)

    page = client.post(reverse("security_reset_decide", args=[reset.pk]), follow=True)

    assert "请选择“确认重置”或“驳回”" in page.content.decode()
    reset.refresh_from_db()
    assert reset.status == PasswordResetRequest.Status.PENDING
