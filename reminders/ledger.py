"""What the outbox worker writes per message: the hand-over before it goes, the outcome
after the server answered (reminders/outbox.py argues why that makes "sent once").

One commit per message: the last outcome is written together with the next hand-over,
so it is always on disk before the next message goes. On PostgreSQL the common steps (an
outcome that needs nothing but SQL, and the next hand-over) are one prepared statement
run in autocommit (`outbox_sql.step`): one round trip instead of five. On both databases
a message sent is committed with its `sent_at` and stays 'sending' until the end of its
chunk, when the chunk's sent rows turn 'sent' and their documents move on together
(`Ledger.finish`: shorter commits per message, which on SQLite hold the only write
lock); a worker that dies before leaves them for `outbox.flag_stale`, which finishes
them once their lease ran out: never sent again, never moved twice.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import outbox_sql as sql
from .models import Reminder, ReminderState
from .outcomes import invoice_charges_claimed, release_documents


@dataclass
class DrainStats:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    cancelled: int = 0
    needs_review: int = 0
    batches: set = field(default_factory=set)


@dataclass
class Outcome:
    state: str  # the row's next state: sent, queued (retry), failed, cancelled, needs_review
    error: str = ""


def backoff(attempts: int) -> timedelta:
    """60 s, 2 min, 4 min, ... capped at 1 h (RELANCE_OUTBOX_BACKOFF: the first)."""
    first = float(settings.RELANCE_OUTBOX_BACKOFF)
    return timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), 3600))


def hand_over(row: Reminder) -> bool:
    """Commit that this message is about to reach the server (and count the attempt)."""
    handed = sql.hand_over(row.pk, row.claimed_by, timezone.now())
    row.attempts += handed
    return handed


def _changes(row: Reminder, outcome: Outcome, now) -> dict:
    changes = {"state": outcome.state, "last_error": outcome.error}
    if outcome.state == ReminderState.SENT:
        changes["sent_at"] = now
    elif outcome.state == ReminderState.QUEUED:
        changes.update(next_attempt_at=now + backoff(row.attempts), handed_at=None)
    return changes


def _claims_charges(row: Reminder, outcome: Outcome) -> bool:
    level = row.level if row.level_id else None  # loaded with the claim: no query per message
    return bool(
        outcome.state == ReminderState.SENT
        and level
        and level.invoices_charges
        and level.claims_charges
    )


def record(row: Reminder, outcome: Outcome, stats: DrainStats, unfinished: dict) -> None:
    """Commit one message's outcome, right after the server answered. Sent without a
    debit note to issue: its `sent_at` only, the row noted in `unfinished` (it turns
    'sent' with its chunk, `Ledger.finish`)."""
    now = timezone.now()
    changes = _changes(row, outcome, now)
    later = outcome.state == ReminderState.SENT and not _claims_charges(row, outcome)
    if later:
        del changes["state"]
    with transaction.atomic(savepoint=False):  # inside the hand-over: no SAVEPOINT round trips
        if not sql.settle(row.pk, row.claimed_by, changes):
            return  # flagged stale meanwhile: the review list has it
        if outcome.state == ReminderState.SENT and not later:
            links = [(link.level_rank, link.document_id) for link in row.outbox_links]
            sql.documents_reminded(links, row.company.today(now))
        elif outcome.state in (ReminderState.FAILED, ReminderState.CANCELLED):
            release_documents([row.pk])
    if later:
        unfinished[row.pk] = row.company.today(now)
    if _claims_charges(row, outcome):
        invoice_charges_claimed([row.pk], row.company.today(now))
    _count(row, outcome, stats)


def _count(row: Reminder, outcome: Outcome, stats: DrainStats) -> None:
    counter = {
        ReminderState.SENT: "sent",
        ReminderState.QUEUED: "retried",
        ReminderState.FAILED: "failed",
        ReminderState.CANCELLED: "cancelled",
        ReminderState.NEEDS_REVIEW: "needs_review",
    }[outcome.state]
    setattr(stats, counter, getattr(stats, counter) + 1)
    if row.batch_id:
        stats.batches.add(row.batch_id)


class Ledger:
    """One commit per message: the last outcome is written together with the next
    hand-over, so it is always on disk before the next message goes (a crash still
    leaves at most the message in flight in doubt)."""

    def __init__(self, stats: DrainStats):
        self.stats = stats
        self.due: tuple[Reminder, Outcome] | None = None
        self.unfinished: dict[int, date] = {}  # sent, documents to move: id -> its day
        # read once: `connection.vendor` costs a thread-local lookup (~10 µs), twice a message
        self.postgres = connection.vendor == "postgresql"

    def note(self, row: Reminder, outcome: Outcome) -> None:
        self.flush()
        self.due = (row, outcome)

    def hand_over(self, row: Reminder) -> bool:
        if self._one_statement():
            handed = self._step((row.pk, row.claimed_by, timezone.now()))
            row.attempts += handed
            return handed
        with transaction.atomic():
            self.flush()
            return hand_over(row)

    def flush(self) -> None:
        if self.due is None:
            return
        if self._one_statement():
            self._step(None)
            return
        due, self.due = self.due, None
        record(*due, self.stats, self.unfinished)

    def _one_statement(self) -> bool:
        """PostgreSQL, and an outcome (if any) that SQL alone writes: sent without a debit
        note to issue, retried, or for review (failed and cancelled free their
        documents' level through the ORM)."""
        if not self.postgres:
            return False
        if self.due is None:
            return True
        row, outcome = self.due
        plain = (ReminderState.SENT, ReminderState.QUEUED, ReminderState.NEEDS_REVIEW)
        return outcome.state in plain and not _claims_charges(row, outcome)

    def finish(self) -> None:
        """The sent rows settled so far become 'sent', their documents moved on, at the
        end of each chunk (one statement on PostgreSQL, one transaction on SQLite)."""
        if self.unfinished:
            sql.finish_sent(self.unfinished)
            self.unfinished = {}

    def _step(self, hand: tuple | None) -> bool:
        """The due outcome and the next hand-over in one statement; whether handed."""
        settle = None
        if self.due is not None:
            row, outcome = self.due
            now = timezone.now()
            changes = _changes(row, outcome, now)
            if outcome.state == ReminderState.SENT:  # 'sent' with its chunk (finish)
                del changes["state"]
            settle = (row.pk, row.claimed_by, changes)
        settled, handed = sql.step(settle, hand)
        if self.due is not None:
            due, self.due = self.due, None
            if settled:  # else flagged stale meanwhile: the review list has it
                _count(*due, self.stats)
                if due[1].state == ReminderState.SENT:
                    self.unfinished[due[0].pk] = due[0].company.today(now)
        return handed
