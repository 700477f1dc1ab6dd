"""What a customer does on the portal. Each action is a row of the customer's timeline
(an `inbox.InboundMessage` from the portal, with its time and the address it came from),
and those a person must look at wait in « Réponses » like a reply:

« J'ai payé »      the customer's date and amount (and proof), waiting for a collector;
                   the customer's reminders pause meanwhile (the reply stop) and the bank
                   matching reads the amount as a hint (banking.services.said_paid)
« Je m'engage… »   a promise within the company's horizon: dunning.services.record_promise,
                   the engine's promise stop until that date; nothing to check
« Je conteste »    the dispute stop on the chosen invoices, with the reason; a collector
                   notified in « Réponses » (the customer's other invoices go on)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from dunning.scan import scan
from dunning.services import record_promise
from inbox.models import InboundAttachment, InboundMessage, Kind, Outcome
from receivables.models import Customer, Document

from .models import PortalLink
from .statement import open_invoices
from .tokens import doc_ref, settings_for

PORTAL = "portal"  # InboundMessage.matched_by of what came from the portal
MAX_FILE_BYTES = 5 * 1024 * 1024
FILE_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}

DISPUTE_REASONS = {
    "not_received": gettext_lazy("Marchandise ou prestation non reçue"),
    "not_conform": gettext_lazy("Marchandise ou prestation non conforme"),
    "wrong_amount": gettext_lazy("Montant ou prix erroné"),
    "not_ours": gettext_lazy("Facture qui ne nous concerne pas"),
    "other": gettext_lazy("Autre motif"),
}


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


def check_file(upload: Upload | None) -> str:
    """The file's type (PDF, PNG or JPEG, read from its first bytes, never its name), or
    a ValidationError."""
    if upload is None:
        return ""
    if len(upload.content) > MAX_FILE_BYTES:
        raise ValidationError({"file": _("Fichier trop gros (5 Mo au plus).")})
    for magic, mimetype in FILE_TYPES.items():
        if upload.content.startswith(magic):
            return mimetype
    raise ValidationError({"file": _("Seuls les fichiers PDF, PNG ou JPEG sont acceptés.")})


def date_missing() -> str:
    return _("Indiquez une date.")


def chosen(link: PortalLink, refs: list[str]) -> list[Document]:
    """The customer's open invoices named by `refs` (all of them when none is named)."""
    docs = list(open_invoices(link.company, link.customer))
    picked = [d for d in docs if doc_ref(link, d.pk) in set(refs)] if refs else docs
    if not picked:
        raise ValidationError(_("Aucune facture ouverte à ce titre."))
    return picked


def record(
    link, address, subject, body, docs, *, handled=None, engine=False, **fields
) -> InboundMessage:
    """`subject` and `body` (a msgid and its values) in the company's language: a person
    of the company reads them, whatever language the customer reads the portal in.
    `engine`: what the daily run decided (a broken plan), not the customer."""
    numbers = ", ".join(d.number for d in docs)
    now = timezone.now()
    with translation.override(link.company.language):
        sender = _("portail client, adresse %(a)s") % {"a": address or "?"}
        if engine:
            sender = _("relance automatique")
        subject = _(subject)
        body = _(body[0]) % body[1] if isinstance(body, tuple) else body
    return InboundMessage.objects.create(
        company=link.company,
        mailbox=None,
        uidvalidity=0,
        uid=0,
        kind=Kind.REPLY,
        customer=link.customer,
        matched_by=PORTAL,
        sender=sender,
        subject=f"{subject} — {numbers}"[:300],
        sent_at=now,
        received_at=now,
        body_text=body,
        handled_at=now if handled else None,
        outcome=handled or "",
        **fields,
    )


def _keep(message: InboundMessage, upload: Upload | None, mimetype: str) -> None:
    if upload is None:
        return
    digest = hashlib.sha256(upload.content).hexdigest()
    path = f"inbox/{digest[:2]}/{digest}"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(upload.content))
    name = upload.name.replace("\\", "/").rsplit("/", 1)[-1][:200] or "fichier"
    att = InboundAttachment(
        message=message, filename=name, mimetype=mimetype, size=len(upload.content), sha256=digest
    )
    att.file.name = path
    att.save()


def wait_for_a_person(customer: Customer) -> None:
    Customer.objects.filter(pk=customer.pk).update(awaiting_reply=True)


def promise(link: PortalLink, on: date, refs: list[str], address: str) -> InboundMessage:
    today = link.company.today()
    horizon = settings_for(link.company).promise_days
    if not today < on <= today + timedelta(days=horizon):
        raise ValidationError(
            {"promise_date": _("Choisissez une date entre demain et le %(d)s.")
             % {"d": (today + timedelta(days=horizon)).strftime("%d/%m/%Y")}}
        )  # fmt: skip
    docs = chosen(link, refs)
    with transaction.atomic():
        record_promise(link.company, link.customer, [d.pk for d in docs], on)
        row = record(
            link, address, gettext_noop("Promesse de paiement"),
            (gettext_noop("Le client s'engage à payer le %(d)s."), {"d": on.strftime("%d/%m/%Y")}),
            docs, handled=Outcome.PROMISE, promise_date=on,
        )  # fmt: skip
    scan(link.company)
    return row


def dispute(link, reason: str, words: str, refs, upload, address) -> InboundMessage:
    if reason not in DISPUTE_REASONS:
        raise ValidationError({"reason": _("Choisissez un motif.")})
    mimetype = check_file(upload)
    docs = chosen(link, refs)
    label = str(DISPUTE_REASONS[reason])
    with transaction.atomic():
        Document.objects.filter(pk__in=[d.pk for d in docs]).update(
            disputed=True, block_reason=label[:200]
        )
        row = record(
            link, address, gettext_noop("Contestation"), words.strip()[:5000], docs,
            dispute_reason=label[:200],
        )  # fmt: skip
        _keep(row, upload, mimetype)
        # only the disputed invoices stop: the customer's others go on (no reply pause)
    scan(link.company)
    return row


def paid(link, on: date, amount: Decimal, refs, upload, address) -> InboundMessage:
    today = link.company.today()
    if on > today or on < today - timedelta(days=366):
        raise ValidationError({"paid_on": _("Indiquez la date du paiement (pas dans le futur).")})
    if amount is None or amount <= 0 or amount >= Decimal("1e12"):
        raise ValidationError({"amount": _("Indiquez le montant payé.")})
    mimetype = check_file(upload)
    docs = chosen(link, refs)
    with transaction.atomic():
        row = record(
            link, address, gettext_noop("Paiement signalé"),
            (gettext_noop("Le client indique avoir payé %(a)s le %(d)s."),
             {"a": f"{amount} {docs[0].currency}", "d": on.strftime("%d/%m/%Y")}),
            docs, paid_on=on, paid_amount=amount,
        )  # fmt: skip
        _keep(row, upload, mimetype)
        wait_for_a_person(link.customer)
    scan(link.company)
    return row
