"""Use cases on receivables, shared by screens, API, CLI and imports."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from .models import Allocation, Document, DocumentKind, DocumentState, Payment


def _sum_of(queryset, field: str):
    total = queryset.values(field).annotate(s=Sum("amount")).values("s")
    return Coalesce(Subquery(total), Value(Decimal("0")), output_field=DecimalField())


# What an open invoice becomes once nothing is left to pay (also written at once by an
# import for a new invoice whose « Réglé » covers it: receivables.upsert.paid_column).
PAID_IN_FULL = {"state": DocumentState.PAID, "to_remind": False, "to_remind_since": None}


def refresh_paid_amounts(document_ids=None, payment_ids=None) -> None:
    """Recompute the derived sums from allocations, set-based (one UPDATE each).

    The CHECK constraints on Document and Payment make an over-allocation fail here.
    """
    if document_ids is not None:
        docs = Document.objects.filter(pk__in=document_ids)
        invoices = docs.exclude(kind=DocumentKind.CREDIT_NOTE)
        invoices.update(
            paid_amount=_sum_of(Allocation.objects.filter(invoice=OuterRef("pk")), "invoice")
        )
        docs.filter(kind=DocumentKind.CREDIT_NOTE).update(
            paid_amount=_sum_of(
                Allocation.objects.filter(credit_note=OuterRef("pk")), "credit_note"
            )
        )
        # An invoice is paid when nothing is left; it reopens if an allocation goes.
        invoices.filter(
            state=DocumentState.OPEN, paid_amount__gte=F("amount"), amount__gt=0
        ).update(**PAID_IN_FULL)
        invoices.filter(state=DocumentState.PAID, paid_amount__lt=F("amount")).update(
            state=DocumentState.OPEN
        )
    if payment_ids is not None:
        Payment.objects.filter(pk__in=payment_ids).update(
            allocated_amount=_sum_of(Allocation.objects.filter(payment=OuterRef("pk")), "payment")
        )


def allocate(
    invoice: Document,
    amount: Decimal,
    *,
    payment: Payment | None = None,
    credit_note: Document | None = None,
    on: date | None = None,
) -> Allocation:
    """Settle `amount` of `invoice` from a payment or a credit note (partial allowed)."""
    source = payment or credit_note
    if source is None or (payment and credit_note):
        raise ValidationError(
            _("Une affectation vient d'un règlement ou d'un avoir, pas des deux.")
        )
    if source.company_id != invoice.company_id:
        raise ValidationError(
            _("Le règlement et la facture n'appartiennent pas à la même société.")
        )
    try:
        with transaction.atomic():
            allocation = Allocation.objects.create(
                company_id=invoice.company_id,
                invoice=invoice,
                payment=payment,
                credit_note=credit_note,
                amount=amount,
                date=on or getattr(source, "date", None) or source.issue_date,
            )
            doc_ids = [invoice.pk] + ([credit_note.pk] if credit_note else [])
            refresh_paid_amounts(document_ids=doc_ids, payment_ids=[payment.pk] if payment else [])
    except IntegrityError as exc:
        raise ValidationError(
            _(
                "L'affectation de %(amount)s dépasse le solde de la facture %(number)s ou du règlement."
            )
            % {"amount": amount, "number": invoice.number}
        ) from exc
    invoice.refresh_from_db()
    return allocation


def refund(payment: Payment, amount: Decimal) -> list[int]:
    """`amount` of `payment` went back to the payer (a card refund): what the payment had
    left unallocated goes first, then its allocations, the latest first, so the invoices
    they settled are due again. A payment refunded in full is gone. Returns the ids of
    the documents whose allocations were reversed."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        amount = min(amount, payment.amount)
        left = amount - min(payment.amount - payment.allocated_amount, amount)
        touched: list[int] = []
        for alloc in payment.allocations.order_by("-date", "-pk"):
            if left <= 0:
                break
            take = min(alloc.amount, left)
            touched.append(alloc.invoice_id)
            if take == alloc.amount:
                alloc.delete()
            else:
                Allocation.objects.filter(pk=alloc.pk).update(amount=alloc.amount - take)
            left -= take
        if amount >= payment.amount:
            payment.delete()
            refresh_paid_amounts(document_ids=touched)
        else:
            refresh_paid_amounts(document_ids=touched, payment_ids=[payment.pk])
            Payment.objects.filter(pk=payment.pk).update(amount=F("amount") - amount)
    return touched
