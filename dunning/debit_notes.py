"""Charges invoiced: a debit note for the late-payment interest and the fixed recovery
indemnity a reminder claimed, a document of its own that is reminded like an invoice.

- Numbered « ND-00001 », « ND-00002 »… per company from `NumberSequence`, taken under a
  row lock in the transaction that saves the note: no gap, no double. A waived note keeps
  its number (cancelled, never deleted).
- One line per invoice and kind of charge; each line names the invoice it charges and,
  for interest, the day it runs to. The reckoning then counts interest on that invoice
  only from the next day and never claims its indemnity again (dunning.reckoner).
- VAT in France: neither late-payment interest nor the 40 € indemnity is the
  consideration of a supply (art. 256 CGI): both are outside the scope of VAT
  (DGCCRF note d'information n° 2013-26, point 4, for the indemnity; BOFiP
  BOI-TVA-BASE-10-10-10 for interest and damages). The lines carry category O
  (« hors champ »), exemption code VATEX-EU-O, no VAT.
- The PDF is a Factur-X EN 16931 (receivables.einvoice_out), type code 380 (the
  French 2026 code list has no separate debit-note code; the note is an invoice of
  charges).
- Due on receipt: its due date is its date. Issued with a reminder of level N, it starts
  at level N (that message claimed it), so the next scan puts it at level N + 1 with the
  invoices it charges.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from receivables.models import (
    Charge,
    Document,
    DocumentKind,
    DocumentLine,
    DocumentState,
    NumberSequence,
    VatCategory,
)
from receivables.totals import percent

from .credit_notes import cancel_by_credit_note
from .invoice_pdf import ensure_invoice_pdf
from .reckoner import Reckoner

PREFIX = "ND-"


class CannotWaive(ValueError):
    pass


def _interest_text(number: str, line) -> str:
    first, last = line.periods[0].start, line.periods[-1].end
    rates = " ; ".join(percent(p.rate) for p in line.periods)
    return _("Intérêts de retard, facture %(n)s, du %(a)s au %(b)s (%(d)s jours, %(r)s)") % {
        "n": number,
        "a": first.strftime("%d/%m/%Y"),
        "b": last.strftime("%d/%m/%Y"),
        "d": line.days,
        "r": rates,
    }


def invoice_charges(
    documents, as_of: date, *, level_rank: int = 0, user: str = ""
) -> list[Document]:
    """Debit notes (one per currency) for the charges owed on `as_of` on `documents` (a
    customer's open invoices), none when nothing is owed. Returns the notes created."""
    invoices = [
        d for d in documents if d.kind == DocumentKind.INVOICE and d.state == DocumentState.OPEN
    ]
    by_currency: dict[str, list[Document]] = {}
    for doc in sorted(invoices, key=lambda d: (d.due_date, d.number)):
        by_currency.setdefault(doc.currency, []).append(doc)
    reckoner, notes = Reckoner(as_of), []
    for docs in by_currency.values():
        reckoning = reckoner.reckon(docs, claims_charges=True)
        if reckoning.charges <= 0:
            continue
        notes.append(_issue(docs, reckoning, as_of, level_rank, user))
    for note in notes:
        ensure_invoice_pdf(note)
    return notes


@transaction.atomic
def _issue(docs, reckoning, as_of, level_rank, user) -> Document:
    first = docs[0]
    company, customer = first.company, first.customer
    number = NumberSequence.take(company, DocumentKind.DEBIT_NOTE)
    total = reckoning.charges
    note = Document.objects.create(
        company=company,
        customer=customer,
        kind=DocumentKind.DEBIT_NOTE,
        number=f"{PREFIX}{number:05d}",
        issue_date=as_of,
        due_date=as_of,
        description=_("Intérêts de retard et indemnités forfaitaires de recouvrement"),
        amount=total,
        amount_excl_tax=total,
        tax_amount=Decimal("0.00"),
        currency=reckoning.currency,
        dunning_level=level_rank,
        last_reminder_date=as_of if level_rank else None,
    )
    by_number = {d.number: d for d in docs}
    rows, position = [], 0
    for line in reckoning.lines:
        source = by_number[line.number]
        if line.interest > 0:
            position += 1
            rows.append(
                DocumentLine(
                    document=note,
                    position=position,
                    description=_interest_text(line.number, line)[:300],
                    unit_price=line.interest,
                    net_amount=line.interest,
                    vat_category=VatCategory.OUT_OF_SCOPE,
                    source=source,
                    charge=Charge.INTEREST,
                    charged_until=line.periods[-1].end,
                )
            )
        if line.indemnity > 0:
            position += 1
            rows.append(
                DocumentLine(
                    document=note,
                    position=position,
                    description=(
                        _("Indemnité forfaitaire pour frais de recouvrement, facture %(n)s")
                        % {"n": line.number}
                    )[:300],
                    unit_price=line.indemnity,
                    net_amount=line.indemnity,
                    vat_category=VatCategory.OUT_OF_SCOPE,
                    source=source,
                    charge=Charge.INDEMNITY,
                )
            )
    DocumentLine.objects.bulk_create(rows)
    return note


@transaction.atomic
def waive(note: Document, reason: str, user: str = "", on: date | None = None) -> Document:
    """The collector gives the charges up: the note is cancelled with its reason (kept,
    shown in the timeline) by a credit note of its own (dunning.credit_notes, dated `on`,
    the company's today by default), its number stays used, and the charges it carried
    are not claimed again by later reminders (the reckoning skips charges already
    invoiced). Returns the credit note."""
    reason = (reason or "").strip()
    if note.kind != DocumentKind.DEBIT_NOTE:
        raise CannotWaive(_("Seule une note de débit peut être abandonnée."))
    if not reason:
        raise CannotWaive(_("Indiquez le motif de l'abandon."))
    note = (
        Document.objects.select_for_update().select_related("company", "customer").get(pk=note.pk)
    )  # two collectors waiving at once: the second finds it cancelled
    if note.state != DocumentState.OPEN or note.paid_amount:
        raise CannotWaive(_("Cette note de débit n'est plus ouverte ou a reçu un règlement."))
    note.state = DocumentState.CANCELLED
    note.waived_reason = reason[:300]
    note.waived_at = timezone.now()
    note.waived_by = user[:150]
    note.to_remind, note.pending_level = False, None
    note.save(
        update_fields=[
            "state",
            "waived_reason",
            "waived_at",
            "waived_by",
            "to_remind",
            "pending_level",
        ]
    )
    return cancel_by_credit_note(note, on or note.company.today())
