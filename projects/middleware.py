"""Session and password rules applied to every request of a signed-in user."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from projects.passwords import password_expired

LOGIN_TIME_KEY = "login_at"


def remember_login_time(sender, request, user, **kwargs) -> None:
    """Stamp the session at sign-in; SessionLimitMiddleware measures from this."""
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_TIME_KEY] = int(time.time())


class SessionLimitMiddleware:
    """Sign a user out SESSION_ABSOLUTE_SECONDS after sign-in, however active they are.

    The 30-minute idle limit needs no code: SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST
    moves the session's expiry on with every request, and an expired session is gone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            login_at = request.session.get(LOGIN_TIME_KEY)
            if login_at is None:
                request.session[LOGIN_TIME_KEY] = int(time.time())
            elif time.time() - login_at > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                hours = settings.SESSION_ABSOLUTE_SECONDS // 3600
                messages.info(request, f"登录已超过{hours}小时，为安全起见请重新登录。")
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Send a user whose password is initial, reset or expired to the password-change page."""

    ALLOWED = ("password_change", "logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and password_expired(user)
            and not request.path.startswith(settings.STATIC_URL)
            and request.path not in {reverse(name) for name in self.ALLOWED}
        ):
            return redirect("password_change")
        return self.get_response(request)


class AdministratorScopeMiddleware:
    """三员: the security and audit administrators work only on their own pages; business data
    (projects, reports, funds, findings, figures) is not theirs to see. Their home page
    replaces the dashboard; anything else is refused. An account no role has been granted yet
    (the system administrator made it; the security administrator grants roles) sees only a
    page saying so."""

    HOMES = {"security": "security_users", "auditor": "audit_log", "none": "account_pending"}
    ANYONE = {"login", "logout", "password_change"}
    THEIRS = {
        "security": ANYONE
        | {"security_users", "security_user_change", "audit_log", "data_history"},
        "auditor": ANYONE | {"security_users", "security_user_change", "audit_log", "data_history"},
        "none": ANYONE | {"account_pending"},
    }
    REFUSALS = {
        "security": "三员分立：安全管理员和审计管理员不查看、不办理业务数据。",
        "auditor": "三员分立：安全管理员和审计管理员不查看、不办理业务数据。",
        "none": "账号尚未授权，请联系安全管理员。",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        role = getattr(request.user, "role", "")
        home = self.HOMES.get(role)
        match = request.resolver_match
        if home is None or match is None or match.namespace == "admin":
            return None
        if match.url_name in self.THEIRS[role]:
            return None
        if match.url_name == "dashboard":
            return redirect(home)
        raise PermissionDenied(self.REFUSALS[role])
