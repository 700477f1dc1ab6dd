#!/usr/bin/env bash
# Runs the web server and the background worker (database queue) side by side.
set -euo pipefail
BIN=.venv/bin
# two workers, one per core: a big batch is shared between them (RELANCE_SEND_WORKERS)
$BIN/python manage.py db_worker --interval 0.5 &
worker1=$!
$BIN/python manage.py db_worker --interval 0.5 &
worker2=$!
trap 'kill $worker1 $worker2 2>/dev/null || true' EXIT INT TERM
echo
echo "Relance runs at http://127.0.0.1:8000  (login: demo / demo-relance)"
echo
$BIN/python manage.py runserver 127.0.0.1:8000 --noreload
