"""A waived debit note is cancelled by a credit note (avoir) of its own, as French
invoicing law wants: an issued invoice is never deleted or edited, it is cancelled by a
credit note that refers to it (art. 242 nonies A ann. II CGI; BOFiP BOI-TVA-DECLA-30-20-
20-10 § 330 on « factures rectificatives »).

- Numbered « AV-00001 », « AV-00002 »… per company from `NumberSequence` (kind
  `credit_note`), taken under a row lock in the transaction that saves it: no gap.
- Its lines repeat the debit note's (outside the scope of VAT, category O) without
  naming the invoices they charged: the reckoning keeps treating those charges as
  invoiced (waived, not to be claimed again).
- Its Factur-X is an EN 16931 credit note, type code 381, referring to the debit note
  (BT-25, its date BT-26) (receivables.einvoice_out).
- It is allocated to the debit note in full: the note's balance falls to zero, the
  credit note is used up (no floating credit), the customer's balance is back to what
  it was before the note.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from receivables.models import Document, DocumentKind, DocumentLine, NumberSequence
from receivables.services import allocate

from .invoice_pdf import ensure_invoice_pdf

PREFIX = "AV-"


@transaction.atomic
def cancel_by_credit_note(note: Document, on: date) -> Document:
    """Issue the credit note cancelling `note` (a debit note, locked by the caller), with
    its PDF, and allocate it to `note`. Returns the credit note."""
    number = NumberSequence.take(note.company, DocumentKind.CREDIT_NOTE)
    credit = Document.objects.create(
        company=note.company,
        customer=note.customer,
        kind=DocumentKind.CREDIT_NOTE,
        number=f"{PREFIX}{number:05d}",
        issue_date=on,
        due_date=on,
        description=(_("Annulation de la note de débit %(n)s") % {"n": note.number})[:300],
        amount=note.amount,
        amount_excl_tax=note.amount_excl_tax,
        tax_amount=note.tax_amount,
        currency=note.currency,
        cancels=note,
    )
    DocumentLine.objects.bulk_create(
        DocumentLine(
            document=credit,
            position=line.position,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            net_amount=line.net_amount,
            vat_rate=line.vat_rate,
            vat_category=line.vat_category,
        )
        for line in note.lines.order_by("position")
    )
    ensure_invoice_pdf(credit)  # before the allocation: the PDF states the amount credited
    allocate(note, note.balance, credit_note=credit, on=on)
    credit.refresh_from_db()
    return credit
