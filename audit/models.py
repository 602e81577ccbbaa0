"""The audit trail (安全审计): who did what, when, from where, and how it ended.

Entries are only ever added: the model refuses updates and deletes, no page or admin edits
them, and only the audit administrator reads them (三员). They are kept at least
AUDIT_RETENTION_DAYS (180 by default, 等保 2.0 asks for six months); nothing in the app removes
them.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models


class AuditEntry(models.Model):
    class Category(models.TextChoices):
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOGOUT = "logout", "退出"
        WRITE = "write", "操作"
        DOWNLOAD = "download", "下载"
        COMMAND = "command", "命令"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        REFUSED = "refused", "拒绝"
        ERROR = "error", "出错"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField("用户名", max_length=150, blank=True, db_index=True)
    role = models.CharField("角色", max_length=20, blank=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    category = models.CharField("类别", max_length=20, choices=Category, db_index=True)
    action = models.CharField("事项", max_length=200)
    target = models.CharField("对象", max_length=500, blank=True)
    outcome = models.CharField("结果", max_length=10, choices=Outcome, db_index=True)
    status_code = models.PositiveSmallIntegerField("状态码", null=True, blank=True)
    detail = models.TextField("说明", blank=True)
    # What an action wrote, as its service's saves noted it (core.journal): {"notes": [...],
    # "changes": [{"table", "model", "id", "record", "kind", "fields": [{"field", "label",
    # "old", "new"}]}]}; empty for sign-ins, downloads and refusals.
    changes = models.JSONField("变更内容", default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = verbose_name_plural = "审计记录"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("审计记录只能新增，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录不能删除。")

    @property
    def role_label(self) -> str:
        # the user model's own labels: the audit trail sits below the app that defines it
        roles = get_user_model()._meta.get_field("role").flatchoices
        return str(dict(roles).get(self.role, self.role))
