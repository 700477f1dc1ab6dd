"""What happened to a document or a customer: reminders and calls in one timeline,
plus the engine's charges and dunning state."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from dunning.reckoner import reckoning_for
from dunning.services import document_dunning_state
from reminders.models import PhoneCall, Reminder, ReminderState


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
    entries = _entries(company, documents=documents, customer=customer)
    return sorted(entries, key=_sort_key, reverse=True)


def charges(document, as_of):
    """The document's line of its reckoning: balance, interest, indemnity and total."""
    return reckoning_for([document], as_of).lines[0]


def dunning_state(document, as_of):
    return document_dunning_state(document, as_of)


STATE_CLASS = {
    ReminderState.SENT: "done",
    ReminderState.FAILED: "stop",
    ReminderState.CANCELLED: "stop",
    ReminderState.NEEDS_REVIEW: "todo",
    ReminderState.QUEUED: "todo",
    ReminderState.SENDING: "todo",
}


def _entries(company, *, documents=None, customer=None) -> list[Entry]:
    reminders = Reminder.objects.for_company(company).exclude(phone_call__isnull=False)
    calls = PhoneCall.objects.for_company(company)
    if documents is not None:
        reminders = reminders.filter(links__document__in=documents).distinct()
        calls = calls.filter(documents__in=documents).distinct()
    if customer is not None:
        reminders = reminders.filter(customer=customer)
        calls = calls.filter(customer=customer)
    out = []
    for r in reminders.prefetch_related("links__document")[:200]:
        numbers = ", ".join(link.document.number for link in r.links.all())
        entry = Entry(
            when=r.sent_at or r.created_at,
            kind="reminder",
            title=f"{r.get_channel_display()} · {r.level_name or _('niveau %(n)s') % {'n': r.level_rank}}",
            detail=_("Pièces : %(n)s · à : %(to)s")
            % {"n": numbers, "to": ", ".join(r.recipient) or "—"}
            + (f" · {r.last_error}" if r.last_error else ""),
            status=r.get_state_display(),
            subject=r.subject,
            body=r.body_text or strip_tags(r.body_html),
            url=reverse("batch_summary", args=[r.batch_id]) if r.batch_id else "",
            status_class=STATE_CLASS.get(r.state, ""),
        )
        out.append(entry)
    for c in calls.select_related("by").prefetch_related("documents")[:200]:
        detail = [", ".join(d.number for d in c.documents.all())]
        if c.promise_date:
            detail.append(_("promesse au %(d)s") % {"d": c.promise_date.strftime("%d/%m/%y")})
        if c.dispute_reason:
            detail.append(c.dispute_reason)
        if c.by:
            detail.append(_("par %(u)s") % {"u": c.by.get_username()})
        entry = Entry(
            when=c.called_at,
            kind="call",
            title=_("Appel : %(o)s") % {"o": c.get_outcome_display()},
            detail=" · ".join(x for x in detail if x),
            body=c.note,
        )
        out.append(entry)
    return out
