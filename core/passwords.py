"""The password policy: validators for AUTH_PASSWORD_VALIDATORS and the expiry rule."""

import string
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

CLASSES = {
    "大写字母": set(string.ascii_uppercase),
    "小写字母": set(string.ascii_lowercase),
    "数字": set(string.digits),
}
SYMBOL_CLASS = "符号"


def character_classes(password: str) -> set[str]:
    """Which of the four classes a password uses; anything not a letter or digit is a symbol."""
    found = {name for name, chars in CLASSES.items() if any(c in chars for c in password)}
    if any(not (c.isascii() and c.isalnum()) for c in password):
        found.add(SYMBOL_CLASS)
    return found


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with a Chinese message (Django 5.2's own catalog misses it)."""

    def get_error_message(self) -> str:
        return f"密码太短，至少需要{self.min_length}个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要{self.min_length}个字符。"


class CharacterClassesValidator:
    """At least ``min_classes`` of upper case, lower case, digits and symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return f"密码须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类。"


class PasswordHistoryValidator:
    """None of the user's last ``count`` passwords (the current one included)."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None or self.count <= 0:
            return
        # The history holds the current password too (set_password records every change);
        # a password from before the history table existed is added in front.
        earlier = list(user.password_history.values_list("password", flat=True)[: self.count])
        if user.password and user.password not in earlier:
            earlier = [user.password, *earlier][: self.count]
        if any(check_password(password, encoded) for encoded in earlier):
            raise ValidationError(
                f"新密码不能与最近{self.count}次使用过的密码相同。", code="password_reused"
            )

    def get_help_text(self) -> str:
        return f"不能使用最近{self.count}次用过的密码。"


def password_expired(user) -> bool:
    """An initial or reset password, or one older than PASSWORD_MAX_AGE_DAYS, must change.

    A user with no recorded change time (a row from before this rule, or a password set
    outside ``set_password``) is judged by the flag alone; the migration gave existing
    users the time it ran.
    """
    if user.must_change_password:
        return True
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if not max_age or user.password_changed_at is None:
        return False
    return timezone.now() - user.password_changed_at > timedelta(days=max_age)
