"""What a reminder's outcome does to its documents and its batch: the one place the
outbox, the letters, the calls and the review screen write it.

mark_documents_sent  a sent reminder moves its documents on (level, count, date)
release_documents    a failed or cancelled one frees their level for another try
close_if_done        a batch with nothing left to print or send is done
"""

import logging
from datetime import date

from dunning.debit_notes import invoice_charges
from dunning.models import Channel

from .models import Batch, BatchState, Reminder, ReminderDocument, ReminderState
from .outbox_sql import documents_reminded

log = logging.getLogger(__name__)


def mark_documents_sent(reminder_ids: list[int], today: date, links=None) -> None:
    """The shared contract: a sent reminder sets each of its documents' level, count, date
    and clears the pending level (the next scan decides what comes next). `links`: the
    reminders' (level_rank, document_id) pairs when the caller already has them."""
    if links is None:
        links = ReminderDocument.objects.filter(reminder_id__in=reminder_ids).values_list(
            "level_rank", "document_id"
        )
    documents_reminded(list(links), today)
    invoice_charges_claimed(reminder_ids, today)


def invoice_charges_claimed(reminder_ids: list[int], today: date) -> None:
    """A sent reminder of a level that invoices its charges issues the debit note of
    what it claimed (dunning.debit_notes); a failure there never undoes the sending."""
    sent = Reminder.objects.filter(
        pk__in=reminder_ids, level__invoices_charges=True, level__claims_charges=True
    )
    for reminder in sent.select_related("level"):
        documents = reminder.documents.select_related("company", "customer", "customer__policy")
        try:
            invoice_charges(list(documents), today, level_rank=reminder.level_rank)
        except Exception:
            log.exception("debit note of reminder %s not issued", reminder.pk)


def release_documents(reminder_ids: list[int]) -> None:
    """A failed or cancelled reminder frees its documents' level for another try."""
    ReminderDocument.objects.filter(reminder_id__in=reminder_ids).update(live=False)


def close_if_done(batch: Batch) -> None:
    """Done once no letter or e-mail is left queued or sending (calls are logged later)."""
    open_states = [ReminderState.QUEUED, ReminderState.SENDING]
    pending = batch.reminders.filter(state__in=open_states).exclude(channel=Channel.PHONE)
    if not pending.exists():
        Batch.objects.filter(pk=batch.pk).update(state=BatchState.DONE)
