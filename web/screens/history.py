"""What happened to a document or a customer: reminders and calls in one timeline,
plus the engine's charges and dunning state. Each piece comes from another app and is
read here only, so a screen still renders when that app is not installed yet."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps


@dataclass
class Entry:
    when: datetime | date
    kind: str  # "reminder" | "call" | "note"
    title: str
    detail: str = ""
    status: str = ""
    subject: str = ""
    body: str = ""
    url: str = ""
    status_class: str = ""
    documents: list = field(default_factory=list)


def _sort_key(entry: Entry):
    when = entry.when
    if isinstance(when, datetime):
        return (when.date(), when.time())
    return (when, datetime.min.time())


def timeline(company, *, documents=None, customer=None) -> list[Entry]:
    """Every reminder and phone call, newest first."""
    if not apps.is_installed("reminders"):
        return []
    from . import reminders_bridge

    entries = reminders_bridge.entries(company, documents=documents, customer=customer)
    return sorted(entries, key=_sort_key, reverse=True)


def charges(document, as_of):
    """Late-payment interest and indemnity (dunning.charges.charges_for), when available."""
    try:
        from dunning.charges import charges_for
    except ImportError:
        return None
    return charges_for(document, as_of)


def dunning_state(document, as_of):
    try:
        from dunning.services import document_dunning_state
    except ImportError:
        return None
    return document_dunning_state(document, as_of)
