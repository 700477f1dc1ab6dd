#!/usr/bin/env bash
# Runs the web server and the background worker (database queue) side by side.
set -euo pipefail
BIN=.venv/bin
$BIN/python manage.py db_worker --interval 0.5 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo
echo "Relance runs at http://127.0.0.1:8000  (login: demo / demo-relance)"
echo
$BIN/python manage.py runserver 127.0.0.1:8000 --noreload
