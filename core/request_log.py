"""The server log's line for a refused request: one line saying who, what and why.

Django logs a 4xx it makes from an exception (PermissionDenied → 403, BadRequest and
SuspiciousOperation → 400) with that exception's traceback: a day of clerks opening a page
their role does not hold filled the log with tracebacks of refusals, which are not faults,
and hid the 500s. ``OneLineRefusal`` (LOGGING in config/settings.py puts it on the
``django.request`` logger and on the log's handlers, which the ``django.security.*`` loggers
reach) turns such a record into one line and leaves a 5xx, a fault, with its traceback:

    Forbidden: POST /people/7/active/ user=admin(系统管理员) reason=三员分立：…

The path and the reason are what the request and the refusal carry; characters that could
break the line (a newline in a path, a bidi control) are escaped, and both are shortened.
"""

import logging
from http import HTTPStatus

LONGEST = 300  # characters of a path or a reason kept on the line


def printable(text: str, longest: int = LONGEST) -> str:
    """``text`` on one line: control and invisible characters as escapes, at most ``longest``."""
    shown = "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )
    return shown if len(shown) <= longest else shown[: longest - 1] + "…"


def who(request) -> str:
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    role = getattr(user, "get_role_display", lambda: "")()
    return printable(user.get_username() + (f"({role})" if role else ""))


def refusal_line(status: int, request, reason: str) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = str(status)
    method = printable(getattr(request, "method", "") or "")
    path = printable(getattr(request, "path", "") or "")
    line = f"{phrase}: {method} {path} user={who(request)}"
    return line + (f" reason={printable(reason)}" if reason else "")


class OneLineRefusal(logging.Filter):
    """A record of a 4xx response that carries an exception becomes one line, no traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or status >= 500 or not record.exc_info:
            return True
        exception = record.exc_info[1]
        reason = str(exception) if exception is not None else ""
        record.msg = refusal_line(status, getattr(record, "request", None), reason)
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
