"""The database-queue worker's log lines say for which company it works: a batch's
sending failure logged by the outbox carries the company's id and the task's id, and the
worker's next line, after the task, carries no company (it is not carried over)."""

import json
import logging
import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from relance.ops.logs import ContextFilter, JsonFormatter
from reminders.batches import create_batch
from reminders.models import Reminder, ReminderState

from .conftest import AS_OF, free_port


@pytest.mark.django_db(transaction=True)  # the worker closes a connection inside a transaction
def test_a_db_worker_logs_the_company_of_the_task_it_runs(late_invoice, company, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_TIMEOUT = 2
    batch = create_batch(company, [late_invoice()], as_of=AS_OF)
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(ContextFilter())
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:  # the worker of `relance db_worker`, in this process: run what is queued, exit
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=1)
    finally:
        for name in ("django_tasks", "django_tasks_db"):  # the command set their levels
            logging.getLogger(name).setLevel(logging.NOTSET)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert Reminder.objects.get(batch=batch).state == ReminderState.QUEUED  # to retry
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records]
    [refused] = [line for line in lines if line["logger"] == "reminders.outbox"]
    assert refused["message"].endswith("(retry)")
    # the worker may have queued the batch again when it started: one of its tasks
    tasks = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert refused["company_id"] == company.pk and refused["task_id"] in tasks
    [finished] = [line for line in lines if f"id={refused['task_id']} " in line["message"]][-1:]
    assert "state=SUCCESSFUL" in finished["message"]
    assert finished["task_id"] == refused["task_id"] and finished["company_id"] is None


@pytest.mark.redis
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker process must share the test database (in-memory SQLite cannot)",
)
def test_an_rq_worker_process_logs_the_company_in_json(
    transactional_db, late_invoice, company, media, redis_url, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        batch = create_batch(company, [late_invoice()], as_of=AS_OF)
    db = connection.settings_dict
    env = {
        **os.environ,
        "TASKS_BACKEND": "rq",
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(free_port()),  # nobody listens: the outbox logs a retry
        "MEDIA_ROOT": str(media),
        "DJANGO_SETTINGS_MODULE": "relance.settings",
        "RELANCE_LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
    }
    manage = [sys.executable, str(django_settings.BASE_DIR / "manage.py")]
    enqueue = f"from reminders.sending import enqueue_batch; enqueue_batch({batch.pk})"
    subprocess.run([*manage, "shell", "-c", enqueue], env=env, check=True, timeout=60)
    worker = subprocess.run(
        [*manage, "rqworker", "--burst", "default"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr[-2000:]
    lines = [json.loads(x) for x in worker.stderr.splitlines() if x.startswith("{")]
    refused = [x for x in lines if x["logger"] == "reminders.outbox"]
    assert refused, worker.stderr[-2000:]
    assert all(x["company_id"] == company.pk and x["task_id"] for x in refused)
