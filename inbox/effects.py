"""What one message read from a company's mailbox does, written in one transaction with
the row that records it (so a message is never half-applied, and never applied twice).

- whom it belongs to: a Message-ID of ours in In-Reply-To / References (or in the
  returned copy of a bounce) names the reminder, and so the customer, only when that
  reminder is of the mailbox's company (a Message-ID is trusted nowhere else); else the
  sender's address (a bounce: the rejected address) among the company's customers;
  else « non rattaché »;
- a reply: the customer's reminders pause (`Customer.awaiting_reply`, stop « réponse à
  traiter ») until a person handles it (`handling.py`); it never marks anything paid;
- an automatic reply: logged on the customer's file, nothing else;
- a bounce: the address is marked undeliverable on the customer with the server's
  words, the reminder is shown « non distribué »; the next reminder goes by letter
  (reminders.preview), or waits in « À vérifier » without a postal address.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from receivables.models import Customer
from reminders.models import Reminder
from reminders.sanitize import clean_html

from .classify import Classified, classify, our_reminder
from .models import InboundAttachment, InboundMessage, Kind, Mailbox


@dataclass
class Context:
    """What one fetch reads once instead of once per message."""

    book: dict[str, int] | None = None  # address -> customer pk (`address_book`)
    reminders: dict[str, Reminder] = field(default_factory=dict)  # our Message-IDs answered
    paused: set[int] = field(default_factory=set)  # customers already set awaiting a reply


def record(mailbox: Mailbox, uidvalidity: int, uid: int, raw: bytes) -> InboundMessage | None:
    """Record and apply one message; None when it was already recorded."""
    return record_chunk(mailbox, uidvalidity, [(uid, raw)])[0]


def record_chunk(
    mailbox: Mailbox, uidvalidity: int, items: list[tuple[int, bytes]], ctx: Context | None = None
) -> list[InboundMessage | None]:
    """Record and apply messages (uid, raw bytes), each in its own savepoint; None for
    one already recorded (same UID, or the same Message-ID seen under another UID)."""
    ctx = ctx or Context()
    known = set(
        InboundMessage.objects.filter(
            mailbox=mailbox, uidvalidity=uidvalidity, uid__in=[uid for uid, _raw in items]
        ).values_list("uid", flat=True)
    )
    found = [(uid, None if uid in known else classify(raw)) for uid, raw in items]
    ids = {f.message_id for _uid, f in found if f is not None and f.message_id}
    seen = set(
        InboundMessage.objects.filter(mailbox=mailbox, message_id__in=ids).values_list(
            "message_id", flat=True
        )
    )
    _load_reminders(mailbox.company_id, [f for _uid, f in found if f is not None], ctx)
    out: list[InboundMessage | None] = []
    for uid, f in found:
        if f is None or (f.message_id and f.message_id in seen):
            out.append(None)
            continue
        seen.add(f.message_id)  # twice in the same chunk
        try:
            with transaction.atomic():
                out.append(_apply(mailbox, uidvalidity, uid, f, ctx))
        except IntegrityError:  # another fetch of the same mailbox recorded it meanwhile
            out.append(None)
    return out


def _load_reminders(company_id: int, found: list[Classified], ctx: Context) -> None:
    """Our reminders these messages answer, in one query (only the company's own)."""
    wanted = set()
    for f in found:
        for message_id in f.answers:
            ours = our_reminder(message_id)
            if ours is not None and ours[1] == company_id and message_id not in ctx.reminders:
                wanted.add(message_id)
    if wanted:
        rows = Reminder.objects.filter(company_id=company_id, message_id__in=wanted)
        ctx.reminders.update({r.message_id: r for r in rows.select_related("customer")})


def _apply(
    mailbox: Mailbox, uidvalidity: int, uid: int, found: Classified, ctx: Context
) -> InboundMessage:
    company_id = mailbox.company_id
    reminder = next((ctx.reminders[i] for i in found.answers if i in ctx.reminders), None)
    customer = reminder.customer if reminder else None
    matched_by = "message_id" if reminder else ""
    if customer is None:
        addresses = found.bounced if found.kind == "bounce" else [found.sender]
        customer = _customer_by_address(company_id, addresses, ctx)
        matched_by = "address" if customer else ""
    kind = found.kind
    if kind == "reply" and customer is None:
        kind = Kind.UNMATCHED
    row = InboundMessage.objects.create(
        company_id=company_id,
        mailbox=mailbox,
        uidvalidity=uidvalidity,
        uid=uid,
        message_id=found.message_id,
        kind=kind,
        customer=customer,
        reminder=reminder,
        matched_by=matched_by,
        sender=found.sender[:300],
        subject=found.subject,
        sent_at=found.sent_at,
        body_text=found.text,
        body_html=clean_html(found.html) if found.html else "",
        bounced_address=", ".join(found.bounced)[:300],
        server_words=found.server_words,
    )
    if kind == Kind.REPLY:
        if customer.pk not in ctx.paused:
            Customer.objects.filter(pk=customer.pk).update(awaiting_reply=True)
            ctx.paused.add(customer.pk)
        _keep_attachments(row, found.attachments)
    elif kind == Kind.UNMATCHED:
        _keep_attachments(row, found.attachments)
    elif kind == Kind.BOUNCE and customer is not None:
        _undeliverable(row, customer, reminder, found)
    return row


def address_book(company_id: int) -> dict[str, int]:
    """Each e-mail address of the company's customers → the customer (the first one
    when two share it): read once per fetch, not once per message."""
    book: dict[str, int] = {}
    rows = Customer.objects.filter(company_id=company_id).exclude(emails="")
    for pk, emails in rows.order_by("pk").values_list("pk", "emails").iterator():
        for address in re.split(r"[,;\s]+", emails.lower()):
            if address:
                book.setdefault(address, pk)
    return book


def _customer_by_address(company_id: int, addresses: list[str], ctx: Context) -> Customer | None:
    if ctx.book is None:
        ctx.book = address_book(company_id)
    book = ctx.book
    for address in addresses:
        pk = book.get(address.lower()) if address else None
        if pk is not None:
            return Customer.objects.get(pk=pk)
    return None


def _undeliverable(row, customer: Customer, reminder: Reminder | None, found: Classified) -> None:
    reminder = mark_undeliverable(customer, reminder, found.bounced, found.server_words)
    if reminder is not None and row.reminder_id is None:
        InboundMessage.objects.filter(pk=row.pk).update(reminder=reminder)


def mark_undeliverable(
    customer: Customer, reminder: Reminder | None, addresses: list[str], words: str
) -> Reminder | None:
    """The address is marked on the customer with the server's words and the reminder
    (else the last e-mail sent to the customer) shown « non distribué »: a bounce read
    from the mailbox, or a provider's bounce or complaint (inbox/provider.py)."""
    words = words or _("refusé par le serveur du destinataire")
    Customer.objects.filter(pk=customer.pk).update(
        email_undeliverable=f"{', '.join(addresses)} : {words}"[:1000]
    )
    if reminder is None:
        reminder = (
            Reminder.objects.filter(company_id=customer.company_id, customer=customer)
            .exclude(message_id="")
            .filter(sent_at__isnull=False)
            .order_by("-sent_at", "-pk")
            .first()
        )
    if reminder is not None:
        Reminder.objects.filter(pk=reminder.pk).update(undelivered=words[:1000])
    return reminder


def _keep_attachments(row: InboundMessage, files: list[tuple[str, str, bytes]]) -> None:
    """Each file stored once by its content; too big ones are listed, not kept."""
    limit = settings.RELANCE_INBOX_MAX_ATTACHMENT_BYTES
    rows = []
    for name, mimetype, content in files:
        digest = hashlib.sha256(content).hexdigest()
        att = InboundAttachment(
            message=row, filename=name, mimetype=mimetype[:100], size=len(content), sha256=digest
        )
        if len(content) > limit:
            att.refused = _("trop gros (%(n)s octets)") % {"n": len(content)}
        else:
            path = f"inbox/{digest[:2]}/{digest}"
            if not default_storage.exists(path):
                path = default_storage.save(path, ContentFile(content))
            att.file.name = path
        rows.append(att)
    InboundAttachment.objects.bulk_create(rows)
