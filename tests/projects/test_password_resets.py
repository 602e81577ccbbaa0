"""A business account's password reset takes two people: the system administrator asks, the
security administrator confirms (三员). `accounts/services/password_resets.py`."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.services.password_resets import (
    password_reset_confirm,
    password_reset_reject,
    password_reset_request,
    password_reset_withdraw,
)
from projects.models import PasswordResetRequest, User
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db

Status = PasswordResetRequest.Status


def unchanged(account: User) -> bool:
    account.refresh_from_db()
    return account.check_password(PASSWORD) and not account.must_change_password


def test_a_request_changes_nothing_until_it_is_confirmed(cast):
    reset = password_reset_request(user=cast.admin, target=cast.leader)

    assert (reset.status, reset.requested_by, reset.decided_by) == (
        Status.PENDING, cast.admin, None,
    )  # fmt: skip
    assert unchanged(cast.leader)


def test_the_security_administrator_confirms_with_a_one_time_password_changed_at_sign_in(cast):
    reset = password_reset_request(user=cast.admin, target=cast.leader)

    reset, password = password_reset_confirm(user=cast.security, reset=reset)

    leader = User.objects.get(pk=cast.leader.pk)
    assert leader.check_password(password) and not leader.check_password(PASSWORD)
    assert leader.must_change_password
    assert leader.history.first().history_user == cast.security
    assert (reset.status, reset.decided_by) == (Status.CONFIRMED, cast.security)
    assert reset.decided_at is not None


def test_a_rejected_request_keeps_the_password(cast):
    reset = password_reset_request(user=cast.admin, target=cast.leader)

    password_reset_reject(user=cast.security, reset=reset)

    reset.refresh_from_db()
    assert (reset.status, reset.decided_by) == (Status.REJECTED, cast.security)
    assert unchanged(cast.leader)


def test_a_withdrawn_request_keeps_the_password_and_can_no_longer_be_confirmed(cast):
    reset = password_reset_request(user=cast.admin, target=cast.leader)
    password_reset_withdraw(user=cast.admin, reset=reset)

    with pytest.raises(ValidationError, match="已由吴网管于.*已撤回"):
        password_reset_confirm(user=cast.security, reset=reset)
    assert unchanged(cast.leader)


def test_a_decided_request_is_not_decided_again(cast):
    reset = password_reset_request(user=cast.admin, target=cast.leader)
    _, password = password_reset_confirm(user=cast.security, reset=reset)

    for decide in (password_reset_confirm, password_reset_reject):
        with pytest.raises(ValidationError, match="（已确认重置），未再做修改"):
            decide(user=cast.security, reset=reset)
    with pytest.raises(ValidationError, match="已确认重置"):
        password_reset_withdraw(user=cast.admin, reset=reset)
    assert User.objects.get(pk=cast.leader.pk).check_password(password)


def test_it_refuses_a_second_request_while_one_is_pending(cast):
    password_reset_request(user=cast.admin, target=cast.leader)

    with pytest.raises(ValidationError, match="已有一项待安全管理员确认的密码重置申请（吴网管于"):
        password_reset_request(user=cast.admin, target=cast.leader)
    assert PasswordResetRequest.objects.count() == 1


def test_a_new_request_may_follow_a_decided_one(cast):
    first = password_reset_request(user=cast.admin, target=cast.leader)
    password_reset_reject(user=cast.security, reset=first)

    second = password_reset_request(user=cast.admin, target=cast.leader)

    assert second.status == Status.PENDING and second.pk != first.pk


def test_the_database_holds_one_pending_request_per_account(cast):
    PasswordResetRequest.objects.create(account=cast.leader, requested_by=cast.admin)
    with pytest.raises(IntegrityError), transaction.atomic():
        PasswordResetRequest.objects.create(account=cast.leader, requested_by=cast.admin)


@pytest.mark.parametrize("who", ["security", "auditor"])
def test_nobody_asks_for_a_reset_of_another_administrator(cast, who):
    with pytest.raises(PermissionDenied, match="三员分立"):
        password_reset_request(user=cast.admin, target=getattr(cast, who))
    assert not PasswordResetRequest.objects.exists()


def test_it_refuses_a_request_for_ones_own_account_or_one_with_no_role(cast):
    with pytest.raises(ValidationError, match="修改密码"):
        password_reset_request(user=cast.admin, target=cast.admin)
    with pytest.raises(ValidationError, match="尚未授权，其密码可直接重置"):
        password_reset_request(user=cast.admin, target=cast.newcomer)


@pytest.mark.parametrize("who", ["security", "auditor", "officer", "leader", "newcomer"])
def test_only_the_system_administrator_asks_or_withdraws(cast, who):
    with pytest.raises(PermissionDenied):
        password_reset_request(user=getattr(cast, who), target=cast.reporter)
    reset = password_reset_request(user=cast.admin, target=cast.reporter)
    with pytest.raises(PermissionDenied):
        password_reset_withdraw(user=getattr(cast, who), reset=reset)


@pytest.mark.parametrize("who", ["admin", "auditor", "officer", "leader", "newcomer"])
def test_only_the_security_administrator_confirms_or_rejects(cast, who):
    reset = password_reset_request(user=cast.admin, target=cast.reporter)

    for decide in (password_reset_confirm, password_reset_reject):
        with pytest.raises(PermissionDenied):
            decide(user=getattr(cast, who), reset=reset)
    assert unchanged(cast.reporter)
    assert PasswordResetRequest.objects.get().status == Status.PENDING


def test_it_refuses_to_confirm_for_an_account_made_an_administrator_meanwhile(cast):
    reset = password_reset_request(user=cast.admin, target=cast.leader)
    User.objects.filter(pk=cast.leader.pk).update(role=User.Role.AUDITOR)

    with pytest.raises(ValidationError, match="管理员的密码只能由本人修改"):
        password_reset_confirm(user=cast.security, reset=reset)
    assert unchanged(cast.leader)
    password_reset_reject(user=cast.security, reset=reset)  # it can still be answered


def test_nobody_confirms_a_request_they_made(cast):
    reset = password_reset_request(user=cast.admin, target=cast.leader)
    User.objects.filter(pk=cast.admin.pk).update(role=User.Role.SECURITY)  # e.g. a new post

    with pytest.raises(ValidationError, match="不能确认自己提出的密码重置申请"):
        password_reset_confirm(user=User.objects.get(pk=cast.admin.pk), reset=reset)
    assert unchanged(cast.leader)


def test_a_pending_request_leaves_the_only_unassigned_box_as_the_security_admin_set_it(
    cast, client
):
    password_reset_request(user=cast.admin, target=cast.leader)
    client.force_login(cast.security)

    page = client.get("/security/users/").content.decode()

    assert 'name="pending" value="1" >' in page or 'name="pending" value="1">' in page
    assert cast.leader.username in page  # the whole list, and the request above it


def test_the_forced_change_page_says_a_one_time_password_is_replaced(cast, client):
    reset = password_reset_request(user=cast.admin, target=cast.leader)
    password_reset_confirm(user=cast.security, reset=reset)
    client.force_login(User.objects.get(pk=cast.leader.pk))

    page = client.get("/password/").content.decode()

    assert "重置后的一次性密码" in page and "管理员设置的初始密码" not in page


def test_a_nul_in_the_account_search_is_ignored_not_a_server_error(cast, client):
    client.force_login(cast.security)

    page = client.get("/security/users/", {"q": "le\x00ader"})

    assert page.status_code == 200
