"""Signing in and changing one's own password."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy

from projects.capabilities import SIGNED_IN, needs
from projects.passwords import password_expired


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password: the old one, then a new one that meets the policy.

    Django's view already validates against AUTH_PASSWORD_VALIDATORS (the history check needs
    the user, which it passes) and keeps the session signed in with a new key.
    """

    capabilities = needs(SIGNED_IN)  # one's own password, whatever the role
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy(settings.LOGIN_REDIRECT_URL)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forced"] = password_expired(self.request.user)
        context["password_rules"] = password_rules()
        return context

    def form_valid(self, form):
        form.user.must_change_password = False
        response = super().form_valid(form)
        messages.success(self.request, "密码已修改。")
        return response


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


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out user name: the same page whether the name exists."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"lockout_minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)
