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

    def broken(*args, **kwargs):
        raise RuntimeError("故意的服务器错误")

    monkeypatch.setattr("investment.views.overview.portfolio_summary", broken)
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


def test_a_refusal_is_one_line_saying_who_what_and_why(client, caplog, cast):
    client.force_login(cast.admin)

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("project_list"))

    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is None and record.levelname == "WARNING"
    assert record.getMessage() == (
        "Forbidden: GET /projects/ user=admin(系统管理员) "
        "reason=三员分立：系统管理员、安全管理员和审计管理员不查看、不办理业务数据。"
    )
    assert "Traceback" not in caplog.text
    for handler in logging.getLogger("django").handlers:  # the server log's own format
        written = handler.format(record)
        assert "\n" not in written and "Traceback" not in written


def test_a_refused_post_names_the_method_and_a_signed_out_visitor_is_anonymous(rf, caplog):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.core.handlers.exception import response_for_exception

    request = rf.post("/people/7/active/%0Aforged")  # a newline in the path
    request.user = AnonymousUser()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response_for_exception(request, PermissionDenied("只有项目办可以进行此操作。"))

    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == (
        "Forbidden: POST /people/7/active/\\nforged user=anonymous "
        "reason=只有项目办可以进行此操作。"
    )
    assert record.exc_info is None


def test_a_suspicious_request_is_one_line_too(rf, caplog):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import SuspiciousOperation
    from django.core.handlers.exception import response_for_exception

    request = rf.get("/projects/")
    request.user = AnonymousUser()
    with caplog.at_level(logging.WARNING):
        response_for_exception(request, SuspiciousOperation("伪造的请求"))

    [record] = [r for r in caplog.records if r.name.startswith("django.security")]
    assert record.exc_info is None
    assert record.getMessage() == "Bad Request: GET /projects/ user=anonymous reason=伪造的请求"
