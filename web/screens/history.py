"""What happened to a document or a customer: reminders, calls and the customer's
messages (replies, automatic replies, bounces) in one timeline, plus the engine's
charges and dunning state."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from banking.models import EventOutcome, PaymentEvent
from dunning.reckoner import reckoning_for
from dunning.services import document_dunning_state
from inbox.models import InboundMessage, Kind
from receivables.models import Document, DocumentKind, LifecycleEvent, PaymentMethod
from reminders.models import PhoneCall, Reminder, ReminderState
from web.templatetags.relance_ui import LIFECYCLE_CLASS, money
from web.templatetags.relance_ui import money as money_text


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
    files: list = field(default_factory=list)  # a reply's attachments


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
            status=_("non distribué") if r.undelivered else ReminderState(r.shown_state).label,
            subject=r.subject,
            body=r.body_text or strip_tags(r.body_html),
            url=reverse("batch_summary", args=[r.batch_id]) if r.batch_id else "",
            status_class="stop" if r.undelivered else STATE_CLASS.get(r.shown_state, ""),
        )
        if r.undelivered:
            entry.detail += " · " + _("non distribué : %(w)s") % {"w": r.undelivered}
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
    return (
        out
        + _messages(company, documents=documents, customer=customer)
        + _lifecycle(company, documents=documents, customer=customer)
        + _debit_notes(company, documents=documents, customer=customer)
        + _online_payments(company, documents=documents, customer=customer)
    )


def _lifecycle(company, *, documents=None, customer=None) -> list[Entry]:
    """The e-invoicing platform's statuses of the invoices (CDAR, CSV or API)."""
    rows = LifecycleEvent.objects.for_company(company).select_related("document", "payment")
    if documents is not None:
        rows = rows.filter(document__in=documents)
    if customer is not None:
        rows = rows.filter(document__customer=customer)
    out = []
    for e in rows[:200]:
        detail = [e.document.number]
        if e.amount is not None:
            words = _("approuvé : %(a)s") if e.code == "206" else _("encaissé : %(a)s")
            detail.append(words % {"a": money_text(e.amount, e.document.currency)})
        if e.reason or e.reason_code:
            detail.append(_("motif : %(r)s") % {"r": e.reason or e.reason_code})
        if e.source:
            detail.append(_("reçu par %(s)s") % {"s": e.source})
        out.append(
            Entry(
                when=e.date,
                kind="lifecycle",
                title=_("Statut plateforme : %(c)s %(l)s")
                % {"c": e.code, "l": e.get_code_display()},
                detail=" · ".join(detail),
                status=e.get_code_display(),
                status_class=LIFECYCLE_CLASS.get(e.code, "info"),
            )
        )
    return out


def _debit_notes(company, *, documents=None, customer=None) -> list[Entry]:
    """Charges invoiced: each debit note issued, and its waiver with the reason."""
    notes = Document.objects.for_company(company).filter(kind=DocumentKind.DEBIT_NOTE)
    if documents is not None:
        ids = [d.pk for d in documents]
        notes = notes.filter(Q(pk__in=ids) | Q(lines__source_id__in=ids)).distinct()
    if customer is not None:
        notes = notes.filter(customer=customer)
    out = []
    for note in notes.prefetch_related("lines__source", "cancelled_by")[:200]:
        sources = sorted({line.source.number for line in note.lines.all() if line.source})
        url = reverse("document_detail", args=[note.pk])
        out.append(
            Entry(
                when=note.issue_date,
                kind="note",
                title=_("Note de débit %(n)s émise : %(a)s")
                % {"n": note.number, "a": money(note.amount, note.currency)},
                detail=_("Pénalités des factures %(f)s") % {"f": ", ".join(sources)},
                url=url,
            )
        )
        if note.waived_at:
            out.append(
                Entry(
                    when=note.waived_at,
                    kind="note",
                    title=_("Note de débit %(n)s abandonnée") % {"n": note.number},
                    detail=_("Motif : %(r)s") % {"r": note.waived_reason}
                    + (" · " + _("par %(u)s") % {"u": note.waived_by} if note.waived_by else ""),
                    status=_("abandonnée"),
                    status_class="stop",
                    url=url,
                )
            )
        for credit in note.cancelled_by.all():
            out.append(
                Entry(
                    when=note.waived_at or credit.issue_date,
                    kind="note",
                    title=_("Avoir %(c)s émis : %(a)s, annule la note de débit %(n)s")
                    % {
                        "c": credit.number,
                        "a": money(credit.amount, credit.currency),
                        "n": note.number,
                    },
                    detail=_("Solde de la note de débit ramené à zéro"),
                    url=reverse("document_detail", args=[credit.pk]),
                )
            )
    return out


MESSAGE_CLASS = {Kind.REPLY: "todo", Kind.AUTO_REPLY: "done", Kind.BOUNCE: "stop"}


def _messages(company, *, documents=None, customer=None) -> list[Entry]:
    """What the customer sent back: its text only (never its HTML, which stays on the
    server side, sanitised), its attachments, and whether a person handled it."""
    rows = InboundMessage.objects.for_company(company)
    if documents is not None:
        rows = rows.filter(reminder__links__document__in=documents).distinct()
    if customer is not None:
        rows = rows.filter(customer=customer)
    out = []
    for m in rows.prefetch_related("files")[:200]:
        status = m.get_kind_display()
        if m.kind == Kind.REPLY:
            status = m.get_outcome_display() if m.handled_at else _("réponse à traiter")
        detail = _("de %(s)s") % {"s": m.sender}
        if m.kind == Kind.BOUNCE:
            detail += " · " + (m.server_words or m.bounced_address)
        out.append(
            Entry(
                when=m.sent_at or m.received_at,
                kind="message",
                title=(
                    _("Portail client : %(s)s") % {"s": m.subject}
                    if m.matched_by == "portal"
                    else _("Message reçu : %(k)s") % {"k": m.get_kind_display()}
                ),
                detail=detail,
                status=status,
                status_class=MESSAGE_CLASS.get(m.kind, ""),
                subject=m.subject,
                body=m.body_text or strip_tags(m.body_html),
                url=reverse("replies") if m.kind == Kind.REPLY and not m.handled_at else "",
                files=list(m.files.all()),
            )
        )
    return out


PAYMENT_CLASS = {
    EventOutcome.PAID: "done",
    EventOutcome.PENDING: "todo",
    EventOutcome.FAILED: "stop",
}


def _online_payments(company, *, documents=None, customer=None) -> list[Entry]:
    """What the payment provider said (pay online, banking/online/): paid, a debit under
    way, a debit refused; each once, as received."""
    rows = PaymentEvent.objects.for_company(company)
    if documents is not None:
        rows = rows.filter(payment__allocations__invoice__in=documents).distinct()
    if customer is not None:
        rows = rows.filter(customer=customer)
    out = []
    for e in rows[:200]:
        detail = [money(e.amount, e.currency)]
        if e.method:
            detail.append(str(PaymentMethod(e.method).label))
        if e.numbers:
            detail.append(e.numbers)
        out.append(
            Entry(
                when=e.received_at,
                kind="payment",
                title=_("Paiement en ligne (%(p)s)") % {"p": e.provider.title()},
                detail=" · ".join(detail),
                status=e.get_outcome_display(),
                status_class=PAYMENT_CLASS.get(e.outcome, ""),
            )
        )
    return out
