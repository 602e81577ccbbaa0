"""The request a signed-in page is given, and what a middleware is handed, for annotations.

``requires`` (`core.capabilities`) lets a view run only for a signed-in user, so its request's
``user`` is never ``AnonymousUser``: a view behind it takes ``request: AuthenticatedRequest``
and reads ``request.user.role`` or ``.unit_id`` without a check or a cast. A public page (signing
in) takes Django's ``HttpRequest``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from django.http import HttpRequest
from django.http.response import HttpResponseBase

if TYPE_CHECKING:
    # django-stubs' name for the AUTH_USER_MODEL (its mypy plugin reads settings), so core
    # names no app's model.
    from django.contrib.auth.models import _User


class AuthenticatedRequest(HttpRequest):
    """An ``HttpRequest`` whose ``user`` is signed in. Django builds the request; nothing makes
    one of these: the class only tells mypy what a view behind ``requires`` is given."""

    user: _User


# What a middleware is given to call: the rest of the stack, a request in, a response out.
GetResponse: TypeAlias = Callable[[HttpRequest], HttpResponseBase]
