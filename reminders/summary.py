"""A batch in figures: counts per channel and outcome, and each error in words.

Available any time after the batch was written: the rows are the record.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from .lease import expired_before
from .models import Batch, ReminderState


@dataclass
class ErrorLine:
    customer: str
    documents: list[str]
    channel: str
    state: str
    error: str
    reminder_id: int


@dataclass
class BatchSummary:
    batch: Batch
    counts: dict[str, dict[str, int]]  # channel -> state -> n
    totals: dict[str, int]  # state -> n
    errors: list[ErrorLine] = field(default_factory=list)
    needs_review: list[ErrorLine] = field(default_factory=list)
    letters_pages: int = 0
    letters_ready: bool = False

    @property
    def done(self) -> bool:
        open_states = (ReminderState.QUEUED, ReminderState.SENDING, INTERRUPTED)
        return not sum(self.totals.get(state, 0) for state in open_states)


# shown, not stored: rows left 'sending' by a worker whose lease ran out (it died); the
# next run sends those it never handed over and lists the one it was handing over
INTERRUPTED = "interrupted"


def batch_summary(batch: Batch) -> BatchSummary:
    """Counts per channel and outcome, and each error in words with its documents and
    customer. Available any time after (the rows are the record)."""
    batch.refresh_from_db(fields=["state", "letters_pdf", "letters_pages"])
    lost = expired_before()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)
    errors, review = [], []
    rows = (
        batch.reminders.select_related("customer")
        .prefetch_related("links__document")
        .order_by("customer__name", "pk")
    )
    for row in rows:
        state = row.shown_state
        if state == ReminderState.SENDING and row.claimed_at and row.claimed_at < lost:
            state = INTERRUPTED
        counts[row.channel][state] += 1
        totals[state] += 1
        if row.state in (ReminderState.FAILED, ReminderState.NEEDS_REVIEW) or (
            row.last_error and row.state == ReminderState.QUEUED
        ):
            line = ErrorLine(
                customer=row.customer.name,
                documents=[link.document.number for link in row.links.all()],
                channel=row.get_channel_display(),
                state=row.get_state_display(),
                error=row.error_in_words,
                reminder_id=row.pk,
            )
            (review if row.state == ReminderState.NEEDS_REVIEW else errors).append(line)
    return BatchSummary(
        batch=batch,
        counts={k: dict(v) for k, v in counts.items()},
        totals=dict(totals),
        errors=errors,
        needs_review=review,
        letters_pages=batch.letters_pages,
        letters_ready=bool(batch.letters_pdf),
    )
