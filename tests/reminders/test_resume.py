"""A worker killed mid-batch: the next one finishes the batch, a person sees the rest.

django-tasks-db never runs a "running" task again, so a starting `db_worker` queues the
unfinished batches again, and a run that sees rows held in 'sending' comes back after the
timeout to hand them to a person. The real kill is in tests/proof/test_crash.py."""

import signal

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reminders.batches import create_batch
from reminders.lease import timeout
from reminders.models import Reminder, ReminderState
from reminders.outbox import drain
from reminders.sending import resume_open_batches
from reminders.tasks import process_batch

from .conftest import AS_OF


def _hold(batch):
    """A row claimed by a worker that is still sending it (or died doing so)."""
    claimed = timezone.now()
    Reminder.objects.filter(batch=batch).update(state=ReminderState.SENDING, claimed_at=claimed)
    return claimed


def test_unfinished_batches_are_queued_again_and_finished_ones_are_not(
    late_invoice, company, smtp_server
):
    done = create_batch(company, [late_invoice()], as_of=AS_OF)
    drain(done.pk)
    left = create_batch(company, [late_invoice()], as_of=AS_OF)
    held = create_batch(company, [late_invoice()], as_of=AS_OF)
    _hold(held)
    DBTaskResult.objects.all().delete()  # the killed worker's tasks: never run again
    assert resume_open_batches() == 2
    queued = sorted(r.task_result.args[0] for r in DBTaskResult.objects.all())
    assert queued == sorted([left.pk, held.pk])


@pytest.mark.django_db(transaction=True)  # the worker closes a connection inside a transaction
def test_a_starting_db_worker_sends_what_a_killed_one_left(late_invoice, company, mailoutbox):
    batch = create_batch(company, [late_invoice()], as_of=AS_OF)
    DBTaskResult.objects.all().delete()
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:  # --batch: run what is queued, then exit
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert Reminder.objects.get(batch=batch).state == ReminderState.SENT
    assert [m.to for m in mailoutbox] == [["daisy@anyway.example"]]


def test_rows_another_worker_holds_bring_the_batch_back_after_the_timeout(
    late_invoice, company, smtp_server
):
    batch = create_batch(company, [late_invoice()], as_of=AS_OF)
    claimed = _hold(batch)
    DBTaskResult.objects.all().delete()
    process_batch.call(batch.pk)
    assert smtp_server.received == []  # not resent
    again = DBTaskResult.objects.get()
    assert again.task_result.args == [batch.pk]
    assert claimed + timeout() < again.run_after < claimed + timeout() * 2


def test_a_batch_with_nothing_held_or_postponed_is_not_run_again(
    late_invoice, company, smtp_server
):
    batch = create_batch(company, [late_invoice()], as_of=AS_OF)
    DBTaskResult.objects.all().delete()
    process_batch.call(batch.pk)
    assert len(smtp_server.received) == 1
    assert not DBTaskResult.objects.exists()
