"""Session and password rules applied to every request of a signed-in user."""

import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from core.capabilities import (
    PENDING,
    SEPARATION,
    can,
    capabilities_of,
    has_business,
    needed_for,
    redirect_to_login,
    require,
)
from core.http import GetResponse
from core.passwords import password_expired

LOGIN_TIME_KEY = "login_at"


def remember_login_time(
    sender: object, request: HttpRequest | None, user: object, **kwargs: Any
) -> None:
    """Stamp the session at sign-in; SessionLimitMiddleware measures from this."""
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_TIME_KEY] = int(time.time())


class SessionLimitMiddleware:
    """Sign a user out SESSION_ABSOLUTE_SECONDS after sign-in, however active they are.

    The 30-minute idle limit needs no code: SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST
    moves the session's expiry on with every request, and an expired session is gone.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            login_at = request.session.get(LOGIN_TIME_KEY)
            if login_at is None:
                request.session[LOGIN_TIME_KEY] = int(time.time())
            elif time.time() - login_at > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                hours = settings.SESSION_ABSOLUTE_SECONDS // 3600
                messages.info(request, f"登录已超过{hours}小时，为安全起见请重新登录。")
                return redirect_to_login(request)
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Send a user whose password is initial, reset or expired to the password-change page."""

    # session_renew: the page being typed into (修改密码 itself) may keep its session alive.
    ALLOWED = ("password_change", "logout", "session_renew")

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
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
    """三员: a role with no business capability (the three administrators, an
    account no role has been granted yet) works only on the pages its capabilities open
    (`core.capabilities`): the home page after sign-in sends it to the first of them
    (账号管理, 安全管理, 安全审计, or the page saying the account waits for a role), and any
    other page is refused with the reason. Nothing here lists URLs: each view declares what it
    needs."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        user = request.user
        match = request.resolver_match
        if not user.is_authenticated or has_business(user):
            return None
        if match is None or match.namespace == "admin":
            return None
        if request.path == resolve_url(settings.LOGIN_REDIRECT_URL):
            return redirect(home_for(user))
        needed = needed_for(view_func, request.method)
        if needed is None:  # a view that declares nothing is no administrator's
            raise PermissionDenied(SEPARATION if capabilities_of(user) else PENDING)
        if needed:
            require(user, needed)
        return None


def home_for(user: object) -> str:
    """Where a user with no business capability starts: the first page without arguments
    that one of their capabilities opens, in URL order (the system administrator's 账号管理,
    安全管理, 安全审计), else the page for an account without a role."""
    for pattern in get_resolver().url_patterns:
        for path, view in _pages(pattern):
            needed = needed_for(view, "GET")
            if needed and can(user, needed):
                return path
    return reverse(ACCOUNT_PENDING)


ACCOUNT_PENDING = "account_pending"
# the pages a user may start from, by URL name, named as the menu names them
HOME_NAMES = {
    "dashboard": "总体情况",
    "people_list": "账号管理",
    "unit_list": "责任单位",
    "security_users": "安全管理",
    "audit_log": "安全审计",
    ACCOUNT_PENDING: "账号尚未授权",
}


def home_page(user: object) -> tuple[str, str]:
    """Where ``user`` starts, and its name, as a page offers it (an error page's 回到…): the
    dashboard for whoever works on business data, the administrators' own first page
    (`home_for`), and for no one signed in the front page, which leads to signing in."""
    front = resolve_url(settings.LOGIN_REDIRECT_URL)
    if not getattr(user, "is_authenticated", False):
        return front, "首页"
    path = front if has_business(user) else home_for(user)
    return path, HOME_NAMES.get(resolve(path).url_name or "", "首页")


def _pages(
    pattern: URLPattern | URLResolver, prefix: str = ""
) -> Iterator[tuple[str, Callable[..., HttpResponseBase]]]:
    """(path, view) of every URL pattern without arguments, in URL order (not the admin)."""
    if isinstance(pattern, URLResolver):
        if pattern.namespace == "admin":
            return
        for inner in pattern.url_patterns:
            yield from _pages(inner, prefix + str(pattern.pattern))
    elif isinstance(pattern, URLPattern) and not pattern.pattern.converters:
        yield "/" + prefix + str(pattern.pattern), pattern.callback
