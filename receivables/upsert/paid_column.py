"""An invoice's "Réglé" value (`paid`) made true with one stand-in payment per invoice.

Real payments and credit notes already allocated count first; the stand-in payment
(external id "regle:<number>") covers the rest, and is resized or removed when the
value changes, so importing the same file again writes nothing.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from ..coerce import BadValue, to_money
from ..models import (
    Allocation,
    Company,
    Document,
    DocumentKind,
    DocumentState,
    Payment,
    PaymentMethod,
)
from ..services import PAID_IN_FULL
from .batch import Errors, UpsertResult, fetch_stored, refresh
from .fast_insert import insert
from .fast_update import update
from .instances import Maker

# External id of the payment that stands for an invoice's "Réglé" column.
PAID_COLUMN_PREFIX = "regle:"
ZERO = Decimal("0")


def paid_of(item, values, kind, errors: Errors, index: int) -> Decimal | None:
    """The amount the item says is settled: its `paid`, or all of it when state is paid."""
    paid = None
    if item.get("paid") not in (None, ""):
        try:
            paid = to_money(item["paid"])
        except BadValue as exc:
            errors.add(index, "paid", exc)
            return None
        if paid < 0:
            errors.add(index, "paid", _("montant réglé négatif"))
            return None
    if values.get("state") == DocumentState.PAID:
        del values["state"]  # "paid" is derived from allocations, never set directly
        if paid is None and "amount" in values:
            paid = values["amount"]
    if kind == DocumentKind.CREDIT_NOTE:
        return None  # a credit note is settled by allocating it, not by a payment
    return paid


def born_settled(values: dict, paid: Decimal | None) -> None:
    """A new invoice's paid amount and state as its stand-in payment makes them, written
    with the row: a first import then updates none of its paid invoices again (on
    PostgreSQL each such update rewrote every index of the row)."""
    if not paid:
        return
    values["paid_amount"] = paid
    opened = values.get("state", DocumentState.OPEN) == DocumentState.OPEN
    if opened and values["amount"] > 0 and paid >= values["amount"]:
        values.update(PAID_IN_FULL)  # as refresh_paid_amounts would make it


@dataclass
class _Changes:
    """The stand-in payments and allocations to write, and the invoices they touch."""

    new_payments: list = field(default_factory=list)
    new_allocs: list = field(default_factory=list)  # [(payment, invoice, amount)]
    upd_payments: list = field(default_factory=list)
    upd_allocs: list = field(default_factory=list)
    dead: list = field(default_factory=list)  # ids of stand-ins no longer needed
    touched: set = field(default_factory=set)  # ids of invoices whose paid amount moves
    maker: Maker = field(default_factory=lambda: Maker(Payment))

    def resize(self, payment: Payment, alloc: Allocation | None, doc: Document, needed) -> None:
        payment.amount = payment.allocated_amount = needed
        payment.customer_id = doc.customer_id
        self.upd_payments.append(payment)
        if alloc is not None:
            alloc.amount = needed
            self.upd_allocs.append(alloc)
        else:
            self.new_allocs.append((payment, doc, needed))

    def save(self, company: Company) -> None:
        if self.dead:
            Payment.objects.filter(pk__in=self.dead).delete()
        insert(Payment, self.new_payments)
        if self.upd_payments:
            update(Payment, self.upd_payments, ["amount", "allocated_amount", "customer_id"])
        if self.upd_allocs:
            update(Allocation, self.upd_allocs, ["amount"])
        maker = Maker(Allocation)
        insert(
            Allocation,
            [
                maker.new(
                    {
                        "company": company,
                        "invoice": doc,
                        "payment": payment,
                        "amount": amount,
                        "date": payment.date,
                    }
                )
                for payment, doc, amount in self.new_allocs
            ],
        )
        # New documents and new stand-ins were written settled (born_settled, _stand_in).
        refresh(self.touched, [p.pk for p in self.upd_payments])


def sync_paid_column(company: Company, plans: list, today: date, result: UpsertResult) -> set:
    """Make each invoice's settled amount match its "Réglé" value; the invoices touched.

    plans: the invoices' DocPlans (saved `doc`, `paid`, `paid_date`).
    """
    keys = {PAID_COLUMN_PREFIX + p.number: p for p in plans}
    payments = {
        p.external_id: p
        for p in fetch_stored(
            Payment.objects.for_company(company),
            "external_id",
            keys,
            ("id", "external_id", "customer_id", "amount", "allocated_amount"),
        )
    }
    allocations = {
        a.payment_id: a
        for a in fetch_stored(
            Allocation.objects.all(),
            "payment_id",
            [p.pk for p in payments.values()],
            ("id", "payment_id", "amount"),
        )
    }
    changes = _Changes()
    for key, plan in keys.items():
        payment = payments.get(key)
        alloc = allocations.get(payment.pk) if payment else None
        _settle(company, key, plan, payment, alloc, today, changes)
    changes.save(company)
    result.payments_created += len(changes.new_payments)
    result.payments_updated += len(changes.upd_payments)
    result.payments_deleted += len(changes.dead)
    return changes.touched


def _settle(company, key: str, plan, payment, alloc, today: date, changes: _Changes) -> None:
    """Plan what makes one invoice's stand-in payment cover what others do not."""
    doc = plan.doc
    current = alloc.amount if alloc else ZERO
    # A new document's paid amount is already its "Réglé" (born_settled): no other payment.
    others = ZERO if plan.created else (doc.paid_amount or ZERO) - current
    needed = max(plan.paid - others, ZERO)
    if payment is not None and needed == current and payment.customer_id == doc.customer_id:
        return  # already right
    if payment is None and needed == 0:
        return  # nothing to stand in for
    if not plan.created:
        changes.touched.add(doc.pk)
    if payment is None:
        payment = _stand_in(changes.maker, company, key, doc, plan.paid_date or today, needed)
        changes.new_payments.append(payment)
        changes.new_allocs.append((payment, doc, needed))
    elif needed == 0:
        changes.dead.append(payment.pk)
    else:
        changes.resize(payment, alloc, doc, needed)


def _stand_in(maker, company, key: str, doc: Document, when: date, amount: Decimal) -> Payment:
    method = (
        doc.payment_method
        if doc.payment_method != PaymentMethod.UNSPECIFIED
        else PaymentMethod.TRANSFER
    )
    return maker.new(
        {
            "company": company,
            "customer_id": doc.customer_id,
            "date": when,
            "amount": amount,
            "allocated_amount": amount,  # its one allocation is made with it
            "method": method,
            "reference": _("Réglé %(n)s") % {"n": doc.number},
            "external_id": key,
        }
    )
