"""安全管理: the security administrator assigns roles, releases locked accounts and confirms or
rejects the system administrator's password reset requests (三员).

The system administrator keeps the accounts themselves (账号管理, `projects.people`); the
auditor reads the audit log; neither can change a role. The security administrator changes no
other 三员 administrator's role, unit or 启用 (demoting the auditor to 未授权 would silence them as
surely as disabling them): the capability's ``on_accounts``. Each change here is recorded by the
audit trail and in the user's model history.
"""

from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from projects.capabilities import can, capabilities_of, require, requires, signed_in
from projects.errors import error_text
from projects.models import PasswordResetRequest, Unit, User
from projects.params import given, id_param
from projects.password_resets import (
    decide_refusal,
    password_reset_confirm,
    password_reset_reject,
)
from projects.people import generate_password
from projects.units import lock_units


def _shown_changes(target: User, shown: dict[str, Any]) -> list[str]:
    """What changed in the fields the form showed (role, unit, enabled) since it was opened.

    A user row carries no version: every sign-in saves ``last_login``, which would make any
    form opened before a sign-in stale. So the form carries the values it showed instead."""
    now = {"role": target.role, "unit": target.unit_id, "is_active": target.is_active}
    roles = dict(User.Role.choices)
    units = dict(
        Unit.objects.filter(pk__in=[shown.get("unit"), now["unit"]]).values_list("pk", "name")
    )
    words = {
        "role": ("角色", lambda v: roles.get(v, v or "空")),
        "unit": ("所属单位", lambda v: units.get(v, "无")),
        "is_active": ("启用", lambda v: "是" if v else "否"),
    }
    return [
        f"{label}：{word(shown[key])} → {word(now[key])}"
        for key, (label, word) in words.items()
        if key in shown and shown[key] != now[key]
    ]


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
    target = User.objects.select_for_update().get(pk=target.pk)
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
    if issues_password(target, role):
        password = generate_password()
        target.set_password(password)  # the system administrator's password stops working
        target.must_change_password = True
    target.role, target.unit, target.is_active = role, unit, is_active
    if role != User.Role.NONE:
        target.requested_unit = None  # the request, if any, is answered
    target.save()
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


def user_unlock(*, actor: User, target: User) -> int:
    """Clear the failed sign-ins that lock ``target`` (django-axes); the count cleared.

    Any account, an administrator's too: it gives the owner back their own sign-in and
    nothing to anyone else (the lock also lifts by itself after AXES_COOLOFF_TIME)."""
    require(actor, "security.grant")
    return reset(username=target.get_username())


def locked_usernames() -> set[str]:
    return set(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).values_list("username", flat=True)
    )


def _shown(post) -> dict[str, Any] | None:
    """The values the row's form showed (its hidden ``shown_*`` inputs), when it sent them."""
    if "shown_role" not in post:
        return None
    return {
        "role": post["shown_role"],
        "unit": id_param(post, "shown_unit"),
        "is_active": post.get("shown_active") == "on",
    }


RECENT_RESETS = 10  # decided password reset requests 安全管理 lists under the pending ones


@requires("security.grant")
def security_users(request):
    users = User.objects.select_related("unit", "requested_unit").order_by("role", "username")
    # PostgreSQL refuses a NUL in a text comparison (a 500); no name or phone holds one
    q = request.GET.get("q", "").replace("\x00", "").strip()
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(phone__icontains=q)
        )
    pending = request.GET.get("pending") == "1"
    if pending:
        users = users.filter(role=User.Role.NONE)
    # another 三员 administrator's row is shown read-only (the service refuses it)
    out_of_reach = {u.pk for u in users if not can(request.user, "security.grant", u)}
    # an account on a one-time password is offered no administrator role (the service refuses)
    admin_waits = {
        u.pk for u in users if any(admin_role_refusal(u, r) for r in User.PRIVILEGED_ROLES)
    }
    resets = list(
        PasswordResetRequest.objects.filter(status=PasswordResetRequest.Status.PENDING)
        .select_related("account", "requested_by")
        .order_by("requested_at", "pk")
    )
    for asked in resets:
        asked.refused = decide_refusal(user=request.user, reset=asked)  # type: ignore[attr-defined]  # shown beside the row
    decided = (
        PasswordResetRequest.objects.exclude(status=PasswordResetRequest.Status.PENDING)
        .select_related("account", "requested_by", "decided_by")
        .order_by("-decided_at", "-pk")[:RECENT_RESETS]
    )
    return render(
        request,
        "projects/security_users.html",
        {
            "resets": resets,
            "decided_resets": decided,
            "users": users,
            "out_of_reach": out_of_reach,
            "admin_waits": admin_waits,
            "q": q,
            "pending": pending,
            "locked": locked_usernames(),
            "roles": User.Role.choices,
            "privileged": User.PRIVILEGED_ROLES,
            "units": Unit.objects.all(),
        },
    )


@requires("security.grant", methods=["POST"])
def security_user_change(request, pk: int):
    target = get_object_or_404(User, pk=pk)
    password = None
    try:
        if request.POST.get("action") == "unlock":
            user_unlock(actor=request.user, target=target)
            done = f"已解除{target.username}的登录锁定。"
        elif request.POST.get("action") == "grant_requested":
            unit = target.requested_unit
            target, password = user_grant_requested(actor=request.user, target=target)
            done = f"已授予{target.username}填报员角色，所属单位：{unit}。"
        else:
            unit_id = id_param(request.POST, "unit")
            if unit_id is None and given(request.POST, "unit"):
                raise ValidationError("所选单位无效，请刷新页面后重新选择。")
            unit = get_object_or_404(Unit, pk=unit_id) if unit_id is not None else None
            target, password = user_set_role(
                actor=request.user, target=target, role=request.POST.get("role", ""),
                unit=unit, is_active=request.POST.get("is_active") == "on",
                shown=_shown(request.POST),
            )  # fmt: skip
            done = f"已更新{target.username}的角色与状态。"
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("security_users")
    if password is None:
        messages.success(request, done)
        return redirect("security_users")
    request.audit_detail = (
        f"授予{target.username}（{target}）{target.get_role_display()}角色，签发一次性密码"
    )
    return render(
        request,
        "projects/people_password.html",
        {"accounts": [(target, password)], "granted": True},
    )


@requires("accounts.confirm_reset", methods=["POST"])
def security_reset_decide(request, pk: int):
    """确认重置 (the one-time password, shown once on the answer) or 驳回 a reset request."""
    reset = get_object_or_404(PasswordResetRequest.objects.select_related("account"), pk=pk)
    account = reset.account
    action = request.POST.get("action")
    try:
        if action == "confirm":
            reset, password = password_reset_confirm(user=request.user, reset=reset)
        elif action == "reject":
            password_reset_reject(user=request.user, reset=reset)
        else:
            raise ValidationError("请选择“确认重置”或“驳回”。")
    except ValidationError as error:
        request.audit_outcome = "refused"
        messages.error(request, error_text(error))
        return redirect("security_users")
    asked = f"{reset.requested_by}于{timezone.localtime(reset.requested_at):%m-%d %H:%M}申请"
    if action == "reject":
        request.audit_detail = f"驳回重置{account.username}（{account}）的密码：{asked}"
        messages.success(
            request, f"已驳回重置{account.username}（{account}）密码的申请，原密码不变。"
        )
        return redirect("security_users")
    request.audit_detail = f"确认重置{account.username}（{account}）的密码：{asked}"
    return render(
        request,
        "projects/people_password.html",
        {"accounts": [(reset.account, password)], "confirmed": True, "reset_request": reset},
    )


@signed_in
def account_pending(request):
    """What an account with no role sees: it may sign in, change its password and wait."""
    if capabilities_of(request.user):
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "projects/account_pending.html")
