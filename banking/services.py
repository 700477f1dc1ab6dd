"""Use cases of bank statements: import (store + match), confirm, reject.

Views, the `import-statement` command and tests all come through here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from inbox.models import InboundMessage, Outcome
from receivables.models import INVOICE_LIKE, Document, DocumentState, Payment, PaymentMethod
from receivables.services import allocate

from . import matching
from .models import LineStatus, Proposal, Statement, StatementLine
from .parsers import StatementError, fingerprints, parse

__all__ = ["ImportResult", "StatementError", "confirm", "import_statement", "reject"]


@dataclass
class ImportResult:
    statement: Statement | None
    created: int = 0
    already_known: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        c = self.counts
        return _(
            "%(new)d ligne(s) nouvelle(s), %(known)d déjà importée(s) ; "
            "%(m)d rapprochée(s), %(p)d à confirmer, %(u)d non rapprochée(s)."
        ) % {
            "new": self.created,
            "known": self.already_known,
            "m": c.get(LineStatus.MATCHED, 0),
            "p": c.get(LineStatus.PROPOSED, 0),
            "u": c.get(LineStatus.UNMATCHED, 0),
        }


@transaction.atomic
def import_statement(company, data: bytes, file_name: str = "", user=None) -> ImportResult:
    """Store the lines not seen before, then match each new credit to open invoices.

    A file that cannot be read raises StatementError and changes nothing.
    """
    parsed = parse(data, file_name)
    keys = fingerprints(parsed)
    known = set(
        StatementLine.objects.for_company(company)
        .filter(account=parsed.account, fingerprint__in=keys)
        .values_list("fingerprint", flat=True)
    )
    fresh = [(k, line) for k, line in zip(keys, parsed.lines, strict=True) if k not in known]
    result = ImportResult(statement=None, already_known=len(parsed.lines) - len(fresh))
    if not fresh:
        return result  # same statement again: nothing to create
    statement = Statement.objects.create(
        company=company,
        account=parsed.account,
        format=parsed.format,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        reference=parsed.reference[:100],
        date_from=parsed.date_from,
        date_to=parsed.date_to,
        imported_by=user if user is not None and user.is_authenticated else None,
    )
    lines = [
        StatementLine.objects.create(
            company=company,
            statement=statement,
            account=parsed.account,
            fingerprint=key,
            booking_date=line.booking_date,
            value_date=line.value_date,
            amount=line.amount,
            currency=line.currency,
            counterparty=line.counterparty[:200],
            counterparty_account=line.counterparty_account[:64],
            remittance=" ".join(filter(None, [line.reference, line.remittance])),
            bank_reference=line.bank_reference[:100],
            status=LineStatus.UNMATCHED if line.amount > 0 else LineStatus.DEBIT,
        )
        for key, line in fresh
    ]
    result.statement, result.created = statement, len(lines)
    match_lines(company, [line for line in lines if line.amount > 0])
    for line in lines:
        result.counts[line.status] = result.counts.get(line.status, 0) + 1
    return result


def open_invoices(company) -> dict[int, matching.OpenInvoice]:
    rows = (
        Document.objects.for_company(company)
        .filter(kind__in=INVOICE_LIKE, state=DocumentState.OPEN)  # debit notes too
        .unpaid()
        .values_list(
            "id", "number", "customer_id", "customer__name", "amount", "paid_amount", "due_date",
            "currency",
        )
    )  # fmt: skip
    return {
        r[0]: matching.OpenInvoice(r[0], r[1], r[2], r[3], r[4] - r[5], r[6], r[7]) for r in rows
    }


def said_paid(company) -> dict[Decimal, tuple[int, ...]]:
    """Amount → customers who told us they paid it: in a reply a person marked « déjà
    payé », or with « J'ai payé » on the portal (still waiting for a person)."""
    hints: dict[Decimal, list[int]] = {}
    told = Q(outcome=Outcome.PAID) | Q(outcome="", matched_by="portal")
    rows = InboundMessage.objects.for_company(company).filter(
        told, paid_amount__isnull=False, customer__isnull=False
    )
    for amount, customer_id in rows.values_list("paid_amount", "customer_id"):
        hints.setdefault(amount, []).append(customer_id)
    return {amount: tuple(ids) for amount, ids in hints.items()}


def match_lines(company, lines: list[StatementLine]) -> None:
    """Match lines in booking order; a settled invoice's balance drops before the next line."""
    invoices = open_invoices(company)
    hints = said_paid(company)
    for line in lines:
        credit = matching.BankCredit(
            amount=line.amount,
            currency=line.currency,
            counterparty=line.counterparty,
            remittance=line.remittance,
            said_paid=hints.get(line.amount, ()),
        )
        found = matching.match_credit(credit, list(invoices.values()))
        line.rule, line.note = found.rule, found.note[:300]
        line.customer_id = found.customer_id
        if found.status == matching.MATCHED:
            _settle(line, found.allocations)
            for invoice, part in found.allocations:
                left = invoices[invoice.id].balance - part
                invoices[invoice.id] = _with_balance(invoice, left)
        elif found.status == matching.PROPOSED:
            line.status = LineStatus.PROPOSED
            Proposal.objects.bulk_create(
                Proposal(company=company, line=line, invoice_id=i.id, rule=found.rule)
                for i in found.invoices
            )
        else:
            line.status = LineStatus.UNMATCHED
        line.save()


def _with_balance(invoice: matching.OpenInvoice, balance: Decimal) -> matching.OpenInvoice:
    from dataclasses import replace

    return replace(invoice, balance=balance)


def _settle(line: StatementLine, plan: list[tuple[matching.OpenInvoice, Decimal]]) -> None:
    """Payment for the whole line amount; allocations for the planned parts; the rest of an
    overpayment stays unallocated on the payment (the customer's credit)."""
    first = Document.objects.for_company(line.company_id).get(pk=plan[0][0].id)
    payment = Payment.objects.create(
        company_id=line.company_id,
        customer_id=first.customer_id,
        date=line.booking_date,
        amount=line.amount,
        currency=line.currency,
        method=PaymentMethod.TRANSFER,
        reference=(line.remittance or line.counterparty)[:140],
        external_id=f"bank:{line.pk}",
    )
    for invoice, part in plan:
        document = first if invoice.id == first.pk else Document.objects.get(pk=invoice.id)
        allocate(document, part, payment=payment, on=line.booking_date)
    line.payment = payment
    line.customer_id = first.customer_id
    line.status = LineStatus.MATCHED


@transaction.atomic
def confirm(company, line_id: int, invoice_id: int) -> StatementLine:
    """A person picks one proposed invoice: pay it with the line (balance at most)."""
    line = StatementLine.objects.for_company(company).select_for_update().get(pk=line_id)
    if line.status != LineStatus.PROPOSED:
        raise ValidationError(_("Cette ligne n'est plus à confirmer."))
    proposal = line.proposals.filter(invoice_id=invoice_id).select_related("invoice").first()
    if proposal is None:
        raise ValidationError(_("Cette facture n'est pas proposée pour cette ligne."))
    invoice = proposal.invoice
    balance = invoice.amount - invoice.paid_amount
    if invoice.state != DocumentState.OPEN or balance <= 0:
        raise ValidationError(_("La facture %(n)s est déjà réglée.") % {"n": invoice.number})
    candidate = matching.OpenInvoice(
        invoice.pk, invoice.number, invoice.customer_id, "", balance, invoice.due_date
    )
    _settle(line, [(candidate, min(balance, line.amount))])
    line.rule = f"confirmed:{line.rule}"[:30]
    line.save()
    line.proposals.all().delete()
    return line


@transaction.atomic
def reject(company, line_id: int) -> StatementLine:
    """None of the proposals is right: the line is left over for another way."""
    line = StatementLine.objects.for_company(company).select_for_update().get(pk=line_id)
    if line.status != LineStatus.PROPOSED:
        raise ValidationError(_("Cette ligne n'est plus à confirmer."))
    line.proposals.all().delete()
    line.status = LineStatus.UNMATCHED
    line.note = gettext_noop("propositions rejetées")  # translated when shown
    line.save()
    return line
