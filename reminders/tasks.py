"""Background work through the Tasks API: thin, it calls the services."""

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def process_batch(batch_id: int) -> dict:
    """Print the batch's letters and send its e-mails. Safe to run twice (or on two
    workers): rows are claimed with a conditional update. Postponed e-mails (4xx)
    get a deferred run at their retry time when the backend can defer."""
    from dunning.models import Channel

    from .models import Batch, ReminderState
    from .outbox import next_retry_at
    from .services import letters_pdf, send_outbox

    batch = Batch.objects.filter(pk=batch_id).first()
    if batch is None:
        return {"missing": batch_id}
    if batch.reminders.filter(channel=Channel.LETTER, state=ReminderState.QUEUED).exists():
        letters_pdf(batch)
    stats = send_outbox(batch)
    when = next_retry_at(batch_id)
    if when is not None:
        backend = process_batch.get_backend()
        if getattr(backend, "supports_defer", False):
            process_batch.using(run_after=when).enqueue(batch_id)
        else:
            log.warning("batch %s has postponed e-mails: run `manage.py send_reminders`", batch_id)
    return {"sent": stats.sent, "failed": stats.failed, "retried": stats.retried}
