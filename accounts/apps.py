from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in, 账号管理, 安全管理, password resets, 导入填报员 (the User model is
    `projects`', where its first migration is)."""

    name = "accounts"
    verbose_name = "账号"
