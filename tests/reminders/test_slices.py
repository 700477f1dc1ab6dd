"""A long batch is sent in slices: a background run sends for RELANCE_TASK_SLICE_SECONDS,
then queues the rest as a new run. RQ kills a job after its timeout (180 s unless told):
before slices, a run of 50,000 e-mails was killed at 3 minutes and the rest waited for a
worker's restart (found by bench/scale.py)."""

import itertools
import signal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from receivables.models import Customer
from reminders import tasks
from reminders.batches import create_batch
from reminders.models import Reminder, ReminderState
from reminders.tasks import process_batch

from .conftest import AS_OF


@pytest.fixture
def six_customers_late(company, late_invoice):
    docs = []
    for i in range(6):
        customer = Customer.objects.create(
            company=company, code=f"S{i}", name=f"Client {i}", emails=f"client{i}@anyway.example"
        )
        docs.append(late_invoice(customer=customer))
    return docs


@pytest.fixture
def clock(monkeypatch):
    """The runs' clock: one second more each time THEY read it. Only the tasks module's
    `time` is replaced: patching `time.monotonic` itself also ticked for the SMTP test
    server's event loop (a thread of this process, reading it all the time), so the slice
    sometimes ran out before the first message."""
    ticks = itertools.count()
    monkeypatch.setattr(tasks, "time", SimpleNamespace(monotonic=lambda: float(next(ticks))))


def test_a_run_stops_at_the_end_of_its_slice_and_queues_the_rest(
    company, six_customers_late, smtp_server, settings, clock
):
    settings.RELANCE_TASK_SLICE_SECONDS = 3
    batch = create_batch(company, six_customers_late, as_of=AS_OF)
    DBTaskResult.objects.all().delete()
    process_batch.call(batch.pk)
    sent = Reminder.objects.filter(batch=batch, state=ReminderState.SENT).count()
    assert 0 < sent < 6 and len(smtp_server.received) == sent
    assert Reminder.objects.filter(batch=batch, state=ReminderState.QUEUED).count() == 6 - sent
    next_run = DBTaskResult.objects.get()  # the rest, straight away
    assert next_run.task_result.args == [batch.pk] and next_run.task_result.task.run_after is None


@pytest.mark.django_db(transaction=True)  # the worker closes a connection inside a transaction
def test_the_slices_of_a_batch_send_every_message_once(
    company, six_customers_late, smtp_server, settings, clock
):
    settings.RELANCE_TASK_SLICE_SECONDS = 3
    batch = create_batch(company, six_customers_late, as_of=AS_OF)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:  # --batch: run what is queued, and what the runs queue, then exit
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    connection.close()
    assert Reminder.objects.filter(batch=batch, state=ReminderState.SENT).count() == 6
    received = sorted(m.rcpt_tos[0] for m in smtp_server.received)
    assert received == sorted(f"client{i}@anyway.example" for i in range(6))  # once each
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() > 1  # in several runs
