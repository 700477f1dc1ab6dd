"""Helpers of the dunning tests: the 'reminder sent' update of COMMON.md, a scan run."""

from datetime import date

from dunning.scan import scan
from receivables.models import Document


def sent(document: Document, on: date) -> Document:
    """What the reminders app does once the pending level's reminder went out."""
    document.refresh_from_db()
    assert document.pending_level, "nothing was pending"
    Document.objects.filter(pk=document.pk).update(
        dunning_level=document.pending_level,
        reminder_count=document.reminder_count + 1,
        last_reminder_date=on,
        pending_level=None,
        to_remind=False,
        to_remind_since=None,
    )
    document.refresh_from_db()
    return document


def run(company, as_of: date, document: Document | None = None):
    result = scan(company, as_of)
    if document is not None:
        document.refresh_from_db()
    return result


def state(document: Document) -> tuple:
    document.refresh_from_db()
    return (
        document.pending_level,
        document.to_remind,
        document.to_remind_since,
        document.next_action_date,
        document.stop_reason,
    )
