"""Resetting the password of an account with a business role takes two people (三员).

The system administrator *asks* (账号管理's 申请重置密码): no password is made or shown, the
account keeps its password, and the request waits on 安全管理 (and on 账号管理, 待安全管理员确认,
where its asker may withdraw it). The security administrator confirms it — a one-time password
is made, shown once to them to hand to the owner, and must be changed at the next sign-in —
or rejects it. Neither can take an account over alone: the system administrator never sees
the new password, the security administrator cannot start a reset.

An account with no role (未授权) opens nothing, so its reset stays immediate on 账号管理
(`accounts.services.people.account_reset_password`); a 三员 administrator's password is reset by nobody
(each changes their own; `core.capabilities.ADMINISTRATORS`).

Each step is a row of ``PasswordResetRequest`` (who asked, who decided what, when), the
account's history names the security administrator as the author of the new password, and the
audit trail records each step with who and whose password (each service is an audited action).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.selectors import pending_resets
from accounts.services.people import OWN_PASSWORD_HERE, generate_password
from audit.services import audited
from core import journal
from core.capabilities import refusal, require
from core.versioning import locked, save_changes, save_recorded
from projects.models import PasswordResetRequest, User

Status = PasswordResetRequest.Status


def _asked(reset: PasswordResetRequest) -> str:
    return f"{reset.requested_by}于{timezone.localtime(reset.requested_at):%m-%d %H:%M}申请"


def request_refusal(
    *, user: User, target: User, pending: PasswordResetRequest | None
) -> str | None:
    """Why ``user`` may not ask for a reset of ``target``'s password, whose pending request is
    ``pending`` (None: they may)."""
    if target.pk == user.pk:
        return OWN_PASSWORD_HERE
    if reason := refusal(user, "accounts.keep", target):
        return reason
    if target.role == User.Role.NONE:
        return f"“{target}”尚未授权，其密码可直接重置，无需安全管理员确认。"
    if pending is not None:
        return (
            f"“{target}”已有一项待安全管理员确认的密码重置申请（{_asked(pending)}），"
            "请等待安全管理员处理，或撤回后再申请。"
        )
    return None


@audited("申请重置密码")
@transaction.atomic
def password_reset_request(*, user: User, target: User) -> PasswordResetRequest:
    """Ask for a reset of ``target``'s password; nothing changes until it is confirmed."""
    require(user, "accounts.keep", target)
    target = locked(target)
    pending = pending_resets([target]).get(target.pk)
    if reason := request_refusal(user=user, target=target, pending=pending):
        raise ValidationError(reason)

    def clash() -> str:  # another tab's request, made in the same instant, won: name it
        pending = pending_resets([target]).get(target.pk)
        return (
            request_refusal(user=user, target=target, pending=pending)
            or f"“{target}”已有一项待安全管理员确认的密码重置申请。"
        )

    reset = PasswordResetRequest(account=target, requested_by=user)
    save_recorded(reset, user=user, clash=clash)
    journal.note(f"申请重置{target.username}（{target}）的密码，待安全管理员确认")
    return reset


def _locked_pending(reset: PasswordResetRequest) -> PasswordResetRequest:
    """``reset`` locked, if it still waits; else why it can no longer be acted on."""
    reset = PasswordResetRequest.objects.select_for_update().get(pk=reset.pk)
    if reset.status != Status.PENDING:
        who = f"{reset.decided_by}于{timezone.localtime(reset.decided_at):%m-%d %H:%M}"
        raise ValidationError(
            f"“{reset.account}”的密码重置申请已由{who}处理（{reset.get_status_display()}），未再做修改。"
        )
    return reset


def _decide(reset: PasswordResetRequest, *, user: User, status: str) -> PasswordResetRequest:
    decided = {"status": status, "decided_by": user, "decided_at": timezone.now()}
    save_changes(reset, decided, user=user)
    return reset


@audited("撤回重置密码申请")
@transaction.atomic
def password_reset_withdraw(*, user: User, reset: PasswordResetRequest) -> PasswordResetRequest:
    """The system administrator takes back a request the security administrator has not
    decided (the account keeps its password)."""
    require(user, "accounts.keep")
    reset = _locked_pending(reset)
    account = reset.account
    journal.note(f"撤回重置{account.username}（{account}）密码的申请")
    return _decide(reset, user=user, status=Status.WITHDRAWN)


def decide_refusal(*, user: User, reset: PasswordResetRequest) -> str | None:
    """Why ``user`` may not confirm ``reset`` (None: they may)."""
    if reset.requested_by_id == user.pk:
        return "不能确认自己提出的密码重置申请：重置须由两人办理。"
    if reset.account_id == user.pk:
        return OWN_PASSWORD_HERE
    return refusal(user, "accounts.confirm_reset", reset.account)


@audited("安全管理：确认或驳回重置密码")
@transaction.atomic
def password_reset_confirm(
    *, user: User, reset: PasswordResetRequest
) -> tuple[PasswordResetRequest, str]:
    """The security administrator confirms: a one-time password, to be changed at the next
    sign-in, returned to be shown once. The account's sessions end (its password changed)."""
    require(user, "accounts.confirm_reset")
    reset = _locked_pending(reset)
    account = User.objects.select_for_update().get(pk=reset.account_id)
    reset.account = account
    if reason := decide_refusal(user=user, reset=reset):
        raise ValidationError(reason)
    password = generate_password()
    account.set_password(password)  # a new hash, and its clock and history: the whole row
    account.must_change_password = True
    save_recorded(account, user=user)
    journal.note(f"确认重置{account.username}（{account}）的密码：{_asked(reset)}")
    return _decide(reset, user=user, status=Status.CONFIRMED), password


@audited("安全管理：确认或驳回重置密码")
@transaction.atomic
def password_reset_reject(*, user: User, reset: PasswordResetRequest) -> PasswordResetRequest:
    """The security administrator rejects: the account keeps its password."""
    require(user, "accounts.confirm_reset")
    reset = _locked_pending(reset)
    account = reset.account
    journal.note(f"驳回重置{account.username}（{account}）的密码：{_asked(reset)}")
    return _decide(reset, user=user, status=Status.REJECTED)
