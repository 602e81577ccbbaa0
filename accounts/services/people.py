"""账号管理: the system administrator creates, disables and enables accounts and resets the
password of an account with no role to a new initial one (三员).

An account made here has no role (未授权) and must change its password at first sign-in: the
security administrator grants the role and the unit (`accounts.services.roles`). No 三员
administrator disables, enables or resets another (the capability table's ``on_accounts``): that would let
the system administrator silence the auditor, or sign in as them and read the log. A reset of
an account with a business role is a request the security administrator confirms
(`accounts.services.password_resets`). Each change is a history row on the user naming who
made it; the audit trail records the page's request (`audit.middleware`).
"""

import re
import secrets

from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import audited
from core import journal, names
from core.capabilities import refusal, require
from core.names import username_key
from core.versioning import locked, save_changes, save_recorded
from projects.models import Unit, User
from projects.services.units import lock_units

OWN_PASSWORD_HERE = "自己的密码请在“修改密码”页面修改。"
# A mobile (13900000001: 1 and ten digits) or a desk line with its area code (0551-1234567,
# 05511234567, an extension after a second hyphen).
PHONE = re.compile(r"^(1[0-9]{10}|0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?)$")


def generate_password(length: int = 12) -> str:
    """A random initial password meeting the policy: every class, no look-alike characters.

    It starts with a letter: one starting with = + @ would be read as a formula when the
    list of imported accounts is pasted into a spreadsheet."""
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz"
    classes = ["ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "#%+=?@"]
    chars = [secrets.choice(group) for group in classes]
    pool = "".join(classes)
    chars += [secrets.choice(pool) for _ in range(length - len(chars) - 1)]
    secrets.SystemRandom().shuffle(chars)
    return secrets.choice(letters) + "".join(chars)


def clean_username(username: str) -> str:
    """The user name as kept (``username_key``: ｆｕｌｌ09 and FULL09 are full09), refused when
    it is not a user name or an account already has it in any case or width."""
    typed = username.strip()
    username = username_key(typed)
    if not username:
        raise ValidationError("请填写用户名。")
    if len(username) > 150:
        raise ValidationError("用户名不能超过150个字符。")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise ValidationError("用户名只能包含字母、数字和 @ . + - _ 字符。") from None
    if User.objects.filter(username=username).exists():
        raise ValidationError(username_taken(typed, username))
    return username


def username_taken(typed: str, username: str) -> str:
    """The refusal for a user name an account has, naming that account's name as kept."""
    if typed == username:
        return f"用户名“{username}”已被使用。"
    return (
        f"用户名“{typed}”已被使用：与已有账号“{username}”相同"
        "（用户名不区分大小写和全角、半角），请换一个用户名。"
    )


def clean_name(name: str) -> str:
    """姓名 as kept: ``core.names.clean_name`` (no invisible characters), then checked."""
    name = names.clean_name(name)
    if not name:
        raise ValidationError("请填写姓名。")
    if len(name) > 150:
        raise ValidationError("姓名不能超过150个字。")
    return name


def clean_phone(phone: str) -> str:
    phone = phone.strip()
    if phone and not PHONE.match(phone):
        raise ValidationError(f"手机号“{phone}”格式不正确，应为11位手机号或带区号的电话。")
    return phone


def _checked_password(password: str, user: User) -> str:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError(["初始密码不符合密码规则：", *error.messages]) from None
    return password


@audited("新建账号")
@transaction.atomic
def account_create(
    *,
    user: User,
    username: str,
    name: str,
    phone: str = "",
    password: str | None = None,
    requested_unit: Unit | None = None,
) -> tuple[User, str]:
    """A new account with no role, its initial password (``password``, else a generated one)
    to be changed at first sign-in; the account and the password, to be shown once."""
    require(user, "accounts.keep")
    lock_units(requested_unit)  # a merge of the requested unit goes first, or waits
    account = User(
        username=clean_username(username),
        first_name=clean_name(name),
        phone=clean_phone(phone),
        role=User.Role.NONE,
        must_change_password=True,
        requested_unit=requested_unit,
    )
    initial = _checked_password(password, account) if password else generate_password()
    account.set_password(initial)
    # Two administrators creating one username at once both pass clean_username's check: the
    # unique index refuses the second, which is told as a sequential clash is.
    clash = username_taken(username.strip(), account.username)
    save_recorded(account, user=user, clash=clash)
    journal.note(f"新建账号{account.username}（{account.first_name}）")
    return account, initial


def active_refusal(*, user: User, target: User) -> str | None:
    """Why ``user`` may not disable or enable ``target`` (None: they may): not one's own
    account, nor another 三员 administrator's."""
    if target.pk == user.pk:
        return "不能停用或启用自己的账号。"
    return refusal(user, "accounts.keep", target)


@audited("停用或启用账号")
@transaction.atomic
def account_set_active(*, user: User, target: User, active: bool) -> User:
    """Disable (never delete: its history and audit entries keep naming it) or enable."""
    require(user, "accounts.keep", target)
    if reason := active_refusal(user=user, target=target):
        raise ValidationError(reason)
    target = locked(target)
    save_changes(target, {"is_active": active}, user=user)  # as it is: nothing written
    journal.note(f"{'启用' if active else '停用'}账号{target.username}")
    return target


def reset_refusal(*, user: User, target: User) -> str | None:
    """Why ``user`` may not reset ``target``'s password at once (None: they may): only an
    account with no role is reset at once; one with a business role is a request
    (`accounts.services.password_resets`), an administrator's is reset by nobody."""
    if target.pk == user.pk:
        return OWN_PASSWORD_HERE
    if reason := refusal(user, "accounts.keep", target):
        return reason
    if target.role != User.Role.NONE:
        return (
            f"“{target}”是{target.get_role_display()}：重置其密码须经安全管理员确认，"
            "请点“申请重置密码”。"
        )
    return None


@audited("重置密码")
@transaction.atomic
def account_reset_password(
    *, user: User, target: User, password: str | None = None
) -> tuple[User, str]:
    """A new initial password (``password``, else generated) for an account with no role,
    changed at next sign-in."""
    require(user, "accounts.keep", target)
    target = locked(target)
    if reason := reset_refusal(user=user, target=target):
        raise ValidationError(reason)
    initial = _checked_password(password, target) if password else generate_password()
    target.set_password(initial)  # a new hash, and its clock and history: the whole row
    target.must_change_password = True
    save_recorded(target, user=user)
    journal.note(f"重置{target.username}的密码")
    return target, initial


@audited("修改密码")
@transaction.atomic
def password_change(*, user: User, password: str) -> User:
    """One's own new password (the form has checked the old one and the policy): its clock
    starts again and the next sign-in no longer asks for a change."""
    user.set_password(password)
    user.must_change_password = False
    save_recorded(user, user=user)
    journal.note(f"{user.username}修改本人密码")
    return user
