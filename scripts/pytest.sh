#!/usr/bin/env bash
# Runs the suite on the database DATABASE_URL names (SQLite when unset).
# pytest exits 5 when it collected no test: that is a broken suite, not a pass.
set -uo pipefail
cd "$(dirname "$0")/.."
# Compiled modules are kept (__pycache__, ignored by git) even where the environment asks
# Python not to write them: each worker otherwise compiles the apps and pytest rewrites the
# asserts of every test module again (collecting the suite on two workers: 15.5 CPU seconds,
# 7.3 with them kept). The PostgreSQL run of `make test` reads what the SQLite run wrote.
unset PYTHONDONTWRITEBYTECODE
echo "== tests on ${DATABASE_URL:-sqlite (db.sqlite3 settings, in-memory test database)}"
# worksteal: a worker that runs out takes half of what the other has left (the slow tests
# run first: tests/conftest.py).
.venv/bin/pytest -n 2 --dist worksteal "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: the suite is broken" >&2
  exit 1
fi
exit "$status"
