"""A server error with DEBUG off leaves its traceback on the process's standard error
(gunicorn's log, `make run`'s terminal) and in LOG_FILE when set, not only a 500 page."""

import logging
import os
import subprocess
import sys

from django.urls import reverse

LOG_AN_ERROR = """
import django, logging
django.setup()
try:
    raise RuntimeError("故意的服务器错误")
except RuntimeError:
    logging.getLogger("django.request").error("Internal Server Error: /", exc_info=True)
"""


def test_a_server_error_is_recorded_with_its_traceback(client, settings, monkeypatch, caplog, cast):
    settings.DEBUG = False

    def broken(**kwargs):
        raise RuntimeError("故意的服务器错误")

    monkeypatch.setattr("investment.overview_pages.portfolio_summary", broken)
    client.raise_request_exception = False
    client.force_login(cast.officer)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get(reverse("dashboard"))

    assert response.status_code == 500
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info[0] is RuntimeError


def test_production_settings_write_error_tracebacks_to_stderr_and_the_log_file(tmp_path):
    log_file = tmp_path / "server.log"
    run = subprocess.run(
        [sys.executable, "-c", LOG_AN_ERROR],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": "x" * 60,
            "LOG_FILE": str(log_file),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    for logged in (run.stderr, log_file.read_text(encoding="utf-8")):
        assert "ERROR django.request Internal Server Error: /" in logged
        assert "Traceback (most recent call last)" in logged
        assert "RuntimeError: 故意的服务器错误" in logged
