"""Sign-ins, sign-outs and failed sign-ins go to the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import AuditEntry
from audit.services import record

Category = AuditEntry.Category


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    record(category=Category.LOGIN, action="登录", request=request, user=user)


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(category=Category.LOGOUT, action="退出", request=request, user=user)


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    record(
        category=Category.LOGIN_FAILED,
        action="登录失败",
        outcome=AuditEntry.Outcome.REFUSED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
        detail="用户名或密码错误，或账号已锁定",
    )
