#!/usr/bin/env bash
# Production smoke test: the production layout on loopback, driven over HTTP.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/relance_smoke \
#   REDIS_URL=redis://127.0.0.1:6379/7 bash scripts/prod_smoke.sh [N_REMINDERS]
#
# Starts gunicorn (deploy/gunicorn.conf.py, 2 processes) on PostgreSQL, 2 RQ workers and
# rq-scheduler on Redis, and an SMTP server (aiosmtpd); then scripts/prod_smoke.py logs in,
# imports the customers and invoices, runs the scan, sends N reminders (default 1000) and
# checks that each message arrived once, the worklist is empty, /healthz is green and
# /metrics answers. Everything it started is stopped on exit, failure included.
# The database should be empty or disposable: the script adds a company and a user to it.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database}"
: "${REDIS_URL:?set REDIS_URL, e.g. redis://127.0.0.1:6379/7}"
N=${1:-1000}
PY=${PYTHON:-.venv/bin/python}
BIN=$(dirname "$PY")
WORK=$(mktemp -d -t relance-smoke-XXXXXX)
pids=()

stop_all() {
  local code=$?
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do  # 5 s for a warm shutdown, then no more waiting
    alive=0
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  if [ $code != 0 ]; then
    echo "--- smoke test failed ($code); the last lines of each log:" >&2
    for log in "$WORK"/*.log; do echo "== $log" >&2; tail -n 15 "$log" >&2; done
  fi
  rm -rf "$WORK" 2>/dev/null || rm -rf "$WORK"  # a killed writer may add a file meanwhile
  exit $code
}
trap stop_all EXIT INT TERM

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start() {  # start NAME COMMAND...: in its own process group, so that stop_all gets its children
  local name=$1; shift
  setsid "$@" >"$WORK/$name.log" 2>&1 &
  pids+=($!)
}

WEB_PORT=$(free_port); SMTP_PORT=$(free_port)
export DJANGO_SETTINGS_MODULE=relance.settings TASKS_BACKEND=rq REDIS_URL DATABASE_URL
export SECRET_KEY=smoke-$RANDOM-$RANDOM-$RANDOM-not-a-real-key-0123456789abcdef
export RELANCE_DATA_DIR=$WORK/data EMAIL_HOST=127.0.0.1 EMAIL_PORT=$SMTP_PORT
export RELANCE_SEND_WORKERS=2 RELANCE_METRICS_ALLOWED_IPS=127.0.0.1/32 RELANCE_LOG_FORMAT=json LOG_LEVEL=WARNING
export SMOKE_URL=http://127.0.0.1:$WEB_PORT SMOKE_SENT=$WORK/smtp.txt SMOKE_N=$N

"$PY" -c "import redis,os; r=redis.Redis.from_url(os.environ['REDIS_URL']); [r.delete(k) for k in r.scan_iter('rq:*')]"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py collectstatic --noinput -v 0
"$PY" scripts/prod_smoke.py setup >"$WORK/token"   # company, user, API token

start smtp "$PY" scripts/smtp_sink.py "$SMTP_PORT" "$SMOKE_SENT"
start web env BIND=127.0.0.1:$WEB_PORT WEB_CONCURRENCY=2 PROMETHEUS_MULTIPROC_DIR=$WORK/metrics \
  "$BIN/gunicorn" -c deploy/gunicorn.conf.py relance.wsgi
for i in 1 2; do start "worker$i" "$PY" manage.py rqworker default --name "smoke-$$-$i"; done
"$PY" manage.py schedule --cron "5 * * * *" >/dev/null
start scheduler "$PY" manage.py rqscheduler --interval 5

SMOKE_TOKEN=$(cat "$WORK/token") "$PY" scripts/prod_smoke.py run
for pid in "${pids[@]}"; do  # everything still running at the end
  kill -0 "$pid" 2>/dev/null || { echo "process $pid died during the run" >&2; exit 1; }
done
echo "prod smoke: OK"
