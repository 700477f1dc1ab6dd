"""gunicorn's configuration for Relance: `gunicorn -c deploy/gunicorn.conf.py relance.wsgi`.

Used by the systemd unit (deploy/systemd/relance-web.service), `make demo` and the
production smoke test (scripts/prod_smoke.sh), so all three run the same server.
Tunables come from the environment, under gunicorn's own names (not RELANCE_*: they
belong to the server, not to the application): BIND, WEB_CONCURRENCY, WEB_TIMEOUT.
"""

import multiprocessing
import os
import shutil
import tempfile

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Sync workers, one request each: a request either waits on the database or renders a
# PDF (CPU), so about two processes per core keep the cores busy.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
# An import of 100,000 rows takes ~30 s: the default 30 s would kill it half-way.
timeout = int(os.environ.get("WEB_TIMEOUT", "120"))
graceful_timeout = 30  # SIGTERM: requests in flight finish, new ones go to the others
keepalive = 5  # behind nginx on the same host (proxy keep-alive)
# WeasyPrint and big imports grow a process; recycle each one now and then, not all at once.
max_requests = 2000
max_requests_jitter = 200
# The proxy on this host sets X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER trusts it).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Relance writes one JSON line per request itself (relance/logs.py, with the request and
# company ids); gunicorn's own access log would say it twice.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# A heartbeat file per worker; /dev/shm: a slow disk must not make the master kill workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
proc_name = "relance-web"
# no control socket in $HOME (one per user, shared by every gunicorn it starts):
# systemd's signals (reload = HUP, stop = TERM) are the controls
control_socket_disable = True

# Prometheus counters of every worker process are summed by /metrics (prometheus_client's
# multiprocess mode): each worker writes its own files in this folder.
_metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    os.path.join(tempfile.gettempdir(), f"relance-metrics-{os.getpid()}"),
)


def on_starting(server):
    """A fresh folder at each start: counters from a previous run must not be added in."""
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    os.makedirs(_metrics_dir, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
