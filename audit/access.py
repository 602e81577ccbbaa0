from django.core.exceptions import PermissionDenied

from projects.models import User


def require_auditor(user: User) -> None:
    """The audit log is the audit administrator's alone (三员): not even the system administrator."""
    if user.role != User.Role.AUDITOR:
        raise PermissionDenied("审计日志仅限审计管理员查看。")
