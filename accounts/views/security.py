"""安全管理: the security administrator assigns roles, releases locked accounts and confirms or
rejects the system administrator's password reset requests (三员).

The system administrator keeps the accounts themselves (账号管理, `accounts.services.people`); the
auditor reads the audit log; neither can change a role. The security administrator changes no
other 三员 administrator's role, unit or 启用 (demoting the auditor to 未授权 would silence them as
surely as disabling them): the capability's ``on_accounts``. Each change here is recorded by the
audit trail and in the user's model history.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render

from accounts.selectors import locked_usernames
from accounts.services.password_resets import (
    decide_refusal,
    password_reset_confirm,
    password_reset_reject,
)
from accounts.services.roles import (
    admin_role_refusal,
    user_grant_requested,
    user_set_role,
    user_unlock,
)
from core.capabilities import can, capabilities_of, requires, signed_in
from core.errors import error_text
from core.http import AuthenticatedRequest
from core.params import given, id_param
from projects.models import PasswordResetRequest, Unit, User


def _shown(post: QueryDict) -> dict[str, Any] | None:
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
def security_users(request: AuthenticatedRequest) -> HttpResponse:
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
        "accounts/security_users.html",
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
def security_user_change(request: AuthenticatedRequest, pk: int) -> HttpResponse:
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
    return render(
        request,
        "accounts/people_password.html",
        {"accounts": [(target, password)], "granted": True},
    )


@requires("accounts.confirm_reset", methods=["POST"])
def security_reset_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
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
        messages.error(request, error_text(error))
        return redirect("security_users")
    if action == "reject":
        messages.success(
            request, f"已驳回重置{account.username}（{account}）密码的申请，原密码不变。"
        )
        return redirect("security_users")
    return render(
        request,
        "accounts/people_password.html",
        {"accounts": [(reset.account, password)], "confirmed": True, "reset_request": reset},
    )


@signed_in
def account_pending(request: AuthenticatedRequest) -> HttpResponse:
    """What an account with no role sees: it may sign in, change its password and wait."""
    if capabilities_of(request.user):
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/account_pending.html")
