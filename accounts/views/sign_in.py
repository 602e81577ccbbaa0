"""Signing in, changing one's own password, and the session's clock in the browser."""

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy

from accounts.services.people import password_change
from core.capabilities import SIGNED_IN, needs, requires
from core.http import AuthenticatedRequest
from core.middleware import LOGIN_TIME_KEY
from core.names import username_key
from core.passwords import password_expired


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password: the old one, then a new one that meets the policy.

    Django's view already validates against AUTH_PASSWORD_VALIDATORS (the history check needs
    the user, which it passes) and keeps the session signed in with a new key.
    """

    capabilities = needs(SIGNED_IN)  # one's own password, whatever the role
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy(settings.LOGIN_REDIRECT_URL)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["forced"] = password_expired(self.request.user)
        context["password_rules"] = password_rules()
        return context

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        password_change(user=form.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, form.user)  # this session stays signed in
        messages.success(self.request, "密码已修改。")
        return HttpResponseRedirect(self.get_success_url())


def password_rules() -> str:
    """The policy in one sentence, as the settings have it."""
    rules = [
        f"至少{settings.PASSWORD_MIN_LENGTH}个字符",
        f"包含大写字母、小写字母、数字、符号中的至少{settings.PASSWORD_MIN_CLASSES}类",
    ]
    if settings.PASSWORD_HISTORY:
        rules.append(f"不能与最近{settings.PASSWORD_HISTORY}次用过的密码相同")
    if settings.PASSWORD_MAX_AGE_DAYS:
        rules.append(f"每{settings.PASSWORD_MAX_AGE_DAYS}天须更换一次")
    return "，".join(rules) + "。"


def login_username(
    request: HttpRequest | None, credentials: dict[str, Any] | None = None
) -> str | None:
    """The name django-axes counts failures under: the account's name as kept
    (``core.names.username_key``), so ＯＦＦＩＣＥ, Office and office share one count
    and typing another case or width cannot get round the lockout."""
    if credentials:
        typed = credentials.get("username")
    else:
        typed = getattr(request, "POST", {}).get("username")
    return username_key(typed) if isinstance(typed, str) else None


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' answer to a locked-out user name: the same page whether the name exists."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"lockout_minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)


def seconds_left(request: HttpRequest) -> dict[str, int]:
    """How long the session of this request lives if nothing else happens: ``idle`` until the
    idle limit (the whole SESSION_COOKIE_AGE, since this request moves the expiry on) and
    ``absolute`` until SessionLimitMiddleware's limit after sign-in, which no request moves."""
    login_at = request.session.get(LOGIN_TIME_KEY) or int(time.time())
    absolute = login_at + settings.SESSION_ABSOLUTE_SECONDS - int(time.time())
    return {"idle": settings.SESSION_COOKIE_AGE, "absolute": max(absolute, 0)}


def session_clock(request: HttpRequest) -> dict[str, Any]:
    """Template context for base.html: the numbers static/js/session-clock.js counts down
    (seconds, relative to this page, so the browser's clock need not agree with the server's)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "session_clock": {
            **seconds_left(request),
            "warn": settings.SESSION_WARNING_SECONDS,
            "renew_url": reverse("session_renew"),
            "login_url": reverse(settings.LOGIN_URL),
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
        }
    }


@requires(SIGNED_IN, methods=["POST"])
def session_renew(request: AuthenticatedRequest) -> HttpResponse:
    """继续工作 on the warning bar: a request like any other, so the session's idle expiry
    moves on (SESSION_SAVE_EVERY_REQUEST); answers the seconds left, as a page carries them.
    An ended session gets the sign-in redirect like every view, which the script reads as
    "signed out"."""
    return JsonResponse(seconds_left(request))
