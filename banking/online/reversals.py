"""After a payment online: the provider sends the money back (a refund) or the payer's
bank disputes the payment. Both events name the provider's payment (`intent`) that a
« paid » event recorded; each is written once per event id, like every event.

refund     the refunded sum (the events carry the total so far: each one reverses only
           what is new) comes off the payment — its allocations go, the latest first —
           so the invoices are due again and the scan marks them to remind
dispute    the payment's documents go into the dispute stop, and a collector is told in
           « Réponses » (the message waits there until someone handles it)
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dunning.refresh import queue_refresh
from inbox.models import InboundMessage, Kind, Outcome
from receivables.models import Allocation, Document
from receivables.services import refund

from .models import EventOutcome, PaymentEvent
from .providers import IGNORED, REFUNDED

log = logging.getLogger(__name__)
MATCHED_BY = "payment"  # InboundMessage.matched_by of what the payment provider said


def after_payment(account, data) -> str:
    """Record a refund or a dispute of a payment we recorded; IGNORED for another one's."""
    company = account.company
    paid = (
        PaymentEvent.objects.for_company(company)
        .filter(provider=account.provider, outcome=EventOutcome.PAID, intent=data.intent)
        .exclude(intent="")
        .first()
    )
    if paid is None:
        return IGNORED
    with transaction.atomic():
        try:
            with transaction.atomic():
                event = PaymentEvent.objects.create(
                    company=company, provider=account.provider, event_id=data.id[:255],
                    event_type=data.type[:100], session=data.session[:255],
                    intent=data.intent[:255], outcome=data.meaning, amount=data.amount,
                    currency=data.currency[:3] or paid.currency, customer=paid.customer,
                    numbers=paid.numbers,
                )  # fmt: skip
        except IntegrityError:
            return "duplicate"
        with translation.override(company.language):  # the collector's words
            if data.meaning == REFUNDED:
                _refund(company, paid, event, data.refunded)
            else:
                _dispute(company, paid, data.reason)
    # The worklist catches up on a worker once this is committed: a company's scan can
    # take seconds and the provider would time the webhook out and deliver it again.
    transaction.on_commit(lambda: _queue_scan(company))
    return data.meaning


def _queue_scan(company) -> None:
    try:
        queue_refresh(company)
    except Exception:  # the refund is saved; the daily scan or « Mettre à jour » catches up
        log.exception("could not queue the scan of company %s after a refund", company.pk)


def _refund(company, paid: PaymentEvent, event: PaymentEvent, so_far: Decimal) -> None:
    before = (
        PaymentEvent.objects.filter(company=company, intent=paid.intent, outcome=REFUNDED)
        .exclude(pk=event.pk)
        .aggregate(s=Sum("amount"))["s"]
    ) or Decimal("0")
    new = so_far - before
    event.amount = max(new, Decimal("0"))
    event.save(update_fields=["amount"])
    if new <= 0 or paid.payment is None:
        return
    docs = refund(paid.payment, new)
    _tell(company, paid, _("Paiement en ligne remboursé"),
          _("%(a)s %(c)s remboursés au client : les factures sont à nouveau dues.")
          % {"a": new, "c": paid.currency}, docs, handled=True)  # fmt: skip


def _dispute(company, paid: PaymentEvent, reason: str) -> None:
    docs = list(
        Allocation.objects.filter(payment=paid.payment_id).values_list("invoice_id", flat=True)
    ) if paid.payment_id else []  # fmt: skip
    with translation.override(company.language):
        label = (_("Paiement contesté auprès de la banque") + (f" ({reason})" if reason else ""))[
            :200
        ]
    Document.objects.filter(company=company, pk__in=docs).update(disputed=True, block_reason=label)
    _tell(company, paid, _("Paiement en ligne contesté"),
          _("Le client conteste auprès de sa banque le paiement de %(a)s %(c)s (motif : %(r)s).")
          % {"a": paid.amount, "c": paid.currency, "r": reason or "?"}, docs)  # fmt: skip


def _tell(company, paid, subject, body, doc_ids, *, handled=False) -> None:
    """A row of the customer's timeline; unhandled, it waits in « Réponses »."""
    numbers = ", ".join(
        Document.objects.filter(pk__in=doc_ids).order_by("number").values_list("number", flat=True)
    ) or paid.numbers  # fmt: skip
    now = timezone.now()
    InboundMessage.objects.create(
        company=company, mailbox=None, uidvalidity=0, uid=0, kind=Kind.REPLY,
        customer=paid.customer, matched_by=MATCHED_BY, sender=paid.provider.title(),
        subject=f"{subject} — {numbers}"[:300], sent_at=now, received_at=now, body_text=body,
        handled_at=now if handled else None, outcome=Outcome.DONE if handled else "",
    )  # fmt: skip
