"""Settings, read from environment variables.

Every value has a safe default for a developer's machine. Helpers refuse values they
cannot read rather than silently guessing, so a typo in a production environment file
stops the server at start-up instead of running with the wrong setting.
"""

import json
import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    """The variable's value; set but empty is unset, as ``env_bool`` reads it (``DATABASE_URL=``
    is SQLite, not a URL that fails to parse)."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_json_object(name: str) -> dict:
    """A JSON object (``{"bucket_name": "kp-media"}``); unset is ``{}``."""
    raw = env_str(name, "{}")
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object, got {raw!r}")
    return value


# DEBUG is off unless DEBUG=1 turns it on: under `make run` too, a reporter who opens another
# unit's record sees our Chinese 404, never Django's English debug page (whitenoise serves the
# collected static files either way). Production is declared by setting DEBUG=0, as
# scripts/serve-production.sh does: it must then bring its own SECRET_KEY, and the HTTPS
# switches default to on. With DEBUG unset (`make run`, the tests, a command on a developer's
# machine) the development key is used and plain HTTP works.
DEBUG = env_bool("DEBUG", False)
PRODUCTION = not DEBUG and env_str("DEBUG", "") != ""
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else "dev-only-secret-key-change-me")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "axes",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "core",
    "projects",
    "jobs",
    "accounts",
    "bonds",
    "supervision",
    "batches",
    "promotion",
    "investment",
    "history",
    "ledger",
    "upstream",
    "opendata",
    "backup",
    # Last, though every app writes to it (docs/architecture.md): a backup writes the tables in
    # this order, and the audit entries are restored after the users they name.
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "audit.middleware.AuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "core.middleware.SessionLimitMiddleware",
    "core.middleware.PasswordChangeRequiredMiddleware",
    "core.middleware.AdministratorScopeMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.views.sign_in.session_clock",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite is the embedded default; production sets DATABASE_URL=postgres://...
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Eight clerks pressing 报送 at once: WAL lets readers go on beside the one writer,
    # BEGIN IMMEDIATE takes the write lock at the start of each transaction (so no
    # transaction fails half-way when upgrading a read lock), and a writer waits up to
    # 20 s for the lock instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": env_int("SQLITE_TIMEOUT", 20),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it pays for long analytical queries, not for a page's. At a city's
    # 20,000 projects it took 0.2 s of the lag levels' 0.97 s (docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# A read replica of the PostgreSQL primary (a streaming standby), for the figure pages' reads only:
# the dashboard, rankings, lag list, board, briefing, their exports and the open data, as GETs
# (core/replica.py says when a read goes there; docs/deployment.md what a user may see). Unset:
# one database, no router. A user who changed data reads their figure pages from the primary this long.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 30)
if DATABASE_REPLICA_URL:
    replica = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=env_int("CONN_MAX_AGE", 0))
    postgresql = "django.db.backends.postgresql"
    if not DATABASES["default"]["ENGINE"] == replica["ENGINE"] == postgresql:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL is a PostgreSQL replica of DATABASE_URL's PostgreSQL database"
        )
    replica.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # The tests see the replica as the test database itself (Django's test mirror).
    DATABASES["replica"] = {**replica, "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
    # Inside the session and audit middleware (they read and write the primary after the page),
    # before django-axes, which stays last.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "core.replica.ReplicaReadsMiddleware"
    )

# Figures kept under the data version (`investment.selectors.figure_cache`): each process its own copy, which
# no write leaves stale (the version is in the database). Several app servers may share one
# (Redis or a database table) instead. The time limit only bounds a version that failed to move on.
FIGURE_CACHE_SECONDS = env_int("FIGURE_CACHE_SECONDS", 15 * 60)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "figures",
        "OPTIONS": {"MAX_ENTRIES": 200},
    },
}

AUTH_USER_MODEL = "projects.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
# The project page (项目详情, URL name `project_detail`, owned by `projects`) shows the plan rows
# with reports, funds and findings, so another app draws it; `projects` routes it to this view
# and never names that app itself (docs/architecture.md, "Apps and their dependencies").
PROJECT_PAGE_VIEW = "investment.views.overview.project_detail"
# The period a figures page shows (``?year=&month=``, else the one that is due, DESIGN.md §3),
# for pages of apps above `investment` (三个一批's): named here as the project page is.
ASKED_PERIOD = "investment.forms.asked_period"
LOGOUT_REDIRECT_URL = "login"

# Open data (OC4IDS, opendata/), each unset by default (the 开放数据 page says what each is set
# to, or what to set and what the file says meanwhile: opendata.documents.package.publishing):
# OC4IDS_ID_PREFIX, the prefix a publisher registers with the Open Contracting Partnership
# ("oc4ids-" and six letters or digits), before each project's 项目代码 (unset: the 项目代码 alone);
# OC4IDS_PUBLISHED_AT, where the office puts the yearly files (a package's uri: that address +
# "/2026.json"; unset: a urn:uuid naming the year's package, no address); OC4IDS_PUBLISHER, who
# publishes them (unset: the office's generic name, opendata.documents.package.PUBLISHER).
OC4IDS_ID_PREFIX = env_str("OC4IDS_ID_PREFIX", "")
if OC4IDS_ID_PREFIX and not re.fullmatch(r"oc4ids-[a-z0-9]{6}-", OC4IDS_ID_PREFIX):
    raise ImproperlyConfigured(
        f"OC4IDS_ID_PREFIX must be oc4ids- and six letters or digits and -, got {OC4IDS_ID_PREFIX!r}"
    )
OC4IDS_PUBLISHED_AT = env_str("OC4IDS_PUBLISHED_AT", "")
OC4IDS_PUBLISHER = env_str("OC4IDS_PUBLISHER", "")

# django-axes watches every login attempt first; ModelBackend then checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Password policy. The defaults are the 等保 2.0 level-2 profile (GB/T 22239-2019 8.1.4.1):
# at least 8 characters from three of the four classes (upper, lower, digit, symbol), none
# of the last 5 passwords again, a change every 90 days, and an initial password set by an
# administrator changed at first sign-in. PASSWORD_MAX_AGE_DAYS=0 turns expiry off.
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8)
PASSWORD_MIN_CLASSES = env_int("PASSWORD_MIN_CLASSES", 3)
PASSWORD_HISTORY = env_int("PASSWORD_HISTORY", 5)
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90)
if not 1 <= PASSWORD_MIN_CLASSES <= 4:
    raise ImproperlyConfigured("PASSWORD_MIN_CLASSES must be between 1 and 4")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "core.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "core.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_classes": PASSWORD_MIN_CLASSES},
    },
    {
        "NAME": "core.passwords.PasswordHistoryValidator",
        "OPTIONS": {"count": PASSWORD_HISTORY},
    },
]

# Lockout (django-axes): 5 failures for one user name lock it for 10 minutes. Counting by
# user name, not by address: a county intranet puts whole offices behind one NAT address,
# and an unknown name is counted the same way, so the page never tells which names exist.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 10))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Counted under the name as kept (lower case, NFKC), whatever case or width was typed.
AXES_USERNAME_CALLABLE = "accounts.views.sign_in.login_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.sign_in.lockout_response"
AXES_VERBOSE = False

# Sessions: signed out after 30 idle minutes (the expiry moves on with every request) and in
# any case 12 hours after signing in (core.middleware.SessionLimitMiddleware).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # the cookie goes with the browser; the server keeps 30 min
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_HOURS", 12) * 3600
# Signed-in pages warn this long before either limit (static/js/session-clock.js).
SESSION_WARNING_SECONDS = env_int("SESSION_WARNING_MINUTES", 5) * 60

# HTTP hardening. The HTTPS switches default to on in production (DEBUG=0) and off on a
# developer's machine; an intranet that really serves plain HTTP sets HTTPS=0 (and accepts
# that `check --deploy` then warns about cookies and HSTS). Behind a TLS-terminating proxy
# set SECURE_PROXY_SSL_HEADER=1 so Django trusts its X-Forwarded-Proto.
HTTPS = env_bool("HTTPS", PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Our pages use our own stylesheet and no script; Django's admin loads its scripts as files.
# No page has an inline <script> or a style="" (tests/security/test_hostile_input.py), so the
# policy needs no 'unsafe-inline'. Charts are inline SVG markup with presentation attributes
# (fill=, stroke=), which style-src does not govern.
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)
# The HSTS preload list is for public domains; a county intranet host cannot be on it.
# axes.W006 asks to count failures by address too: see the lockout comment above (one NAT
# address per office would let one mistyping clerk lock out the whole office).
SILENCED_SYSTEM_CHECKS = ["security.W021", "axes.W006"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# Every list table renders through one template: our .table look, sortable headers, the pager.
DJANGO_TABLES2_TEMPLATE = "partials/table.html"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Where uploads, photos and jobs' files are kept, for every app server and worker alike
# (docs/deployment.md): files under MEDIA_ROOT (a folder every machine mounts) unless
# MEDIA_STORAGE names another storage class, with MEDIA_STORAGE_OPTIONS its options as a JSON
# object; a province with an S3-compatible store installs django-storages and boto3 itself and
# names storages.backends.s3.S3Storage. `manage.py check` (run by the production start) loads it.
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage")
if not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+", MEDIA_STORAGE):
    raise ImproperlyConfigured(f"MEDIA_STORAGE must name a storage class, got {MEDIA_STORAGE!r}")
STORAGES = {
    "default": {"BACKEND": MEDIA_STORAGE, "OPTIONS": env_json_object("MEDIA_STORAGE_OPTIONS")},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Ledger import limits. A county's ledger is a few hundred KB, a city's whole export (500,000
# monthly rows) about 20 MB; sheets are streamed row by row with no row cap below Excel's own.
# Every uploaded workbook is read by core/workbooks.py, which also lowers these for a small
# file (what it unzips to, the strings it holds, in proportion to its size), so a small file
# never costs what a large one may. The shared-string table is the one part held in memory
# whole: its strings and their characters are counted (about 60 bytes a string, 2 a character).
# An upload with more rows than this (a city's ledger) is previewed and imported in the background,
# its progress on a page of its own; a county's (50–300 projects) still within the request.
LEDGER_BACKGROUND_ROWS = env_int("LEDGER_BACKGROUND_ROWS", 2000)
# 导入填报员 of more people than this is confirmed in the background: each account's password hash
# takes about 0.25 s here (PBKDF2, Django's 1,000,000 rounds), so 30 people take 8 s in the request
# and the most a list may hold (500) two minutes. Their initial passwords are sealed for the
# browser that confirmed (accounts/services/initial_passwords.py).
PEOPLE_BACKGROUND_ROWS = env_int("PEOPLE_BACKGROUND_ROWS", 30)
LEDGER_MAX_BYTES = env_int("LEDGER_MAX_BYTES", 100 * 1024 * 1024)
LEDGER_MAX_UNZIPPED_BYTES = env_int("LEDGER_MAX_UNZIPPED_BYTES", 1024 * 1024 * 1024)
LEDGER_MAX_SHARED_STRINGS = env_int("LEDGER_MAX_SHARED_STRINGS", 2_000_000)
LEDGER_MAX_SHARED_CHARS = env_int("LEDGER_MAX_SHARED_CHARS", 40_000_000)

# Progress photos: a phone photo is 2–8 MB and 12–50 megapixels.
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 15 * 1024 * 1024)
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 60_000_000)
PHOTO_MAX_PER_REPORT = env_int("PHOTO_MAX_PER_REPORT", 9)

# Attachments (rectification evidence, fund documents): PDF, images and Office files only.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
ATTACHMENT_MAX_FILES = env_int("ATTACHMENT_MAX_FILES", 10)

# Every uploaded file goes to a temporary file on disk (above 2.5 MB) and is counted as it
# arrives: past its page's limit above (the ledger's on the ledger upload, the photo and
# attachment ones elsewhere) the rest is read and dropped, never kept, and the view refuses
# the file by its size (core/uploads.py).
# The pages whose uploads may be larger than a photo or an attachment: URL name → the setting
# holding its limit.
UPLOAD_LIMITS = {"ledger_import": "LEDGER_MAX_BYTES", "backup_restore": "BACKUP_MAX_BYTES"}
FILE_UPLOAD_HANDLERS = [
    "core.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# What the apps below the ledger add to the demo county (the ledger may not import them,
# docs/architecture.md): each function is run by ledger.services.demo.seed_demo once it is built.
DEMO_STORIES = ["upstream.services.demo.upstream_story"]

# Long work (a city's ledger preview and import, …) runs in the background as a job (jobs/): Django's
# tasks API through the django-tasks backport, the tasks kept in our own database (django-tasks-db)
# and run by `manage.py jobs_worker`, which `make run` and scripts/serve-production.sh start beside
# the web server: no new server for a county, and a worker on another machine against the same
# PostgreSQL takes its share (each task is claimed by one worker). A province that runs Redis may
# switch: `pip install django-tasks-rq django-rq`, add "django_tasks_rq" and "django_rq" to
# INSTALLED_APPS, TASKS_BACKEND=django_tasks_rq.RQBackend, RQ_QUEUES = {"default": {"URL": …}},
# and run `manage.py rqworker --job-class django_tasks_rq.Job` instead of jobs_worker.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A job whose worker died mid-way (its process gone, or on another machine silent this long) is
# taken back when a worker starts: run again from the start (nothing of it was written: its effect
# is one transaction) until it has been tried JOBS_MAX_ATTEMPTS times, then failed with its reason.
JOBS_STALE_SECONDS = env_int("JOBS_STALE_SECONDS", 300)
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 2)
# An ended job (its page, its result file) and the task queue's finished rows are kept this many
# days, then deleted by `manage.py jobs_prune` and by the worker (when it starts, then at most once
# an hour after a job); queued and running jobs are never deleted.
JOBS_KEEP_DAYS = env_int("JOBS_KEEP_DAYS", 30)
# An Excel export over more projects than this (a city's) is made by a background job, its progress
# page offering the file when done; a county's (50–300 projects) is downloaded at once.
EXPORT_BACKGROUND_PROJECTS = env_int("EXPORT_BACKGROUND_PROJECTS", 1000)

# The audit trail is kept at least this long (等保 2.0: six months); nothing in the app deletes it.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)

# The key of the backups' keyed checksum (backup/rules/signing.py); empty → SECRET_KEY. Keep a copy
# apart from the backups: a new machine restores a backup only with the key that signed it.
BACKUP_KEY = env_str("BACKUP_KEY", "")
# The largest backup 数据备份's page takes for a restore (a larger one: `manage.py restore`).
BACKUP_MAX_BYTES = env_int("BACKUP_MAX_BYTES", 2 * 1024 * 1024 * 1024)

# Server errors go with their traceback to standard error (gunicorn's log, `make run`'s
# terminal), and to LOG_FILE when the production start sets it; DEBUG off no longer means
# a 500 leaves no trace.
LOG_FILE = env_str("LOG_FILE", "")
# A refusal (403, 400) is one line, who, what and why, without a traceback: only a 500 has one
# (core/request_log.py). The filter sits on django.request itself, so every handler sees
# the one line, and on the handlers, which the django.security.* loggers reach.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_refusal": {"()": "core.request_log.OneLineRefusal"}},
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["one_line_refusal"],
        },
        **(
            {
                "file": {
                    "class": "logging.handlers.WatchedFileHandler",
                    "filename": LOG_FILE,
                    "formatter": "plain",
                    "filters": ["one_line_refusal"],
                }
            }
            if LOG_FILE
            else {}
        ),
    },
    "loggers": {
        "django": {
            "handlers": ["stderr", *(["file"] if LOG_FILE else [])],
            "level": env_str("LOG_LEVEL", "WARNING"),
        },
        "django.request": {"filters": ["one_line_refusal"]},
    },
}
