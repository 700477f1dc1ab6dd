"""Payments, keyed by `external_id` else by (customer, `reference`), and their allocations."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import INVOICE_LIKE, Allocation, Company, Customer, Document, DocumentKind, Payment
from .allocations import parse_allocations, plan_allocations
from .batch import (
    Errors,
    Updates,
    UpsertError,
    UpsertResult,
    check_keys,
    chunks,
    coerce_fields,
    fetch,
    refresh,
    refuse_nul,
    run,
)
from .customers import CustomerBook

PAYMENT_FIELDS = ("date", "amount", "currency", "method", "reference", "external_id")
_ALLOWED = {"customer", "allocations", *PAYMENT_FIELDS}


@dataclass
class _PayPlan:
    index: int
    values: dict
    customer: Customer | None
    allocations: list | None  # [(invoice number, amount or None)] or None: keep as is
    payment: Payment | None = None
    resolved: list = field(default_factory=list)  # [(invoice id, amount)] asked
    resolved_docs: list = field(default_factory=list)  # [(invoice Document, amount)] asked
    previous: list = field(default_factory=list)  # [(invoice id, amount)] stored


def upsert_payments(company: Company, items: list[dict], *, dry_run: bool = False) -> UpsertResult:
    """Create or update payments keyed by `external_id`, else by (customer, `reference`).

    Item keys: external_id and/or reference (one is required so a re-import matches),
    customer (code or dict as for invoices; defaults to the customer of the first
    allocated invoice), date, amount (> 0), method, currency, allocations: a list of
    {"invoice": number, "amount": Decimal} (amount omitted: as much as both the payment
    and the invoice's balance allow). Given allocations replace the payment's previous
    ones; without the key they are kept. Paid amounts are then recomputed from
    allocations (receivables.services.refresh_paid_amounts).
    """
    refuse_nul(items)
    errors = Errors()
    dicts = [i for i in items if isinstance(i, dict)]
    book = CustomerBook(company)
    book.load([i["customer"] for i in dicts if i.get("customer")])
    invoices = _invoices_named(company, dicts)
    plans: list[_PayPlan] = []
    for index, item in enumerate(items):
        plan = _plan_payment(item, index, book, invoices, errors)
        if plan is not None:
            plans.append(plan)
    _match_payments(company, plans, errors)
    plan_allocations(plans, invoices, errors)
    if errors:
        raise UpsertError(errors)
    return run(lambda: _write_payments(company, plans, book), dry_run)


# --- reading the batch ----------------------------------------------------------------


def _invoices_named(company: Company, dicts: list[dict]) -> dict[str, Document]:
    """The company's invoices that the batch allocates to, by number."""
    numbers = {
        str(a.get("invoice") if isinstance(a, dict) else a).strip()
        for i in dicts
        if isinstance(i.get("allocations"), list)
        for a in i["allocations"]
    }
    # Debit notes (charges invoiced) are paid like invoices; should an invoice share a
    # number with one, the invoice wins (its row comes last).
    scope = Document.objects.for_company(company).filter(kind__in=INVOICE_LIKE)
    rows = sorted(fetch(scope, "number", numbers), key=lambda d: d.kind == DocumentKind.INVOICE)
    return {d.number: d for d in rows}


def _plan_payment(item, index: int, book: CustomerBook, invoices: dict, errors: Errors):
    if not check_keys(item, _ALLOWED, errors, index):
        return None
    values = coerce_fields(Payment, item, PAYMENT_FIELDS, errors, index)
    if not values.get("external_id") and not values.get("reference"):
        errors.add(index, "reference", _("référence ou identifiant externe requis"))
    if "amount" in values and values["amount"] <= 0:
        errors.add(index, "amount", _("montant positif attendu"))
    allocations = None
    if "allocations" in item:
        allocations = parse_allocations(item["allocations"], errors, index)
    customer = None
    if item.get("customer"):
        customer = book.resolve(item["customer"], errors, index, "customer")
    elif allocations:
        first = invoices.get(allocations[0][0])
        customer = first.customer if first else None
    return _PayPlan(index, values, customer, allocations)


def _match_payments(company: Company, plans: list[_PayPlan], errors: Errors) -> None:
    """Find each plan's stored payment; refuse duplicates and incomplete new payments."""
    by_ext, by_ref = _stored_payments(company, plans)
    seen: dict = {}
    for plan in plans:
        ext = plan.values.get("external_id")
        if ext:
            key = ("ext", ext)
            plan.payment = by_ext.get(ext)
        else:
            cust = plan.customer.pk if plan.customer is not None else None
            key = ("ref", cust or id(plan.customer), plan.values.get("reference"))
            plan.payment = by_ref.get((cust, plan.values.get("reference"))) if cust else None
        if key in seen:
            errors.add(
                plan.index,
                "external_id" if ext else "reference",
                _("doublon de l'élément %(i)s") % {"i": seen[key]},
            )
        seen[key] = plan.index
        if plan.payment is None:
            _check_new(plan, errors)


def _stored_payments(company: Company, plans: list[_PayPlan]) -> tuple[dict, dict]:
    """The company's payments by external id, and by (customer id, reference)."""
    scope = Payment.objects.for_company(company)
    exts = [pl.values.get("external_id") for pl in plans if pl.values.get("external_id")]
    by_ext = {p.external_id: p for p in fetch(scope, "external_id", exts)}
    refs = [
        pl.values["reference"]
        for pl in plans
        if not pl.values.get("external_id") and pl.values.get("reference")
    ]
    by_ref = {
        (p.customer_id, p.reference): p
        for p in fetch(scope.filter(external_id=""), "reference", refs)
    }
    return by_ext, by_ref


def _check_new(plan: _PayPlan, errors: Errors) -> None:
    for name in ("date", "amount"):
        if name not in plan.values and not errors.has(plan.index, name):
            errors.add(plan.index, name, _("requis pour créer le règlement"))
    if plan.customer is None and not errors.has(plan.index, "customer", "allocations"):
        errors.add(plan.index, "customer", _("client manquant"))


# --- writing it -----------------------------------------------------------------------


def _write_payments(company: Company, plans: list[_PayPlan], book: CustomerBook) -> UpsertResult:
    result = UpsertResult()
    result.customers_created = book.save_new()
    new, updates, realloc = [], Updates(), []
    for plan in plans:
        if plan.payment is None:
            plan.payment = Payment(company=company, customer=plan.customer, **plan.values)
            plan.payment.currency = plan.values.get("currency", company.currency)
            new.append(plan.payment)
        else:
            values = dict(plan.values)
            if plan.customer is not None:
                values["customer_id"] = plan.customer.pk
            updates.apply(plan.payment, values)
        if plan.allocations is not None and plan.resolved != plan.previous:
            realloc.append(plan)
    Payment.objects.bulk_create(new, batch_size=500)
    _release(realloc)
    updates.save(Payment)
    _allocate(company, realloc)
    changed_ids = {p.pk for p in updates.rows} | {p.payment.pk for p in realloc}
    result.created = len(new)
    result.updated = len(changed_ids - {p.pk for p in new})
    result.unchanged = len(plans) - result.created - result.updated
    return result


def _release(realloc: list[_PayPlan]) -> None:
    """Delete the allocations being replaced and recompute what they paid."""
    if not realloc:
        return
    old = [p.payment.pk for p in realloc if p.previous]
    doc_ids = {doc_id for p in realloc for doc_id, _amount in p.previous}
    for chunk in chunks(old):
        Allocation.objects.filter(payment_id__in=chunk).delete()
    # Free the old allocations first so that moved money never looks over-allocated.
    refresh(doc_ids, old)


def _allocate(company: Company, realloc: list[_PayPlan]) -> None:
    Allocation.objects.bulk_create(
        [
            Allocation(
                company=company,
                invoice=inv,
                payment=p.payment,
                amount=amount,
                date=p.payment.date,
            )
            for p in realloc
            for inv, amount in p.resolved_docs
        ],
        batch_size=500,
    )
    doc_ids = {inv.pk for p in realloc for inv, _a in p.resolved_docs}
    refresh(doc_ids, [p.payment.pk for p in realloc])
