"""The outbox worker: claim rows with a conditional UPDATE, send, record the outcome.

Sent once: a row goes queued -> sending only through `UPDATE ... WHERE state='queued'`,
so two workers, a redelivered task or a rerun cannot both own it. The attempt is
counted when claimed (before sending); the row becomes 'sent' only after the SMTP
server accepted the message. A row still 'sending' long after its claim means a
worker died mid-send: it goes to 'needs_review' for a person, never resent blindly.
"""

import logging
import uuid
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import formataddr

from django.conf import settings
from django.db import transaction
from django.db.models import F, Subquery
from django.utils import timezone

from channels import DeliveryError
from channels.email import Email, EmailChannel
from receivables.models import DocumentKind, DocumentState

from . import attachments as files
from .clock import company_today
from .models import Batch, Reminder, ReminderState
from .rendering import EMAIL_CHANNELS

log = logging.getLogger(__name__)

CHUNK = int(getattr(settings, "RELANCE_OUTBOX_CHUNK", 25))
MAX_ATTEMPTS = int(getattr(settings, "RELANCE_OUTBOX_MAX_ATTEMPTS", 5))
BACKOFF_SECONDS = int(getattr(settings, "RELANCE_OUTBOX_BACKOFF", 60))
SENDING_TIMEOUT = timedelta(seconds=int(getattr(settings, "RELANCE_OUTBOX_TIMEOUT", 600)))


@dataclass
class DrainStats:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    cancelled: int = 0
    needs_review: int = 0
    batches: set = field(default_factory=set)


def backoff(attempts: int) -> timedelta:
    """60 s, 2 min, 4 min, ... capped at 1 h."""
    return timedelta(seconds=min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), 3600))


def flag_stale(now=None) -> int:
    """Rows left in 'sending' past the timeout: a worker died; a person decides."""
    now = now or timezone.now()
    return Reminder.objects.filter(
        state=ReminderState.SENDING, claimed_at__lt=now - SENDING_TIMEOUT
    ).update(
        state=ReminderState.NEEDS_REVIEW,
        last_error="Interrompu pendant l'envoi : vérifier s'il est parti avant de le renvoyer.",
    )


def claim(limit: int, batch_id: int | None = None, now=None) -> list[Reminder]:
    """Take up to `limit` due e-mail rows for this worker (conditional UPDATE)."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    due = Reminder.objects.filter(
        state=ReminderState.QUEUED, channel__in=EMAIL_CHANNELS, next_attempt_at__lte=now
    )
    if batch_id is not None:
        due = due.filter(batch_id=batch_id)
    candidates = due.order_by("next_attempt_at", "pk").values("pk")[:limit]
    Reminder.objects.filter(pk__in=Subquery(candidates), state=ReminderState.QUEUED).update(
        state=ReminderState.SENDING, claimed_at=now, claimed_by=token, attempts=F("attempts") + 1
    )
    return list(
        Reminder.objects.filter(claimed_by=token, state=ReminderState.SENDING)
        .select_related("company", "customer")
        .prefetch_related("attachments", "links__document")
        .order_by("pk")
    )


def still_owed(row: Reminder) -> bool:
    """False when every document was paid, cancelled or disputed since the row was queued."""
    for link in row.links.all():
        d = link.document
        if d.disputed:
            continue
        if d.kind == DocumentKind.QUOTE and d.state in (DocumentState.OPEN, DocumentState.EXPIRED):
            return True
        if d.state == DocumentState.OPEN and d.paid_amount < d.amount:
            return True
    return False


class _Files:
    """A small cache of attachment bytes: one invoice PDF read once, sent many times."""

    def __init__(self, size: int = 256):
        self.size = size
        self.data: OrderedDict[str, bytes] = OrderedDict()

    def get(self, name: str) -> bytes:
        if name in self.data:
            self.data.move_to_end(name)
            return self.data[name]
        content = files.read(name)
        self.data[name] = content
        if len(self.data) > self.size:
            self.data.popitem(last=False)
        return content


def to_email(row: Reminder, cache: _Files) -> Email:
    company = row.company
    sender = formataddr((company.display_name, company.email or settings.DEFAULT_FROM_EMAIL))
    return Email(
        from_email=sender,
        to=list(row.recipient),
        subject=row.subject,
        text=row.body_text,
        html=row.body_html,
        message_id=row.message_id,
        reply_to=[company.email] if company.email else [],
        attachments=[
            (a.filename, cache.get(a.file.name), a.mimetype) for a in row.attachments.all()
        ],
    )


class Outcomes:
    """Results of a chunk, written together (a few UPDATEs, not one per message)."""

    def __init__(self):
        self.sent: list[Reminder] = []
        self.retry: list[tuple[Reminder, str]] = []
        self.failed: list[tuple[Reminder, str]] = []
        self.review: list[tuple[Reminder, str]] = []
        self.cancelled: list[Reminder] = []
        self.unsent: list[Reminder] = []

    def write(self, stats: DrainStats) -> None:
        from .services import mark_documents_sent, release_documents

        now = timezone.now()
        with transaction.atomic():
            if self.sent:
                by_company = defaultdict(list)
                for row in self.sent:
                    by_company[row.company].append(row.pk)
                ids = [row.pk for row in self.sent]
                Reminder.objects.filter(pk__in=ids, state=ReminderState.SENDING).update(
                    state=ReminderState.SENT, sent_at=now, last_error=""
                )
                for company, company_ids in by_company.items():
                    mark_documents_sent(company_ids, company_today(company, now))
            for row, error in self.retry:
                Reminder.objects.filter(pk=row.pk, state=ReminderState.SENDING).update(
                    state=ReminderState.QUEUED,
                    next_attempt_at=now + backoff(row.attempts),
                    last_error=error,
                )
            for row, error in self.failed:
                Reminder.objects.filter(pk=row.pk, state=ReminderState.SENDING).update(
                    state=ReminderState.FAILED, last_error=error
                )
            for row, error in self.review:  # maybe accepted: resending could duplicate it
                Reminder.objects.filter(pk=row.pk, state=ReminderState.SENDING).update(
                    state=ReminderState.NEEDS_REVIEW, last_error=error
                )
            if self.cancelled:
                Reminder.objects.filter(pk__in=[r.pk for r in self.cancelled]).update(
                    state=ReminderState.CANCELLED,
                    last_error="Pièces réglées ou en litige depuis la mise en file : non envoyé.",
                )
            # claimed but never tried (stop requested): back to the queue, attempt undone
            if self.unsent:
                Reminder.objects.filter(
                    pk__in=[r.pk for r in self.unsent], state=ReminderState.SENDING
                ).update(state=ReminderState.QUEUED, attempts=F("attempts") - 1)
            release_documents([r.pk for r, _e in self.failed] + [r.pk for r in self.cancelled])
        stats.sent += len(self.sent)
        stats.retried += len(self.retry)
        stats.failed += len(self.failed)
        stats.cancelled += len(self.cancelled)
        stats.needs_review += len(self.review)
        done = self.retry + self.failed + self.review
        for row in self.sent + [r for r, _e in done] + self.cancelled:
            if row.batch_id:
                stats.batches.add(row.batch_id)


def drain(
    batch_id: int | None = None, stop=None, chunk: int | None = None, connection=None
) -> DrainStats:
    """Send every due queued e-mail (of one batch, or all) over one SMTP connection.
    `stop()` is checked between messages (SIGTERM): the claimed rest goes back."""
    stop = stop or (lambda: False)
    stats = DrainStats(needs_review=flag_stale())
    channel = EmailChannel(connection)
    cache = _Files()
    try:
        while not stop():
            rows = claim(chunk or CHUNK, batch_id)
            if not rows:
                break
            outcomes = Outcomes()
            for i, row in enumerate(rows):
                if stop():
                    outcomes.unsent.extend(rows[i:])
                    break
                _send_one(channel, row, cache, outcomes)
            outcomes.write(stats)
    finally:
        channel.close()
    _close_batches(stats.batches)
    return stats


def _send_one(channel: EmailChannel, row: Reminder, cache: _Files, out: Outcomes) -> None:
    if not still_owed(row):
        out.cancelled.append(row)
        return
    try:
        email = to_email(row, cache)
    except Exception as exc:  # e.g. an attachment file gone: this row cannot be sent
        out.failed.append((row, f"{type(exc).__name__}: {exc}"))
        return
    try:
        channel.send(email)
    except DeliveryError as err:
        if err.uncertain:
            out.review.append((row, str(err)))
        elif err.permanent or row.attempts >= MAX_ATTEMPTS:
            out.failed.append((row, str(err)))
        else:
            out.retry.append((row, str(err)))
        log.info("reminder %s: %s (%s)", row.pk, err, "permanent" if err.permanent else "retry")
        return
    out.sent.append(row)


def _close_batches(batch_ids) -> None:
    from .services import _close_if_done

    for batch in Batch.objects.filter(pk__in=list(batch_ids)):
        _close_if_done(batch)


def next_retry_at(batch_id: int | None = None):
    """When the earliest postponed e-mail becomes due (None: nothing waiting)."""
    qs = Reminder.objects.filter(state=ReminderState.QUEUED, channel__in=EMAIL_CHANNELS)
    if batch_id is not None:
        qs = qs.filter(batch_id=batch_id)
    row = qs.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()
    return row
