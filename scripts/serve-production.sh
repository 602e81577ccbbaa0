#!/usr/bin/env bash
# Production start: gunicorn with several workers; whitenoise serves the static files.
#
#   SECRET_KEY=… DATABASE_URL=postgres://user@host:5432/keyprojects ALLOWED_HOSTS=xmb.example.gov.cn \
#     scripts/serve-production.sh
#
# DEBUG is off unless set; settings refuse to start without SECRET_KEY when it is off. HTTPS
# switches default to on (secure cookies, HSTS, redirect to https): an intranet served over
# plain HTTP sets HTTPS=0; behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=1.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBUG="${DEBUG:-0}"
# Server errors (with their traceback) go to stderr and to this file; LOG_FILE= turns the file off.
export LOG_FILE="${LOG_FILE-$PWD/logs/server.log}"
[ -z "$LOG_FILE" ] || mkdir -p "$(dirname "$LOG_FILE")"
export DJANGO_SETTINGS_MODULE=config.settings
BIND="${BIND:-127.0.0.1:8000}"
WORKERS="${WEB_CONCURRENCY:-$(( $(nproc) * 2 + 1 ))}"
THREADS="${GUNICORN_THREADS:-4}"

.venv/bin/python manage.py check --deploy --fail-level ERROR
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py collectstatic --noinput -v0

# The background worker (long jobs: a city's ledger preview and import) runs beside gunicorn and
# stops with it (scripts/with-worker.sh); JOBS_WORKER=0 when it runs as a service of its own
# (`manage.py jobs_worker`, on this machine or another against the same PostgreSQL).
exec scripts/with-worker.sh .venv/bin/gunicorn config.wsgi:application \
  --bind "$BIND" \
  --workers "$WORKERS" \
  --threads "$THREADS" \
  --worker-class gthread \
  --timeout "${GUNICORN_TIMEOUT:-120}" \
  --graceful-timeout 30 \
  --max-requests 2000 --max-requests-jitter 200 \
  --access-logfile "${ACCESS_LOG:--}" \
  --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" \
  --no-control-socket
