"""账号管理: the system administrator's account services, within the 三员 rules."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.services.people import (
    account_create,
    account_reset_password,
    account_set_active,
    generate_password,
)
from accounts.services.roles import user_grant_requested
from core.capabilities import capabilities_of
from core.passwords import password_expired
from projects.models import User

pytestmark = pytest.mark.django_db


def test_a_new_account_has_no_role_and_must_change_its_password(cast):
    account, initial = account_create(
        user=cast.admin, username="zhangsan", name="张三", phone="13900000009"
    )

    assert (account.role, account.unit, account.first_name) == (User.Role.NONE, None, "张三")
    assert capabilities_of(account) == {}
    assert account.must_change_password and password_expired(account)
    assert account.check_password(initial)
    assert account.history.get().history_user == cast.admin


def test_the_initial_password_may_be_typed_and_must_meet_the_policy(cast):
    account, initial = account_create(
        user=cast.admin, username="lisi", name="李四", password="Chu#shi2026"
    )
    assert initial == "Chu#shi2026" and account.check_password("Chu#shi2026")

    with pytest.raises(ValidationError, match="初始密码不符合密码规则"):
        account_create(user=cast.admin, username="wangwu", name="王五", password="123")
    assert not User.objects.filter(username="wangwu").exists()


def test_a_generated_password_meets_the_policy():
    from django.contrib.auth.password_validation import validate_password

    for _ in range(20):
        validate_password(generate_password())


def test_a_generated_password_starts_with_a_letter_so_a_spreadsheet_keeps_it_as_text():
    assert all(generate_password()[0].isalpha() for _ in range(200))


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"username": "reporter"}, "用户名“reporter”已被使用"),
        ({"username": "REPORTER"}, "已被使用"),
        ({"username": " "}, "请填写用户名"),
        ({"username": "有 空格"}, "用户名只能包含"),
        ({"name": ""}, "请填写姓名"),
        ({"phone": "abc"}, "手机号“abc”格式不正确"),
    ],
)
def test_it_refuses_a_bad_account(cast, fields, reason):
    cast.reporter  # noqa: B018  # the username taken
    given = {"username": "zhaoliu", "name": "赵六", "phone": ""} | fields
    with pytest.raises(ValidationError, match=reason):
        account_create(user=cast.admin, **given)


@pytest.mark.parametrize("who", ["security", "auditor", "officer", "reporter", "newcomer"])
def test_only_the_system_administrator_creates_accounts(cast, who):
    with pytest.raises(PermissionDenied):
        account_create(user=getattr(cast, who), username="x1", name="某")


def test_it_disables_and_enables_an_account_never_deleting_it(cast, client):
    account_set_active(user=cast.admin, target=cast.reporter, active=False)
    signing_in = client.post("/login/", {"username": "reporter", "password": "Cast#2026kp"})
    assert signing_in.status_code == 200  # the sign-in form again: a disabled account

    account_set_active(user=cast.admin, target=cast.reporter, active=True)
    cast.reporter.refresh_from_db()
    assert cast.reporter.is_active
    assert [h.history_user for h in cast.reporter.history.all()[:2]] == [cast.admin] * 2


def test_it_refuses_to_disable_ones_own_account(cast):
    with pytest.raises(ValidationError, match="不能停用或启用自己的账号"):
        account_set_active(user=cast.admin, target=cast.admin, active=False)


def test_the_security_administrator_cannot_disable_through_account_keeping(cast):
    with pytest.raises(PermissionDenied):
        account_set_active(user=cast.security, target=cast.reporter, active=False)


def test_the_reset_of_an_account_with_no_role_is_at_once_a_new_initial_password(cast):
    account, initial = account_reset_password(user=cast.admin, target=cast.newcomer)

    assert account.must_change_password
    assert account.check_password(initial) and not account.check_password("Cast#2026kp")
    assert account.history.first().history_user == cast.admin


@pytest.mark.parametrize("who", ["reporter", "officer", "leader"])
def test_it_refuses_an_immediate_reset_of_an_account_with_a_business_role(cast, who):
    target = getattr(cast, who)
    with pytest.raises(ValidationError, match="重置其密码须经安全管理员确认"):
        account_reset_password(user=cast.admin, target=target)
    target.refresh_from_db()
    assert not target.must_change_password and target.check_password("Cast#2026kp")


@pytest.mark.parametrize("who", ["security", "auditor"])
def test_it_refuses_to_reset_another_administrators_password(cast, who):
    target = getattr(cast, who)
    with pytest.raises(PermissionDenied, match="三员分立.*管理员的密码只能由本人修改"):
        account_reset_password(user=cast.admin, target=target)
    target.refresh_from_db()
    assert not target.must_change_password and target.check_password("Cast#2026kp")


@pytest.mark.parametrize("who", ["security", "auditor"])
@pytest.mark.parametrize("active", [False, True])
def test_it_refuses_to_disable_or_enable_another_administrator(cast, who, active):
    target = getattr(cast, who)
    User.objects.filter(pk=target.pk).update(is_active=not active)

    with pytest.raises(PermissionDenied, match="互不停用、启用"):
        account_set_active(user=cast.admin, target=target, active=active)

    target.refresh_from_db()
    assert target.is_active is (not active)


def test_it_refuses_to_reset_ones_own_password_here(cast):
    with pytest.raises(ValidationError, match="修改密码"):
        account_reset_password(user=cast.admin, target=cast.admin)


def test_the_security_administrator_grants_the_requested_unit_in_one_step(cast):
    account, _ = account_create(
        user=cast.admin, username="xinren", name="新人", requested_unit=cast.housing
    )
    assert account.role == User.Role.NONE and account.unit is None  # 三员: not granted yet

    with pytest.raises(PermissionDenied):
        user_grant_requested(actor=cast.admin, target=account)
    user_grant_requested(actor=cast.security, target=account)

    account.refresh_from_db()
    assert (account.role, account.unit, account.requested_unit) == (
        User.Role.REPORTER, cast.housing, None,
    )  # fmt: skip


def test_it_refuses_to_grant_a_request_nobody_made(cast):
    with pytest.raises(ValidationError, match="没有待授权的申请单位"):
        user_grant_requested(actor=cast.security, target=cast.newcomer)
