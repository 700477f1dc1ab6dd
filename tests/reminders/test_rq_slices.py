"""Slices on the scale-out path: a real RQ worker process over Redis sends a batch in
several short runs (RELANCE_TASK_SLICE_SECONDS), every message once."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.db import connection

from receivables.models import Customer
from reminders.batches import create_batch
from reminders.models import Reminder, ReminderState

from .conftest import AS_OF

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker process must share the test database (in-memory SQLite cannot)",
    ),
]


def _env(smtp_server, media, redis_url, **extra):
    db = connection.settings_dict
    return {
        **os.environ,
        "TASKS_BACKEND": "rq",
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "MEDIA_ROOT": str(media),
        "DJANGO_SETTINGS_MODULE": "relance.settings",
        "RELANCE_OUTBOX_CHUNK": "2",
        **extra,
    }


def _batch(company, late_invoice, n, capture):
    docs = []
    for i in range(n):
        customer = Customer.objects.create(
            company=company, code=f"Q{i}", name=f"Client {i}", emails=f"client{i}@anyway.example"
        )
        docs.append(late_invoice(customer=customer))
    with capture(execute=False):
        return create_batch(company, docs, as_of=AS_OF)


def _run(env, *args):
    manage = [sys.executable, str(django_settings.BASE_DIR / "manage.py")]
    return subprocess.run([*manage, *args], env=env, capture_output=True, text=True, timeout=180)


def test_rq_workers_send_a_batch_in_slices_every_message_once(
    transactional_db, late_invoice, company, smtp_server, media, redis_url,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    batch = _batch(company, late_invoice, 12, django_capture_on_commit_callbacks)
    env = _env(smtp_server, media, redis_url, RELANCE_TASK_SLICE_SECONDS="0.3")
    enqueue = f"from reminders.sending import enqueue_batch; enqueue_batch({batch.pk})"
    assert _run(env, "shell", "-c", enqueue).returncode == 0
    worker = _run(env, "rqworker", "--burst", "default")
    assert worker.returncode == 0, worker.stderr[-2000:]
    assert Reminder.objects.filter(batch=batch, state=ReminderState.SENT).count() == 12
    received = sorted(m.rcpt_tos[0] for m in smtp_server.received)
    assert received == sorted(f"client{i}@anyway.example" for i in range(12))
    assert worker.stderr.count("process_batch") > 2, worker.stderr[-2000:]  # several runs
