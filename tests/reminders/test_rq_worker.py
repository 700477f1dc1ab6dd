"""The scale-out path: a reminder delivered by a real RQ worker process over Redis."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.db import connection

from reminders.batches import create_batch
from reminders.models import Reminder, ReminderState

from .conftest import AS_OF


@pytest.mark.redis
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker process must share the test database (in-memory SQLite cannot)",
)
def test_a_reminder_is_delivered_by_an_rq_worker_process(
    transactional_db,
    late_invoice,
    company,
    smtp_server,
    media,
    redis_url,
    django_capture_on_commit_callbacks,
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
        "EMAIL_PORT": str(smtp_server.port),
        "MEDIA_ROOT": str(media),
        "DJANGO_SETTINGS_MODULE": "relance.settings",
    }
    manage = [sys.executable, str(django_settings.BASE_DIR / "manage.py")]
    enqueue = f"from reminders.sending import enqueue_batch; enqueue_batch({batch.pk})"
    subprocess.run([*manage, "shell", "-c", enqueue], env=env, check=True, timeout=60)
    assert Reminder.objects.get().state == ReminderState.QUEUED  # nothing sent yet
    worker = subprocess.run(
        [*manage, "rqworker", "--burst", "default"],  # as the README says
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr[-2000:]
    row = Reminder.objects.get()
    assert row.state == ReminderState.SENT, (row.last_error, worker.stderr[-2000:])
    [received] = smtp_server.received
    assert received.message["Message-ID"] == row.message_id
