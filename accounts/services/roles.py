"""安全管理's writes: a user's role, unit and 启用 (with the one-time password a first role
issues), 按申请授权, releasing a locked sign-in. The security administrator changes no other
三员 administrator's account (the capability's ``on_accounts``)."""

from collections.abc import Callable
from typing import Any

from axes.utils import reset
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.services.people import generate_password
from audit.services import audited
from core import journal
from core.capabilities import require
from core.versioning import locked, save_recorded
from projects.models import Unit, User
from projects.services.units import lock_units


def _shown_changes(target: User, shown: dict[str, Any]) -> list[str]:
    """What changed in the fields the form showed (role, unit, enabled) since it was opened.

    A user row carries no version: every sign-in saves ``last_login``, which would make any
    form opened before a sign-in stale. So the form carries the values it showed instead."""
    now = {"role": target.role, "unit": target.unit_id, "is_active": target.is_active}
    roles = dict(User.Role.choices)
    units = dict(
        Unit.objects.filter(pk__in=[shown.get("unit"), now["unit"]]).values_list("pk", "name")
    )
    words: dict[str, tuple[str, Callable[[Any], str]]] = {
        "role": ("角色", lambda v: roles.get(v, v or "空")),
        "unit": ("所属单位", lambda v: units.get(v, "无")),
        "is_active": ("启用", lambda v: "是" if v else "否"),
    }
    return [
        f"{label}：{word(shown[key])} → {word(now[key])}"
        for key, (label, word) in words.items()
        if key in shown and shown[key] != now[key]
    ]


@audited("安全管理：修改角色和单位", by="actor")
@transaction.atomic
def user_set_role(
    *,
    actor: User,
    target: User,
    role: str,
    unit: Unit | None,
    is_active: bool,
    shown: dict[str, Any] | None = None,
) -> tuple[User, str | None]:
    """Set a user's role, unit and whether the account is enabled; the user and, when this
    grant issued one, its one-time password (to be shown once). ``shown`` holds the values
    the form showed (``role``, ``unit`` id, ``is_active``): when someone changed them meanwhile,
    the form is refused naming what changed, rather than silently undoing their change.
    Another 三员 administrator's account is out of reach (PermissionDenied).

    An account with no role gets its first role only with a one-time password issued here:
    the system administrator set its password (and may since have signed in with it and
    changed it), so a role granted on that password would be the system administrator's to
    use. The old password stops working and the owner changes the new one at first sign-in."""
    require(actor, "security.grant", target)
    if target.pk == actor.pk:
        raise ValidationError("不能修改自己的角色或停用自己的账号。")
    if role not in User.Role.values:
        raise ValidationError("角色不在可选范围内。")
    if role == User.Role.REPORTER and unit is None:
        raise ValidationError("填报员必须属于一个责任单位。")
    lock_units(unit)  # before the user: a merge locks units, then the users in them
    target = locked(target)
    if reason := admin_role_refusal(target, role):
        raise ValidationError(reason)
    if shown is not None and (changes := _shown_changes(target, shown)):
        latest = target.history.order_by("-history_id").first()
        who = str(latest.history_user) if latest and latest.history_user else "他人"
        when = f"于{timezone.localtime(latest.history_date):%m-%d %H:%M}" if latest else ""
        raise ValidationError(
            f"账号“{target.username}”已被{who}{when}修改：{'；'.join(changes)}。"
            "您提交的是修改前的内容，未保存；请刷新页面核对后重新填写。",
            code="stale",
        )
    if (target.role, target.unit_id, target.is_active) == (role, unit and unit.pk, is_active):
        return target, None  # saved as shown: no history row to blame on anyone
    password = None
    before = {"role": target.role, "unit": target.unit_id, "is_active": target.is_active}
    if issues_password(target, role):
        password = generate_password()
        target.set_password(password)  # the system administrator's password stops working
        target.must_change_password = True
    target.role, target.unit, target.is_active = role, unit, is_active
    if role != User.Role.NONE:
        target.requested_unit = None  # the request, if any, is answered
    save_recorded(target, user=actor)  # the whole row: a first role's password with it
    journal.note(f"{target.username}（{target}）：{'；'.join(_shown_changes(target, before))}")
    if password is not None:
        journal.note(
            f"授予{target.username}（{target}）{target.get_role_display()}角色，签发一次性密码"
        )
    return target, password


def issues_password(target: User, role: str) -> bool:
    """Whether giving ``target`` the role ``role`` issues a one-time password: a first role."""
    return target.role == User.Role.NONE and role != User.Role.NONE


def admin_role_refusal(target: User, role: str) -> str | None:
    """Why ``target`` may not be made the administrator ``role`` now (None: it may).

    An account with a role that still has a one-time password (a reset the security
    administrator confirmed) waits for its owner to change it: granting an administrator
    role now would let the one who saw that password sign in as the administrator first.
    A first role issues a new one-time password anyway (`issues_password`)."""
    if role not in User.PRIVILEGED_ROLES or role == target.role:
        return None
    if target.role != User.Role.NONE and target.must_change_password:
        return (
            f"账号“{target.username}”仍在使用一次性密码，"
            "请待本人登录并修改密码后，再授予管理员角色。"
        )
    return None


@audited("安全管理：修改角色和单位", by="actor")
def user_grant_requested(*, actor: User, target: User) -> tuple[User, str | None]:
    """按申请授权: an imported reporter gets the reporter role and the unit its sheet named
    (and, being a first role, a one-time password)."""
    require(actor, "security.grant")
    if target.requested_unit is None:
        raise ValidationError(f"账号“{target.username}”没有待授权的申请单位。")
    return user_set_role(
        actor=actor, target=target, role=User.Role.REPORTER, unit=target.requested_unit,
        is_active=target.is_active, shown={"role": User.Role.NONE, "unit": None},
    )  # fmt: skip


@audited("安全管理：修改角色和单位", by="actor")
def user_unlock(*, actor: User, target: User) -> int:
    """Clear the failed sign-ins that lock ``target`` (django-axes); the count cleared.

    Any account, an administrator's too: it gives the owner back their own sign-in and
    nothing to anyone else (the lock also lifts by itself after AXES_COOLOFF_TIME)."""
    require(actor, "security.grant")
    cleared: int = reset(username=target.get_username())  # django-axes has no type hints
    journal.note(f"解除{target.username}的登录锁定")
    return cleared
