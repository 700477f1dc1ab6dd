"""A big batch is queued once per worker, so that several workers share it."""

from django_tasks import default_task_backend

from receivables.models import Customer
from reminders import sending
from reminders.batches import create_batch
from reminders.outbox import drain
from reminders.sending import enqueue_batch

from .conftest import AS_OF


def _batch(company, late_invoice, n):
    customers = [
        Customer.objects.create(company=company, code=f"S{i}", name=f"S{i}", emails=f"s{i}@x.org")
        for i in range(n)
    ]
    return create_batch(company, [late_invoice(customer=c) for c in customers], as_of=AS_OF)


def test_a_big_batch_is_queued_once_per_worker_and_each_message_goes_once(
    company, late_invoice, settings, monkeypatch, smtp_server
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.RELANCE_SEND_WORKERS = 3
    monkeypatch.setattr(sending, "SHARED_FROM", 2)
    batch = _batch(company, late_invoice, 6)
    default_task_backend.clear()
    enqueue_batch(batch.pk)
    runs = [r for r in default_task_backend.results if r.args == [batch.pk]]
    assert len(runs) == 3
    # the runs share the rows: together they send each message once
    sent = [drain(batch.pk, chunk=2).sent for _run in runs]
    assert sum(sent) == 6 and sent[0] == 6 and sent[1:] == [0, 0]
    assert len(smtp_server.received) == 6


def test_a_small_batch_is_queued_once(company, late_invoice, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.RELANCE_SEND_WORKERS = 3
    batch = _batch(company, late_invoice, 3)  # below SHARED_FROM
    default_task_backend.clear()
    enqueue_batch(batch.pk)
    assert [r.args for r in default_task_backend.results] == [[batch.pk]]
