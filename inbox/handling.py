"""A person handles a reply (the « Réponses » screen): one outcome, then the customer's
reminders resume once no reply of theirs is left to handle.

traité               read, nothing more to record
promesse de paiement the customer's open invoices (those of the reminder answered, else
                     all) wait until that date (dunning.services.record_promise)
litige               those invoices are disputed, with the reason
déjà payé            the date and amount the customer gives are kept as a hint for the
                     bank matching; nothing is marked paid (a reply may be spoofed)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dunning.scan import scan
from dunning.services import record_promise
from receivables.models import Customer, Document, DocumentKind, DocumentState

from .models import InboundMessage, Outcome


def check_outcome(outcome: str, promise_date, dispute_reason: str, paid_on, paid_amount) -> None:
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Suite inconnue : %(o)s") % {"o": outcome}})
    if outcome == Outcome.PROMISE and promise_date is None:
        raise ValidationError({"promise_date": _("Indiquez la date promise.")})
    if outcome == Outcome.DISPUTE and not dispute_reason.strip():
        raise ValidationError({"dispute_reason": _("Indiquez le motif du litige.")})
    if outcome == Outcome.PAID and (paid_on is None or paid_amount is None or paid_amount <= 0):
        raise ValidationError({"paid_on": _("Indiquez la date et le montant du paiement.")})


def handle(
    message: InboundMessage,
    outcome: str,
    *,
    user=None,
    promise_date: date | None = None,
    dispute_reason: str = "",
    paid_on: date | None = None,
    paid_amount: Decimal | None = None,
) -> bool:
    """Record what a person decided; False when it was already handled (a second click)."""
    check_outcome(outcome, promise_date, dispute_reason, paid_on, paid_amount)
    if message.customer_id is None and outcome != Outcome.DONE:
        raise ValidationError(_("Message non rattaché : seul « traité » est possible."))
    with transaction.atomic():
        done = InboundMessage.objects.filter(pk=message.pk, handled_at__isnull=True).update(
            handled_at=timezone.now(),
            handled_by=user,
            outcome=outcome,
            promise_date=promise_date if outcome == Outcome.PROMISE else None,
            dispute_reason=dispute_reason[:200] if outcome == Outcome.DISPUTE else "",
            paid_on=paid_on if outcome == Outcome.PAID else None,
            paid_amount=paid_amount if outcome == Outcome.PAID else None,
        )
        if not done:
            return False
        if message.customer_id is not None:
            _apply(message, outcome, promise_date, dispute_reason)
            resume_if_handled(message.customer_id)
    scan(message.company_id)
    message.refresh_from_db()
    return True


def _documents(message: InboundMessage) -> list[int]:
    """The open invoices the reply is about: the reminder's, else all the customer's."""
    open_invoices = Document.objects.filter(
        company_id=message.company_id,
        customer_id=message.customer_id,
        kind=DocumentKind.INVOICE,
        state=DocumentState.OPEN,
    )
    if message.reminder_id:
        answered = open_invoices.filter(reminder_links__reminder_id=message.reminder_id)
        if answered.exists():
            return list(answered.values_list("pk", flat=True))
    return list(open_invoices.values_list("pk", flat=True))


def _apply(message: InboundMessage, outcome: str, promise_date, dispute_reason: str) -> None:
    if outcome == Outcome.PROMISE:
        record_promise(message.company, message.customer, _documents(message), promise_date)
    elif outcome == Outcome.DISPUTE:
        Document.objects.filter(pk__in=_documents(message)).update(
            disputed=True, block_reason=dispute_reason[:200]
        )


def resume_if_handled(customer_id: int) -> None:
    """The pause ends when none of the customer's replies is left to handle."""
    waiting = InboundMessage.objects.to_handle().filter(customer_id=customer_id).exists()
    Customer.objects.filter(pk=customer_id).update(awaiting_reply=waiting)
