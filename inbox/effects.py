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


def record(mailbox: Mailbox, uidvalidity: int, uid: int, raw: bytes) -> InboundMessage | None:
    """Record and apply one message; None when it was already recorded (same UID, or
    the same Message-ID seen before under another UID)."""
    if InboundMessage.objects.filter(mailbox=mailbox, uidvalidity=uidvalidity, uid=uid).exists():
        return None
    found = classify(raw)
    if (
        found.message_id
        and InboundMessage.objects.filter(mailbox=mailbox, message_id=found.message_id).exists()
    ):
        return None
    try:
        with transaction.atomic():
            return _apply(mailbox, uidvalidity, uid, found)
    except IntegrityError:  # another fetch of the same mailbox recorded it meanwhile
        return None


def _apply(mailbox: Mailbox, uidvalidity: int, uid: int, found: Classified) -> InboundMessage:
    company_id = mailbox.company_id
    reminder = _reminder_answered(company_id, found.answers)
    customer = reminder.customer if reminder else None
    matched_by = "message_id" if reminder else ""
    if customer is None:
        addresses = found.bounced if found.kind == "bounce" else [found.sender]
        customer = _customer_by_address(company_id, addresses)
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
        Customer.objects.filter(pk=customer.pk).update(awaiting_reply=True)
        _keep_attachments(row, found.attachments)
    elif kind == Kind.UNMATCHED:
        _keep_attachments(row, found.attachments)
    elif kind == Kind.BOUNCE and customer is not None:
        _undeliverable(row, customer, reminder, found)
    return row


def _reminder_answered(company_id: int, answers: list[str]) -> Reminder | None:
    for message_id in answers:
        ours = our_reminder(message_id)
        if ours is None or ours[1] != company_id:
            continue  # not ours, or another company's: never trusted here
        reminder = (
            Reminder.objects.filter(pk=ours[0], company_id=company_id, message_id=message_id)
            .select_related("customer")
            .first()
        )
        if reminder is not None:
            return reminder
    return None


def _customer_by_address(company_id: int, addresses: list[str]) -> Customer | None:
    for address in addresses:
        if not address or "@" not in address:
            continue
        for customer in Customer.objects.filter(company_id=company_id, emails__icontains=address):
            if address in (e.lower() for e in customer.email_list):
                return customer
    return None


def _undeliverable(row, customer: Customer, reminder: Reminder | None, found: Classified) -> None:
    words = found.server_words or _("refusé par le serveur du destinataire")
    Customer.objects.filter(pk=customer.pk).update(
        email_undeliverable=f"{', '.join(found.bounced)} : {words}"[:1000]
    )
    if reminder is None:  # the last e-mail sent to that address
        reminder = (
            Reminder.objects.filter(company_id=row.company_id, customer=customer)
            .exclude(message_id="")
            .filter(sent_at__isnull=False)
            .order_by("-sent_at", "-pk")
            .first()
        )
        if reminder is not None:
            InboundMessage.objects.filter(pk=row.pk).update(reminder=reminder)
    if reminder is not None:
        Reminder.objects.filter(pk=reminder.pk).update(undelivered=words[:1000])


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
