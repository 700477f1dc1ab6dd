"""Background work through the Tasks API: thin, it calls the use cases."""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django_tasks import task

from dunning.models import Channel
from receivables.logcontext import for_company

from . import lease
from .letters import letters_pdf
from .models import Batch, Reminder, ReminderState
from .outbox import drain, next_retry_at

log = logging.getLogger(__name__)


@task()
def process_batch(batch_id: int) -> dict:
    """Print the batch's letters and send its e-mails. Safe to run twice (or on two
    workers): rows are claimed with a conditional update. Postponed e-mails (4xx), and
    rows left 'sending' by a worker that may have died, get a deferred run when the
    backend can defer (`manage.py db_worker` and `rqworker` also resume open batches when
    they start)."""
    batch = Batch.objects.filter(pk=batch_id).first()
    if batch is None:
        return {"missing": batch_id}
    with for_company(batch.company_id):  # the company's id on every log line
        return _process(batch)


def _process(batch: Batch) -> dict:
    batch_id = batch.pk
    if batch.reminders.filter(channel=Channel.LETTER, state=ReminderState.QUEUED).exists():
        letters_pdf(batch)
    deadline = time.monotonic() + settings.RELANCE_TASK_SLICE_SECONDS
    stats = drain(batch_id=batch.pk, stop=lambda: time.monotonic() > deadline)
    if time.monotonic() > deadline and _queued_now(batch_id):
        process_batch.enqueue(batch_id)  # the next slice, straight away, in a new job
        return {"sent": stats.sent, "failed": stats.failed, "retried": stats.retried}
    when = _next_run_at(batch_id)
    if when is not None:
        backend = process_batch.get_backend()
        if getattr(backend, "supports_defer", False):
            process_batch.using(run_after=when).enqueue(batch_id)
        else:
            log.warning("batch %s has e-mails left: run `manage.py send_reminders`", batch_id)
    return {"sent": stats.sent, "failed": stats.failed, "retried": stats.retried}


def _queued_now(batch_id: int) -> bool:
    """E-mails of the batch due now (not postponed by a 4xx) and not yet claimed."""
    return Reminder.objects.filter(
        batch_id=batch_id, state=ReminderState.QUEUED, next_attempt_at__lte=timezone.now()
    ).exists()


def _next_run_at(batch_id: int):
    """When this batch needs another run: its earliest postponed e-mail (4xx), or when
    the lease on rows another worker holds in 'sending' runs out (that worker may have
    died: the run after it takes them up; a live one will have renewed it, and the run
    looks again later). None: nothing left to do."""
    times = [next_retry_at(batch_id)]
    held = Reminder.objects.filter(batch_id=batch_id, state=ReminderState.SENDING)
    oldest = held.aggregate(at=Min("claimed_at"))["at"]
    if oldest is not None:
        times.append(oldest + lease.timeout() + timedelta(seconds=1))
    times = [t for t in times if t is not None]
    return min(times) if times else None
