"""DEBUG is off unless DEBUG=1 turns it on: under `make run` (DEBUG unset) a reporter who opens
another unit's record gets our Chinese 404, not Django's English debug page, the static files are
still served (whitenoise, after `make run`'s collectstatic), and plain HTTP still signs in."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

# slow: each test starts Python in a subprocess with the settings `make run` uses
pytestmark = pytest.mark.slow

PROBE = """
import os, sys
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
settings.STATIC_ROOT = sys.argv[1]
call_command("collectstatic", "--noinput", "-v0")
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
print("DEBUG", settings.DEBUG)
print("SECURE_COOKIES", settings.SESSION_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT)
print("STATIC", client.get("/static/css/app.css").status_code)
missing = client.get("/no-such-page/", follow=True)
print("MISSING", missing.status_code, "页面不存在" in missing.content.decode() or "登录" in
      missing.content.decode(), "Page not found" in missing.content.decode())
"""


# Only what DEBUG is, for the switch itself (no static files collected, no page served).
SETTING = """
import django
django.setup()
from django.conf import settings
print("DEBUG", settings.DEBUG)
"""


def probe(tmp_path, script: str = PROBE, **env: str) -> dict[str, list[str]]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "HTTPS", "DJANGO_SETTINGS_MODULE"}
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "static")],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()}


def test_make_run_has_debug_off_serves_static_files_and_works_over_plain_http(tmp_path):
    seen = probe(tmp_path)

    assert seen["DEBUG"] == ["False"]
    assert seen["SECURE_COOKIES"] == ["False", "False"]  # http://127.0.0.1:8000 signs in
    assert seen["STATIC"] == ["200"]
    assert seen["MISSING"][1:] == ["True", "False"]  # our page, never Django's debug page


def test_debug_is_on_only_when_asked(tmp_path):
    assert probe(tmp_path, SETTING, DEBUG="1")["DEBUG"] == ["True"]
