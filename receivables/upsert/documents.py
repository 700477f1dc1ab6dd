"""Invoices, credit notes and quotes, keyed by (`kind`, `number`)."""

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from ..coerce import BadValue, coerce
from ..models import Company, Customer, Document, DocumentKind, DocumentState, Payment
from .batch import (
    Errors,
    Updates,
    UpsertError,
    UpsertResult,
    check_keys,
    coerce_fields,
    fetch_stored,
    refresh,
    refuse_nul,
    run,
)
from .customers import CustomerBook
from .fast_insert import insert
from .instances import Maker
from .paid_column import born_settled, paid_of, sync_paid_column

DOCUMENT_FIELDS = (
    "issue_date",
    "due_date",
    "payment_method",
    "description",
    "amount",
    "amount_excl_tax",
    "tax_amount",
    "operation_category",
    "delivery_address",
    "currency",
    "state",
    "external_id",
    "disputed",
    "block_reason",
    "blocked_until",
    "promise_date",
)
INVOICE_STATES = {
    DocumentState.DRAFT,
    DocumentState.OPEN,
    DocumentState.PAID,
    DocumentState.CANCELLED,
}
QUOTE_STATES = {
    DocumentState.DRAFT,
    DocumentState.OPEN,
    DocumentState.ACCEPTED,
    DocumentState.REFUSED,
    DocumentState.EXPIRED,
}


@dataclass(frozen=True)
class _Kinds:
    """What a batch accepts: invoices and credit notes, or quotes."""

    kinds: frozenset[str]
    default_kind: str
    states: frozenset[str]

    @property
    def invoices(self) -> bool:
        return self.default_kind != DocumentKind.QUOTE

    @functools.cached_property
    def allowed(self) -> set[str]:  # read for every item of a batch: made once
        allowed = {"number", "kind", "customer", *DOCUMENT_FIELDS}
        return allowed | {"paid", "paid_date"} if self.invoices else allowed


_INVOICES = _Kinds(
    frozenset({DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE}),
    DocumentKind.INVOICE,
    frozenset(INVOICE_STATES),
)
_QUOTES = _Kinds(frozenset({DocumentKind.QUOTE}), DocumentKind.QUOTE, frozenset(QUOTE_STATES))


# What matching and the "Réglé" column read of a stored document, whatever the batch
# gives (an update of a field no item gives would read it from the database).
_STORED = (
    "id",
    "kind",
    "number",
    "customer_id",
    "paid_amount",
    "amount",
    "state",
    "payment_method",
)


@dataclass
class DocPlan:
    index: int
    kind: str
    number: str
    values: dict
    customer: Customer | None
    paid: Decimal | None = None
    paid_date: date | None = None
    doc: Document | None = None
    created: bool = False  # the document is new in this batch


def upsert_invoices(
    company: Company, items: list[dict], *, today: date | None = None, dry_run: bool = False
) -> UpsertResult:
    """Create or update invoices and credit notes keyed by (`kind`, `number`).

    Item keys: number (required), kind ("invoice" default, or "credit_note"/"avoir"),
    customer (a code, or a dict {code?, name?, contact_name, emails, ...}: an unknown
    customer is created when a name is given), issue_date, due_date (required to create
    an invoice; a credit note defaults to its date), amount (≥ 0, incl. tax),
    payment_method, description, currency, state (draft, open, cancelled; "paid" means
    paid in full), disputed, block_reason, blocked_until, promise_date, external_id,
    paid (amount already settled: one stand-in payment makes up what real payments do
    not cover, idempotently) and paid_date (its date, default `today`).
    """
    return _upsert_documents(company, items, _INVOICES, today=today, dry_run=dry_run)


def upsert_quotes(
    company: Company, items: list[dict], *, today: date | None = None, dry_run: bool = False
) -> UpsertResult:
    """Create or update quotes keyed by `number`.

    Item keys: number, customer (as for invoices), issue_date, due_date (the validity
    date), amount, description, payment_method, currency, state (draft, open, accepted,
    refused, expired), disputed, block_reason, blocked_until, promise_date, external_id.
    """
    return _upsert_documents(company, items, _QUOTES, today=today, dry_run=dry_run)


def _upsert_documents(
    company: Company, items: list[dict], kinds: _Kinds, *, today: date | None, dry_run: bool
) -> UpsertResult:
    refuse_nul(items)
    today = today or timezone.localdate()
    errors = Errors()
    book = CustomerBook(company, fields=("id", "code", "name"))
    book.load([i["customer"] for i in items if isinstance(i, dict) and i.get("customer")])
    plans: list[DocPlan] = []
    seen: dict[tuple[str, str], int] = {}
    for index, item in enumerate(items):
        plan = _plan_document(item, index, kinds, book, errors, seen)
        if plan is not None:
            plans.append(plan)
    _match_documents(company, plans, kinds, errors)
    if errors:
        raise UpsertError(errors)
    return run(lambda: _write_documents(company, plans, book, today), dry_run)


# --- reading the batch ----------------------------------------------------------------


def _plan_document(
    item, index: int, kinds: _Kinds, book: CustomerBook, errors: Errors, seen: dict
) -> DocPlan | None:
    """The plan for one item, or None after saying what is wrong with its key."""
    if not check_keys(item, kinds.allowed, errors, index):
        return None
    number = _number_of(item, errors, index)
    kind = _kind_of(item, kinds, errors, index) if number is not None else None
    if kind is None:
        return None
    if (kind, number) in seen:
        errors.add(
            index,
            "number",
            _("doublon de l'élément %(i)s (numéro %(n)s)") % {"i": seen[kind, number], "n": number},
        )
        return None
    seen[kind, number] = index
    values = coerce_fields(Document, item, DOCUMENT_FIELDS, errors, index)
    if "amount" in values and values["amount"] < 0:
        errors.add(index, "amount", _("montant négatif : utilisez un avoir"))
    if values.get("state") and values["state"] not in kinds.states:
        errors.add(index, "state", _("état « %(s)s » non accepté ici") % {"s": values["state"]})
    customer = None
    if item.get("customer"):
        customer = book.resolve(item["customer"], errors, index, "customer")
    plan = DocPlan(index, kind, number, values, customer)
    if kinds.invoices:
        _plan_paid(plan, item, errors)
    return plan


def _number_of(item: dict, errors: Errors, index: int) -> str | None:
    number = str(item.get("number") or "").strip()
    if not number:
        errors.add(index, "number", _("numéro manquant"))
        return None
    if len(number) > 50:
        errors.add(index, "number", _("trop long (50 caractères au plus)"))
        return None
    return number


def _kind_of(item: dict, kinds: _Kinds, errors: Errors, index: int) -> str | None:
    if "kind" not in item:
        return kinds.default_kind
    try:
        kind = coerce(Document, "kind", item["kind"])
    except BadValue as exc:
        errors.add(index, "kind", exc)
        return None
    if kind not in kinds.kinds:
        errors.add(index, "kind", _("type « %(k)s » non accepté ici") % {"k": kind})
        return None
    return kind


def _plan_paid(plan: DocPlan, item: dict, errors: Errors) -> None:
    """An invoice's "Réglé" value and its date."""
    plan.paid = paid_of(item, plan.values, plan.kind, errors, plan.index)
    if item.get("paid_date"):
        try:
            plan.paid_date = coerce(Payment, "date", item["paid_date"])
        except BadValue as exc:
            errors.add(plan.index, "paid_date", exc)


def _match_documents(company: Company, plans: list[DocPlan], kinds: _Kinds, errors: Errors):
    given = {name for p in plans for name in p.values}  # compared: only what the batch has
    existing = {
        (d.kind, d.number): d
        for d in fetch_stored(
            Document.objects.for_company(company).filter(kind__in=kinds.kinds),
            "number",
            [p.number for p in plans],
            (*_STORED, *(name for name in DOCUMENT_FIELDS if name in given)),
        )
    }
    for plan in plans:
        plan.doc = existing.get((plan.kind, plan.number))
        _check_document(plan, errors)


def _check_document(plan: DocPlan, errors: Errors) -> None:
    values, doc, index = plan.values, plan.doc, plan.index
    if doc is None:
        required = ["issue_date", "amount"]
        if plan.kind != DocumentKind.CREDIT_NOTE:
            required.append("due_date")
        for name in required:
            if name not in values and not errors.has(index, name):
                errors.add(index, name, _("requis pour créer la pièce %(n)s") % {"n": plan.number})
        if plan.customer is None and not errors.has(index, "customer"):
            errors.add(index, "customer", _("client manquant"))
    amount = values.get("amount", doc.amount if doc else None)
    if amount is None:
        return
    if plan.paid is not None and plan.paid > amount:
        errors.add(
            index,
            "paid",
            _("réglé %(p)s supérieur au montant %(a)s") % {"p": plan.paid, "a": amount},
        )
    elif doc is not None and plan.paid is None and amount < doc.paid_amount:
        errors.add(
            index,
            "amount",
            _("montant %(a)s inférieur au déjà réglé %(p)s") % {"a": amount, "p": doc.paid_amount},
        )


# --- writing it -----------------------------------------------------------------------


def _write_documents(
    company: Company, plans: list[DocPlan], book: CustomerBook, today: date
) -> UpsertResult:
    result = UpsertResult()
    result.customers_created = book.save_new()
    new_docs, updates, resized, maker = [], Updates(), set(), Maker(Document)
    for plan in plans:
        values = dict(plan.values)
        if plan.customer is not None:
            values["customer"] = plan.customer
        if plan.doc is None:
            born_settled(values, plan.paid)
            plan.doc, plan.created = _new_document(maker, company, plan, values), True
            new_docs.append(plan.doc)
        elif "amount" in _update_document(plan.doc, values, updates):
            resized.add(plan.doc.pk)
    insert(Document, new_docs)
    updates.save(Document)
    paid_plans = [p for p in plans if p.paid is not None]
    touched = sync_paid_column(company, paid_plans, today, result) if paid_plans else set()
    refresh(resized - touched, [])  # a new amount may make an invoice paid, or open again
    result.created = len(new_docs)
    result.updated = len(({d.pk for d in updates.rows} | touched) - {d.pk for d in new_docs})
    result.unchanged = len(plans) - result.created - result.updated
    return result


def _new_document(maker: Maker, company: Company, plan: DocPlan, values: dict) -> Document:
    values.setdefault("currency", company.currency)
    if plan.kind == DocumentKind.CREDIT_NOTE:
        values.setdefault("due_date", values["issue_date"])
    return maker.new({"company": company, "kind": plan.kind, "number": plan.number, **values})


def _update_document(doc: Document, values: dict, updates: Updates) -> list[str]:
    """The fields of doc this batch changes (set on doc, saved later with the others)."""
    if "customer" in values:
        values["customer_id"] = values.pop("customer").pk
    if values.get("state") == DocumentState.OPEN and doc.state == DocumentState.PAID:
        del values["state"]  # paid in full by its allocations: that state is derived
    return updates.apply(doc, values)
