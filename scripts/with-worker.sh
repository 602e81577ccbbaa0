#!/usr/bin/env bash
# Runs the web server (the command given) with the background worker beside it: `make run` and
# scripts/serve-production.sh start the app through this. The worker (`manage.py jobs_worker`,
# docs/architecture.md "Background work") runs the long jobs (a city's ledger preview and import);
# if it dies it is started again after 5 s, and a worker that starts takes back the job the dead
# one left (run again from the start, or failed with its reason). Stopping the web server (Ctrl+C,
# or SIGTERM from systemd) stops the worker too: it finishes nothing half-way (a job's effect is
# one transaction), and the next start takes its job back.
#
#   scripts/with-worker.sh .venv/bin/python manage.py runserver 127.0.0.1:8000
#
# JOBS_WORKER=0 starts no worker here (one runs elsewhere: another machine, its own service).
set -uo pipefail
cd "$(dirname "$0")/.."

worker_loop() {
  local child=""
  trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' TERM INT
  while :; do
    .venv/bin/python manage.py jobs_worker &
    child=$!
    wait "$child"
    echo "后台任务处理进程已退出（状态 $?），5秒后重新启动" >&2
    sleep 5 &
    wait $!
  done
}

loop=""
if [ "${JOBS_WORKER:-1}" != "0" ]; then
  worker_loop &
  loop=$!
fi
stop() {
  [ -n "$loop" ] && kill -TERM "$loop" 2>/dev/null && wait "$loop" 2>/dev/null
  loop=""
}
server=""
trap '[ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server"; stop; exit 0' INT TERM
trap stop EXIT

"$@" &
server=$!
wait "$server"
status=$?
server=""
exit "$status"
