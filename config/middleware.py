"""Response headers Django's SecurityMiddleware does not set itself."""

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers

from core.http import GetResponse


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy of settings.CONTENT_SECURITY_POLICY on every response.

    Ten lines rather than a library: the app has one fixed policy (no nonces, no per-view
    exceptions), and Django 5.2 has no CSP setting of its own yet.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        # Every page and download here carries a county's data: no browser or proxy keeps
        # a copy (a shared office PC's back button, a cache on the way). Static files are
        # served before this middleware by whitenoise, with their own long cache.
        if "Cache-Control" not in response.headers:
            add_never_cache_headers(response)
        return response
