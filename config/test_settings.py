"""Fast settings for the test suite; the database still comes from DATABASE_URL."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files are served by runserver/whitenoise outside tests; tests never collect them.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # The suite's SQLite database lives in memory, and the browser tests' live server shares
    # its one connection between its threads: two explicit BEGIN IMMEDIATE on one connection
    # collide ("cannot start a transaction within a transaction"). The production settings
    # (WAL, immediate transactions, busy timeout) are tested on a file database in a
    # subprocess: tests/security/test_sqlite_concurrent_writes.py.
    DATABASES["default"]["OPTIONS"].pop("transaction_mode", None)  # noqa: F405

# The read replica (core/replica.py) as Django tests one: an alias on the test database itself
# (a test mirror). Nothing reads it unless a test installs the router and its middleware, as
# tests/core/test_replica.py does; every other test runs as a county does, on one database.
if "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = {  # noqa: F405
        **DATABASES["default"],  # noqa: F405
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),  # noqa: F405
        "TEST": {"MIRROR": "default"},
    }
