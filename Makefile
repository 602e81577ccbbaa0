# Two commands for a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/keyprojects

.PHONY: run serve test test-sqlite test-postgres lint venv bench city-journey

$(STAMP): requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# System packages (CJK font, Pango, poppler) come from apt-get when missing: see the script.
venv: $(STAMP)
	@scripts/ensure-system-packages.sh

# The web server with the background worker beside it (scripts/with-worker.sh): Ctrl+C stops both.
run: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py seed_demo --if-empty
	scripts/with-worker.sh $(BIN)/python manage.py runserver 127.0.0.1:8000

# Production: gunicorn, DEBUG off, SECRET_KEY and DATABASE_URL from the environment (README).
serve: venv
	scripts/serve-production.sh

test: test-sqlite test-postgres

test-sqlite: venv
	scripts/pytest.sh

test-postgres: venv
	scripts/ensure-postgres.sh
	DATABASE_URL=$(PG_URL) scripts/pytest.sh

# Templates: djLint's linter ([tool.djlint]) and no line over its max_line_length.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy .
	$(BIN)/djlint templates --lint
	$(BIN)/python -c 'import tests.test_templates as t; t.test_no_template_line_is_longer_than_the_limit()'

# Not part of `make test`: pages and commands timed on a city's data set, SQLite and PostgreSQL,
# against the floor of the same work; fails naming what got 20 % slower than bench/results.json.
# BENCH_PROJECTS (20000), BENCH_YEARS (5), BENCH_REPEAT (3): docs/benchmarks.md.
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/keyprojects_bench
bench: venv
	scripts/ensure-postgres.sh
	PG_URL=$(BENCH_PG_URL) $(BIN)/python benchmarks/bench.py

# Not part of `make test`: a city's 200,000-row ledger uploaded in Chromium, previewed and imported by
# the background worker, killed mid-import and started again (tests/browser/test_city_journey.py,
# PostgreSQL; CITY_PROJECTS=10000 makes the 200,000 rows). Its time: docs/benchmarks.md.
city-journey: venv
	scripts/ensure-postgres.sh
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -p no:xdist -m city -s tests/browser/test_city_journey.py
