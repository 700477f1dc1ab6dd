#!/usr/bin/env bash
# Runs the web server (gunicorn, as in production) and the background workers
# (database queue) side by side.
set -euo pipefail
BIN=.venv/bin
export RELANCE_DEMO=1  # the demo may run without a SECRET_KEY of its own (relance/settings.py)
# customers' portal links (e-mails, letters' QR codes) lead to this server, wherever BIND puts it
bind=${BIND:-127.0.0.1:8000}
host=${bind%:*}
[ "$host" = 0.0.0.0 ] && host=localhost
export RELANCE_PUBLIC_URL=${RELANCE_PUBLIC_URL:-http://$host:${bind##*:}}
# three workers on two cores (sending mostly waits on the SMTP server): a big batch is
# shared between them (RELANCE_SEND_WORKERS)
workers=()
for _ in 1 2 3; do
  $BIN/python manage.py db_worker --interval 0.5 &
  workers+=($!)
done
trap 'kill "${workers[@]}" 2>/dev/null || true' EXIT INT TERM
echo
echo "Relance runs at http://$bind  (login: demo / demo-relance)"
echo
# the production server (deploy/gunicorn.conf.py), two processes: the demo runs as
# production does, static files by WhiteNoise
BIND=$bind WEB_CONCURRENCY=${WEB_CONCURRENCY:-2} \
  $BIN/gunicorn -c deploy/gunicorn.conf.py relance.wsgi
