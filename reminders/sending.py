"""Sending a batch: handed to the background workers, resumed after a crash, drained.

enqueue_batch        queue a batch for the workers (once per worker for a big one)
resume_open_batches  queue again what a killed worker left (when a worker starts)
send_outbox          deliver queued e-mails (the worker's and `send_reminders`' entry point)
cancel_reminder      a reminder that has not started sending is not sent
resolve_needs_review a person says whether an interrupted reminder went out
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dunning.models import Channel

from .models import Batch, BatchState, Reminder, ReminderState
from .outbox import drain
from .outcomes import mark_documents_sent, release_documents
from .rendering import EMAIL_CHANNELS
from .tasks import process_batch

log = logging.getLogger(__name__)
SHARED_FROM = 200  # e-mails: below this, one worker is done before a second one starts


def enqueue_batch(batch_id: int) -> None:
    """Hand the batch to the background workers; if the queue is down, the rows wait
    for `manage.py send_reminders` (cron) — they are already safely written. A big batch
    is queued once per worker (RELANCE_SEND_WORKERS) so that they share it: rows are
    claimed one chunk at a time, and a run that finds nothing left simply ends."""
    emails = Reminder.objects.filter(
        batch_id=batch_id, state=ReminderState.QUEUED, channel__in=EMAIL_CHANNELS
    ).count()
    runs = max(1, min(settings.RELANCE_SEND_WORKERS, emails // SHARED_FROM))
    try:
        for _run in range(runs):
            process_batch.enqueue(batch_id)
    except Exception:
        log.exception("could not enqueue batch %s; run `manage.py send_reminders`", batch_id)


def resume_open_batches() -> int:
    """Queue again every batch with letters or e-mails still to send (or left 'sending'):
    what a worker does when it starts, since a killed worker's task is never run again.
    Returns how many batches were queued."""
    open_rows = Reminder.objects.filter(
        batch__state=BatchState.OPEN,
        state__in=[ReminderState.QUEUED, ReminderState.SENDING],
        channel__in=[*EMAIL_CHANNELS, Channel.LETTER],
    )
    ids = list(open_rows.order_by("batch_id").values_list("batch_id", flat=True).distinct())
    for batch_id in ids:
        enqueue_batch(batch_id)
    return len(ids)


def send_outbox(batch: Batch | None = None, stop=None, chunk: int | None = None):
    """Deliver the queued e-mails (of one batch, or all); safe to run many at once."""
    return drain(batch_id=batch.pk if batch else None, stop=stop, chunk=chunk)


def cancel_reminder(reminder: Reminder) -> bool:
    """Cancel a reminder that has not started sending; False if it is too late."""
    with transaction.atomic():
        n = Reminder.objects.filter(pk=reminder.pk, state=ReminderState.QUEUED).update(
            state=ReminderState.CANCELLED
        )
        if n:
            release_documents([reminder.pk])
    return bool(n)


def resolve_needs_review(reminder: Reminder, was_sent: bool) -> bool:
    """A person checked a reminder left in 'sending' by a crash: it went out, or not.
    False when it was not (or no longer) waiting for that decision."""
    with transaction.atomic():
        n = Reminder.objects.filter(pk=reminder.pk, state=ReminderState.NEEDS_REVIEW).update(
            state=ReminderState.SENT if was_sent else ReminderState.QUEUED,
            sent_at=timezone.now() if was_sent else None,
            next_attempt_at=timezone.now(),
        )
        if n and was_sent:
            mark_documents_sent([reminder.pk], reminder.company.today())
    if n and not was_sent and reminder.batch_id:
        transaction.on_commit(lambda: enqueue_batch(reminder.batch_id))
    return bool(n)
