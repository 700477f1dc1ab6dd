"""The outbox worker: claim rows with a conditional UPDATE, send, record each outcome.

Sent once: a row goes queued -> sending only through `UPDATE ... WHERE state='queued'`,
so two workers, a redelivered task or a rerun cannot both own it. Just before a message
is handed to the SMTP server, `handed_at` is committed (and the attempt counted); right
after the server answers, the outcome is committed. So when a worker dies, a claimed row
it never handed over goes back to the queue (it cannot have left), and at most the one
message it was sending is in doubt: that row goes to 'needs_review' for a person, never
resent blindly. A row becomes 'sent' only after the server accepted the message. A live
worker renews its claim (reminders/lease.py); a dead one's rows are taken up once their
lease has run out (RELANCE_OUTBOX_TIMEOUT).
"""

import logging
import uuid
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from email.utils import formataddr
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext_noop

from dunning.models import Level
from receivables.models import Company, DocumentKind, DocumentState
from receivables.models.document import LIFECYCLE_STOPS

from . import attachments as files
from . import lease
from .delivery import DeliveryError, Email, EmailTransport, transport_class
from .ledger import DrainStats, Ledger, Outcome
from .models import Attachment, Batch, Reminder, ReminderDocument, ReminderState
from .outcomes import close_if_done, mark_documents_sent
from .rendering import EMAIL_CHANNELS
from .wording import word_claimed

log = logging.getLogger(__name__)

# Settings (relance/settings.py) are read at each call, not at import: tests change them.
# RELANCE_OUTBOX_CHUNK: rows a worker claims at once (fewer, longer claims cost less per
# message; after a crash the unsent rest of a chunk goes out once the lease ran out).


# stored as written here, translated when shown (Reminder.error_in_words)
INTERRUPTED = gettext_noop(
    "Interrompu pendant l'envoi : vérifier s'il est parti avant de le renvoyer."
)


def flag_stale(now=None) -> int:
    """Rows left in 'sending' whose lease ran out: their worker died. One it had settled
    as sent (`sent_at`, see reminders/ledger.py) is finished: 'sent', its documents moved
    on. One never handed to the server goes back to the queue; one handed over may have
    left: a person decides. Returns how many went to review."""
    now = now or timezone.now()
    stale = Reminder.objects.filter(
        state=ReminderState.SENDING, claimed_at__lt=lease.expired_before(now)
    )
    _finish_sent(stale.filter(sent_at__isnull=False))
    stale.filter(handed_at__isnull=True).update(
        state=ReminderState.QUEUED, claimed_by="", next_attempt_at=now
    )
    return stale.filter(handed_at__isnull=False).update(
        state=ReminderState.NEEDS_REVIEW,
        last_error=INTERRUPTED,
    )


def _finish_sent(rows) -> None:
    """Sent rows a dead worker left 'sending': each becomes 'sent' by a conditional
    update, and only the one that made it so moves its documents on (two workers
    looking at once cannot move them twice)."""
    for row in rows.select_related("company").only("pk", "sent_at", "company"):
        with transaction.atomic():
            if Reminder.objects.filter(
                pk=row.pk, state=ReminderState.SENDING, sent_at__isnull=False
            ).update(state=ReminderState.SENT):
                mark_documents_sent([row.pk], row.company.today(row.sent_at))


@dataclass(frozen=True)
class Link:
    """What the worker reads of a reminded document (still owed? which level?)."""

    level_rank: int
    document_id: int
    kind: str
    state: str
    disputed: bool
    amount: Decimal
    paid_amount: Decimal
    lifecycle_status: str = ""


# of the document
LINK_FIELDS = ("kind", "state", "disputed", "amount", "paid_amount", "lifecycle_status")


@dataclass(frozen=True)
class File:
    filename: str
    name: str  # in the storage
    mimetype: str


def claim(
    limit: int,
    batch_id: int | None = None,
    now=None,
    renderers: dict | None = None,
    token: str | None = None,
    cache: "_Files | None" = None,
) -> list[Reminder]:
    """Take up to `limit` due e-mail rows for this worker (conditional UPDATE) under
    `token` (its lease's), each with its `outbox_links` and `outbox_files` (plain values:
    two queries for the chunk), after wording those whose words are pending
    (`reminders.wording`)."""
    now = now or timezone.now()
    token = token or uuid.uuid4().hex
    due = Reminder.objects.filter(
        state=ReminderState.QUEUED, channel__in=EMAIL_CHANNELS, next_attempt_at__lte=now
    )
    if batch_id is not None:
        due = due.filter(batch_id=batch_id)
    candidates = due.order_by("next_attempt_at", "pk").values("pk")[:limit]
    if connection.features.has_select_for_update_skip_locked:
        _claim_skipping_locked(candidates, now, token)
    else:  # SQLite: one UPDATE holds the only write lock, nobody claims meanwhile
        Reminder.objects.filter(pk__in=Subquery(candidates), state=ReminderState.QUEUED).update(
            state=ReminderState.SENDING, claimed_at=now, claimed_by=token, handed_at=None
        )
    rows = list(
        Reminder.objects.filter(claimed_by=token, state=ReminderState.SENDING).order_by("pk")
    )
    _share_company_and_level(rows)
    ids = [row.pk for row in rows]
    links, files = defaultdict(list), defaultdict(list)
    for values in ReminderDocument.objects.filter(reminder_id__in=ids).values_list(
        "reminder_id", "level_rank", "document_id", *(f"document__{f}" for f in LINK_FIELDS)
    ):
        links[values[0]].append(Link(*values[1:]))
    for row in rows:
        row.outbox_links, row.wording_error = links[row.pk], ""
    to_word = [row for row in rows if row.words_pending and still_owed(row)]
    written = {}
    if to_word:  # their attachments as written, their bytes kept for the sender
        written = word_claimed(to_word, renderers, cache.put if cache is not None else None)
    for reminder_id, attached in written.items():
        files[reminder_id] = [File(a.filename, a.file.name, a.mimetype) for a in attached]
    # only the others' are read: written before (with their batch, or by an earlier
    # claim). Reading back the chunk's own cost a query each (bench/send.py: a scan of
    # the whole table, which grows as the batch goes out and which no ANALYZE has seen)
    unread = [pk for pk in ids if pk not in written]
    for reminder_id, *values in (
        Attachment.objects.filter(reminder_id__in=unread)
        .order_by("pk")
        .values_list("reminder_id", "filename", "file", "mimetype")
        if unread
        else ()
    ):
        files[reminder_id].append(File(*values))
    for row in rows:
        row.outbox_files = files[row.pk]
    return rows


def _share_company_and_level(rows: list[Reminder]) -> None:
    """One Company and one Level object for all the rows that have them (two small
    queries), not one of each per row as `select_related` builds: a chunk has a
    handful of each, and a Company object is costly to build."""
    companies = Company.objects.in_bulk({row.company_id for row in rows})
    levels = Level.objects.in_bulk({row.level_id for row in rows if row.level_id})
    for row in rows:
        row.company = companies[row.company_id]
        row.level = levels.get(row.level_id)  # None: the level was deleted meanwhile


def still_owed(row: Reminder) -> bool:
    """False when every document was paid, cancelled or disputed since the row was queued
    (on the platform too: refused, disputed, suspended or rejected)."""
    for d in row.outbox_links:
        if d.disputed or d.lifecycle_status in LIFECYCLE_STOPS:
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
        self.put(name, content)
        return content

    def put(self, name: str, content: bytes) -> None:
        self.data[name] = content
        if len(self.data) > self.size:
            self.data.popitem(last=False)


@lru_cache(maxsize=64)
def _sender(name: str, address: str) -> str:
    return formataddr((name, address))  # ~50 µs: once per company, not per message


def to_email(row: Reminder, cache: _Files) -> Email:
    company = row.company
    return Email(
        from_email=_sender(company.display_name, company.email or settings.DEFAULT_FROM_EMAIL),
        to=list(row.recipient),
        subject=row.subject,
        text=row.body_text,
        html=row.body_html,
        message_id=row.message_id,
        reply_to=[company.email] if company.email else [],
        attachments=[(f.filename, cache.get(f.name), f.mimetype) for f in row.outbox_files],
    )


NOT_OWED = gettext_noop("Pièces réglées ou en litige depuis la mise en file : non envoyé.")


def release(rows: list[Reminder]) -> None:
    """Claimed but never handed over (stop requested): straight back to the queue."""
    Reminder.objects.filter(
        pk__in=[r.pk for r in rows], state=ReminderState.SENDING, handed_at__isnull=True
    ).update(state=ReminderState.QUEUED, claimed_by="")


class Transports:
    """The registered transport of each e-mail kind (reminders.delivery), opened once for
    the run; kinds registered with the same class share one (one SMTP connection)."""

    def __init__(self):
        classes = {kind: transport_class(kind) for kind in EMAIL_CHANNELS}  # fails early
        self.opened: dict[type, EmailTransport] = {}
        for cls in classes.values():
            self.opened.setdefault(cls, cls())
        self.by_kind = {kind: self.opened[cls] for kind, cls in classes.items()}

    def send(self, kind: str, email: Email) -> None:
        self.by_kind[kind].send(email)

    def close(self) -> None:
        for opened in self.opened.values():
            opened.close()


def _claim_skipping_locked(candidates, now, token: str) -> None:
    """PostgreSQL: one statement, in autocommit, whose CTE (run once) locks the candidates
    and skips rows another worker is claiming: a plain `IN (subquery)` made a worker wait on
    them, find them taken, claim nothing and stop with the batch half sent."""
    select, params = candidates.query.sql_with_params()
    table = connection.ops.quote_name(Reminder._meta.db_table)
    sql = (
        f"WITH c AS ({select} FOR UPDATE SKIP LOCKED) UPDATE {table} r SET state = %s,"  # noqa: S608 - compiled ORM SQL, values bound
        " claimed_at = %s, claimed_by = %s, handed_at = NULL FROM c"
        " WHERE r.id = c.pk AND r.state = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, ReminderState.SENDING, now, token, ReminderState.QUEUED])


def drain(batch_id: int | None = None, stop=None, chunk: int | None = None) -> DrainStats:
    """Send every due queued e-mail (of one batch, or all) through the registered
    transports (one SMTP connection), renewing the lease on the claimed rows meanwhile.
    `stop()` is checked between messages (SIGTERM): the claimed rest goes back."""
    stop = stop or (lambda: False)
    channel = Transports()
    stats = DrainStats(needs_review=flag_stale())
    ledger = Ledger(stats)
    cache, renderers = _Files(), {}
    size = chunk or int(settings.RELANCE_OUTBOX_CHUNK)
    try:
        with lease.Lease() as held:
            while not stop():
                rows = claim(
                    size, batch_id, renderers=renderers, token=held.new_token(), cache=cache
                )
                if not rows:
                    break
                for i, row in enumerate(rows):
                    if stop():
                        ledger.flush()
                        release(rows[i:])
                        break
                    _send_one(channel, row, cache, ledger)
                ledger.flush()
                ledger.finish()
    finally:
        ledger.flush()
        ledger.finish()
        channel.close()
    _close_batches(stats.batches)
    return stats


def _send_one(channel: Transports, row: Reminder, cache: _Files, ledger: Ledger) -> None:
    """Send one row and note its outcome (nothing when the row is no longer ours)."""
    if not still_owed(row):
        return ledger.note(row, Outcome(ReminderState.CANCELLED, NOT_OWED))
    if row.wording_error:
        return ledger.note(row, Outcome(ReminderState.FAILED, row.wording_error))
    try:
        email = to_email(row, cache)
    except Exception as exc:  # e.g. an attachment file gone: this row cannot be sent
        return ledger.note(row, Outcome(ReminderState.FAILED, f"{type(exc).__name__}: {exc}"))
    if not ledger.hand_over(row):
        return None
    try:
        channel.send(row.channel, email)
    except DeliveryError as err:
        log.info("reminder %s: %s (%s)", row.pk, err, "permanent" if err.permanent else "retry")
        if err.uncertain:  # maybe accepted: resending could duplicate it
            return ledger.note(row, Outcome(ReminderState.NEEDS_REVIEW, str(err)))
        if err.permanent or row.attempts >= int(settings.RELANCE_OUTBOX_MAX_ATTEMPTS):
            return ledger.note(row, Outcome(ReminderState.FAILED, str(err)))
        return ledger.note(row, Outcome(ReminderState.QUEUED, str(err)))
    return ledger.note(row, Outcome(ReminderState.SENT))


def _close_batches(batch_ids) -> None:
    for batch in Batch.objects.filter(pk__in=list(batch_ids)):
        close_if_done(batch)


def next_retry_at(batch_id: int | None = None):
    """When the earliest postponed e-mail becomes due (None: nothing waiting)."""
    qs = Reminder.objects.filter(state=ReminderState.QUEUED, channel__in=EMAIL_CHANNELS)
    if batch_id is not None:
        qs = qs.filter(batch_id=batch_id)
    row = qs.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()
    return row
