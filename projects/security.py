"""安全管理: the security administrator assigns roles and releases locked accounts (三员).

The system administrator keeps the accounts themselves (系统管理); the auditor reads the audit
log; neither can change a role. Each change here is recorded by the audit trail and in the
user's model history.
"""

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from projects.models import Unit, User


def require_security_admin(user: User) -> None:
    if user.role != User.Role.SECURITY:
        raise PermissionDenied("角色分配和账号解锁由安全管理员办理。")


@transaction.atomic
def user_set_role(
    *, actor: User, target: User, role: str, unit: Unit | None, is_active: bool
) -> User:
    require_security_admin(actor)
    if target.pk == actor.pk:
        raise ValidationError("不能修改自己的角色或停用自己的账号。")
    if role not in User.Role.values:
        raise ValidationError("角色不在可选范围内。")
    if role == User.Role.REPORTER and unit is None:
        raise ValidationError("填报员必须属于一个责任单位。")
    target = User.objects.select_for_update().get(pk=target.pk)
    target.role, target.unit, target.is_active = role, unit, is_active
    target.save()
    return target


def user_unlock(*, actor: User, target: User) -> int:
    """Clear the failed sign-ins that lock ``target`` (django-axes); the count cleared."""
    require_security_admin(actor)
    return reset(username=target.get_username())


def locked_usernames() -> set[str]:
    return set(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).values_list("username", flat=True)
    )


@login_required
def security_users(request):
    require_security_admin(request.user)
    return render(
        request,
        "projects/security_users.html",
        {
            "users": User.objects.select_related("unit").order_by("role", "username"),
            "locked": locked_usernames(),
            "roles": User.Role.choices,
            "units": Unit.objects.all(),
        },
    )


@login_required
@require_POST
def security_user_change(request, pk: int):
    require_security_admin(request.user)
    target = get_object_or_404(User, pk=pk)
    try:
        if request.POST.get("action") == "unlock":
            user_unlock(actor=request.user, target=target)
            messages.success(request, f"已解除{target.username}的登录锁定。")
        else:
            unit_id = request.POST.get("unit", "")
            unit = get_object_or_404(Unit, pk=int(unit_id)) if unit_id.isdigit() else None
            user_set_role(
                actor=request.user, target=target, role=request.POST.get("role", ""),
                unit=unit, is_active=request.POST.get("is_active") == "on",
            )  # fmt: skip
            messages.success(request, f"已更新{target.username}的角色与状态。")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("security_users")
