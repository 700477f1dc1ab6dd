"""Set-based, all-or-nothing upserts of customers, invoices/credit notes, quotes, payments.

Used by file imports, the REST API's batch endpoints and the demo data. Every function:

- takes the company and a list of plain dicts (values already parsed: Decimal, date,
  bool; ISO strings and French/English choice labels are accepted too);
- matches existing rows by their key (customer `code`, document `number` per kind,
  payment `external_id` else `reference` of the customer) and creates or updates them;
  fields absent from an item are left as they are on update;
- validates the whole batch first and, on any bad item, raises ONE `UpsertError` whose
  `.errors` lists every problem (item index, field, reason) and changes nothing;
- writes in one transaction with a handful of statements (bulk_create / bulk_update),
  never one query per row;
- returns an `UpsertResult` (created / updated / unchanged counts): running it again with
  the same items reports everything unchanged and writes nothing;
- `dry_run=True` validates and counts, then rolls back.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .coerce import BadValue, coerce, nul_paths, nul_refused, to_money
from .models import (
    Allocation,
    Company,
    Customer,
    Document,
    DocumentKind,
    DocumentState,
    Payment,
    PaymentMethod,
)
from .normalize import norm
from .services import refresh_paid_amounts

CUSTOMER_FIELDS = (
    "name",
    "contact_name",
    "emails",
    "phone",
    "address",
    "postal_code",
    "city",
    "country",
    "language",
    "is_business",
    "default_payment_method",
    "no_reminders",
    "no_reminders_reason",
    "blocked_until",
    "external_id",
    "notes",
)
DOCUMENT_FIELDS = (
    "issue_date",
    "due_date",
    "payment_method",
    "description",
    "amount",
    "currency",
    "state",
    "external_id",
    "disputed",
    "block_reason",
    "blocked_until",
    "promise_date",
)
PAYMENT_FIELDS = ("date", "amount", "currency", "method", "reference", "external_id")
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
# External id of the payment that stands for an invoice's "Réglé" column.
PAID_COLUMN_PREFIX = "regle:"
CHUNK = 900  # SQLite's historic limit of bound parameters per statement


@dataclass(frozen=True)
class ItemError:
    index: int | None  # position in the list given, 0-based; None: the batch as a whole
    field: str  # key of the item, "" when it is about the whole item
    reason: str

    def __str__(self) -> str:
        where = _("élément %(i)s") % {"i": self.index} if self.index is not None else _("lot")
        return f"{where}, {self.field or '-'} : {self.reason}"


class UpsertError(Exception):
    """Nothing was written; `errors` says what to fix, item by item."""

    def __init__(self, errors: list[ItemError]):
        self.errors = sorted(errors, key=lambda e: e.index if e.index is not None else -1)
        super().__init__("; ".join(str(e) for e in self.errors[:5]))


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    customers_created: int = 0
    payments_created: int = 0
    payments_updated: int = 0
    payments_deleted: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.updated
            or self.customers_created
            or self.payments_created
            or self.payments_updated
            or self.payments_deleted
        )


class _DryRun(Exception):
    pass


class _Errors(list):
    def __init__(self):
        super().__init__()
        self.where: dict[int | None, set[str]] = defaultdict(set)

    def add(self, index, field_name: str, reason: str) -> None:
        self.append(ItemError(index, field_name, str(reason)))
        self.where[index].add(field_name)

    def has(self, index, *prefixes: str) -> bool:
        """Whether the item already has an error on a field starting with one of prefixes."""
        return any(f.startswith(prefixes) for f in self.where.get(index, ()))


def _chunks(values, size: int = CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _fetch(queryset, lookup: str, values) -> list:
    rows = []
    for chunk in _chunks(set(values)):
        rows.extend(queryset.filter(**{f"{lookup}__in": chunk}))
    return rows


def _coerce_fields(model, item: dict, names, errors: _Errors, index: int, prefix: str = "") -> dict:
    values = {}
    for name in names:
        if name in item:
            try:
                values[name] = coerce(model, name, item[name])
            except BadValue as exc:
                errors.add(index, prefix + name, exc)
    return values


def _check_keys(item, allowed: set[str], errors: _Errors, index: int) -> bool:
    if not isinstance(item, dict):
        errors.add(index, "", _("un objet (dictionnaire) est attendu"))
        return False
    for key in sorted(set(item) - allowed):
        errors.add(index, key, _("champ inconnu"))
    return True


def _refuse_nul(items: list) -> None:
    """Before any lookup: PostgreSQL refuses NUL in text even in a WHERE clause."""
    errors = _Errors()
    for index, item in enumerate(items):
        for where in nul_paths(item):
            errors.add(index, where, nul_refused())
    if errors:
        raise UpsertError(errors)


def _diff(obj, values: dict) -> list[str]:
    return [name for name, value in values.items() if getattr(obj, name) != value]


def _run(fn, dry_run: bool):
    """Run fn in one transaction; a dry run rolls it back but still returns the counts."""
    outcome = {}
    try:
        with transaction.atomic():
            outcome["result"] = fn()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except IntegrityError as exc:
        raise UpsertError(
            [ItemError(None, "", _("refusé par la base de données : %(e)s") % {"e": exc})]
        ) from exc
    return outcome["result"]


# --- customers -----------------------------------------------------------------------


def _code_from_name(name: str) -> str:
    return norm(name).upper().replace(" ", "-")[:40] or "CLIENT"


class _CustomerBook:
    """Resolves customer references of a batch with a few queries, creating new ones last.

    A reference is a code (str) or a dict with `code` and/or `name` and optional details.
    Unknown code without a name is an error; a name alone matches an existing customer
    of that name (case and accents ignored) or creates one with a code made from it.
    """

    def __init__(self, company: Company):
        self.company = company
        self.by_code: dict[str, Customer] = {}
        self.by_name: dict[str, list[Customer]] = defaultdict(list)
        self.new: dict[str, Customer] = {}  # code -> unsaved customer
        self.new_by_name: dict[str, Customer] = {}

    def load(self, refs: list) -> None:
        codes = {r if isinstance(r, str) else r.get("code") for r in refs}
        codes.discard(None)
        needs_names = any(isinstance(r, dict) and not r.get("code") for r in refs)
        scope = Customer.objects.for_company(self.company)
        customers = list(scope) if needs_names else _fetch(scope, "code", codes)
        for customer in customers:
            self.by_code[customer.code] = customer
            self.by_name[norm(customer.name)].append(customer)

    def resolve(self, ref, errors: _Errors, index: int, fld: str) -> Customer | None:
        if isinstance(ref, str):
            ref = {"code": ref}
        if not isinstance(ref, dict):
            errors.add(index, fld, _("code client ou objet client attendu"))
            return None
        unknown = set(ref) - {"code", *CUSTOMER_FIELDS}
        for key in sorted(unknown):
            errors.add(index, f"{fld}.{key}", _("champ inconnu"))
        code = str(ref.get("code") or "").strip()
        name = str(ref.get("name") or "").strip()
        if len(code) > 50:
            errors.add(index, f"{fld}.code", _("trop long (50 caractères au plus)"))
            return None
        if code:
            found = self.by_code.get(code) or self.new.get(code)
            if found is not None:
                return found
            if not name:
                errors.add(
                    index,
                    fld,
                    _("client inconnu : « %(code)s » (donnez aussi son nom pour le créer)")
                    % {"code": code},
                )
                return None
            return self._create(code, ref, errors, index, fld)
        if not name:
            errors.add(index, fld, _("client manquant (code ou nom)"))
            return None
        matches = self.by_name.get(norm(name), [])
        if len(matches) > 1:
            errors.add(
                index,
                fld,
                _("plusieurs clients s'appellent « %(name)s » : donnez le code (%(codes)s)")
                % {"name": name, "codes": ", ".join(sorted(c.code for c in matches))},
            )
            return None
        if matches:
            return matches[0]
        if norm(name) in self.new_by_name:
            return self.new_by_name[norm(name)]
        return self._create(self.free_code(name), ref, errors, index, fld)

    def free_code(self, name: str) -> str:
        base = _code_from_name(name)
        code, n = base, 1
        # Name-only references load every customer of the company, so by_code is complete.
        while code in self.by_code or code in self.new:
            n += 1
            code = f"{base}-{n}"
        return code

    def _create(self, code: str, ref: dict, errors: _Errors, index: int, fld: str) -> Customer:
        values = _coerce_fields(Customer, ref, CUSTOMER_FIELDS, errors, index, f"{fld}.")
        customer = Customer(company=self.company, code=code, **values)
        self.add_new(customer, customer.name)
        return customer

    def add_new(self, customer: Customer, name: str) -> None:
        self.new[customer.code] = customer
        self.new_by_name[norm(name)] = customer

    def save_new(self) -> int:
        if self.new:
            Customer.objects.bulk_create(self.new.values(), batch_size=500)
        return len(self.new)


def upsert_customers(company: Company, items: list[dict], *, dry_run: bool = False) -> UpsertResult:
    """Create or update customers keyed by `code`.

    Item keys: code (str, ≤ 50; when absent, `name` matches an existing customer or
    makes a new code), name (required to create), contact_name, emails (str or list),
    phone, address, postal_code, city, country (2 letters), language, is_business,
    default_payment_method, no_reminders, no_reminders_reason, blocked_until,
    external_id, notes.
    """
    _refuse_nul(items)
    errors = _Errors()
    allowed = {"code", *CUSTOMER_FIELDS}
    book = _CustomerBook(company)
    book.load([{k: i.get(k) for k in ("code", "name")} for i in items if isinstance(i, dict)])
    planned: list[tuple[Customer, dict, bool]] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if not _check_keys(item, allowed, errors, index):
            continue
        values = _coerce_fields(Customer, item, CUSTOMER_FIELDS, errors, index)
        code = str(item.get("code") or "").strip()
        if len(code) > 50:
            errors.add(index, "code", _("trop long (50 caractères au plus)"))
            continue
        if "name" in values and not values["name"]:
            errors.add(index, "name", _("nom vide"))
            continue
        if code:
            customer = book.by_code.get(code) or book.new.get(code)
        else:
            matches = book.by_name.get(norm(values.get("name", "")), [])
            if len(matches) > 1:
                errors.add(index, "code", _("plusieurs clients portent ce nom : donnez le code"))
                continue
            customer = matches[0] if matches else book.new_by_name.get(norm(values.get("name", "")))
        if customer is None:
            if not values.get("name"):
                if not errors.has(index, "name"):
                    errors.add(index, "name", _("requis pour créer le client %(c)s") % {"c": code})
                continue
            customer = Customer(company=company, code=code or book.free_code(values["name"]))
            book.add_new(customer, values["name"])
        key = customer.code
        if key in seen:
            errors.add(
                index,
                "code",
                _("doublon de l'élément %(i)s (code %(c)s)") % {"i": seen[key], "c": key},
            )
            continue
        seen[key] = index
        planned.append((customer, values, customer.pk is None))
    if errors:
        raise UpsertError(errors)

    def write() -> UpsertResult:
        result = UpsertResult()
        to_update, fields = [], set()
        for customer, values, is_new in planned:
            if is_new:
                for name, value in values.items():
                    setattr(customer, name, value)
                continue
            changed = _diff(customer, values)
            if changed:
                for name in changed:
                    setattr(customer, name, values[name])
                to_update.append(customer)
                fields.update(changed)
            else:
                result.unchanged += 1
        result.created = book.save_new()
        if to_update:
            Customer.objects.bulk_update(to_update, sorted(fields), batch_size=500)
        result.updated = len(to_update)
        return result

    return _run(write, dry_run)


# --- documents (invoices, credit notes, quotes) -------------------------------------


@dataclass
class _DocPlan:
    index: int
    kind: str
    number: str
    values: dict
    customer: Customer | None
    paid: Decimal | None = None
    paid_date: date | None = None
    doc: Document | None = None


def _upsert_documents(
    company: Company,
    items: list[dict],
    *,
    kinds: set[str],
    default_kind: str,
    states: set[str],
    today: date | None,
    dry_run: bool,
) -> UpsertResult:
    _refuse_nul(items)
    today = today or timezone.localdate()
    errors = _Errors()
    is_invoice_batch = default_kind != DocumentKind.QUOTE
    allowed = {"number", "kind", "customer", *DOCUMENT_FIELDS}
    if is_invoice_batch:
        allowed |= {"paid", "paid_date"}
    book = _CustomerBook(company)
    book.load([i["customer"] for i in items if isinstance(i, dict) and i.get("customer")])
    plans: list[_DocPlan] = []
    seen: dict[tuple[str, str], int] = {}
    for index, item in enumerate(items):
        if not _check_keys(item, allowed, errors, index):
            continue
        number = str(item.get("number") or "").strip()
        if not number:
            errors.add(index, "number", _("numéro manquant"))
            continue
        if len(number) > 50:
            errors.add(index, "number", _("trop long (50 caractères au plus)"))
            continue
        kind = default_kind
        if "kind" in item:
            try:
                kind = coerce(Document, "kind", item["kind"])
            except BadValue as exc:
                errors.add(index, "kind", exc)
                continue
            if kind not in kinds:
                errors.add(index, "kind", _("type « %(k)s » non accepté ici") % {"k": kind})
                continue
        if (kind, number) in seen:
            errors.add(
                index,
                "number",
                _("doublon de l'élément %(i)s (numéro %(n)s)")
                % {"i": seen[kind, number], "n": number},
            )
            continue
        seen[kind, number] = index
        values = _coerce_fields(Document, item, DOCUMENT_FIELDS, errors, index)
        if "amount" in values and values["amount"] < 0:
            errors.add(index, "amount", _("montant négatif : utilisez un avoir"))
        if values.get("state") and values["state"] not in states:
            errors.add(index, "state", _("état « %(s)s » non accepté ici") % {"s": values["state"]})
        customer = None
        if item.get("customer"):
            customer = book.resolve(item["customer"], errors, index, "customer")
        plan = _DocPlan(index, kind, number, values, customer)
        if is_invoice_batch:
            plan.paid = _paid_of(item, values, kind, errors, index)
            if item.get("paid_date"):
                try:
                    plan.paid_date = coerce(Payment, "date", item["paid_date"])
                except BadValue as exc:
                    errors.add(index, "paid_date", exc)
        plans.append(plan)

    existing = {
        (d.kind, d.number): d
        for d in _fetch(
            Document.objects.for_company(company).filter(kind__in=kinds),
            "number",
            [p.number for p in plans],
        )
    }
    for plan in plans:
        plan.doc = existing.get((plan.kind, plan.number))
        _check_document(plan, errors)
    if errors:
        raise UpsertError(errors)

    def write() -> UpsertResult:
        result = UpsertResult()
        result.customers_created = book.save_new()
        new_docs, to_update, fields, resized = [], [], set(), set()
        for plan in plans:
            values = dict(plan.values)
            if plan.customer is not None:
                values["customer"] = plan.customer
            if plan.doc is None:
                values.setdefault("currency", company.currency)
                if plan.kind == DocumentKind.CREDIT_NOTE:
                    values.setdefault("due_date", values["issue_date"])
                plan.doc = Document(company=company, kind=plan.kind, number=plan.number, **values)
                new_docs.append(plan.doc)
                continue
            if "customer" in values:
                values["customer_id"] = values.pop("customer").pk
            if values.get("state") == DocumentState.OPEN and plan.doc.state == DocumentState.PAID:
                del values["state"]  # paid in full by its allocations: that state is derived
            changed = _diff(plan.doc, values)
            if changed:
                for name in changed:
                    setattr(plan.doc, name, values[name])
                to_update.append(plan.doc)
                fields.update(changed)
                if "amount" in changed:
                    resized.add(plan.doc.pk)
        Document.objects.bulk_create(new_docs, batch_size=500)
        if to_update:
            Document.objects.bulk_update(to_update, sorted(fields), batch_size=500)
        paid_plans = [p for p in plans if p.paid is not None]
        touched = _sync_paid_column(company, paid_plans, today, result) if paid_plans else set()
        _refresh(resized - touched, [])  # a new amount may make an invoice paid, or open again
        result.created = len(new_docs)
        result.updated = len(({d.pk for d in to_update} | touched) - {d.pk for d in new_docs})
        result.unchanged = len(plans) - result.created - result.updated
        return result

    return _run(write, dry_run)


def _paid_of(item, values, kind, errors: _Errors, index: int) -> Decimal | None:
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


def _check_document(plan: _DocPlan, errors: _Errors) -> None:
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


def _sync_paid_column(company, plans: list[_DocPlan], today: date, result: UpsertResult) -> set:
    """Make each invoice's settled amount match its "Réglé" value with one stand-in payment.

    Real payments and credit notes already allocated count first; the stand-in payment
    (external id "regle:<number>") covers the rest, and is resized or removed when the
    value changes, so importing the same file again writes nothing.
    """
    keys = {PAID_COLUMN_PREFIX + p.number: p for p in plans}
    payments = {
        p.external_id: p for p in _fetch(Payment.objects.for_company(company), "external_id", keys)
    }
    allocations = {
        a.payment_id: a
        for a in _fetch(Allocation.objects.all(), "payment_id", [p.pk for p in payments.values()])
    }
    new_payments, new_allocs, upd_payments, upd_allocs, dead = [], [], [], [], []
    touched_docs = set()
    for key, plan in keys.items():
        doc, payment = plan.doc, payments.get(key)
        alloc = allocations.get(payment.pk) if payment else None
        current = alloc.amount if alloc else Decimal("0")
        others = (doc.paid_amount or Decimal("0")) - current
        needed = max(plan.paid - others, Decimal("0"))
        if payment is not None and needed == current and payment.customer_id == doc.customer_id:
            continue
        touched_docs.add(doc.pk)
        if payment is not None and needed == 0:
            dead.append(payment.pk)
        elif payment is not None:
            payment.amount = payment.allocated_amount = needed
            payment.customer_id = doc.customer_id
            upd_payments.append(payment)
            if alloc is not None:
                alloc.amount = needed
                upd_allocs.append(alloc)
            else:
                new_allocs.append((payment, doc, needed))
        elif needed > 0:
            method = (
                doc.payment_method
                if doc.payment_method != PaymentMethod.UNSPECIFIED
                else PaymentMethod.TRANSFER
            )
            payment = Payment(
                company=company,
                customer_id=doc.customer_id,
                date=plan.paid_date or today,
                amount=needed,
                method=method,
                reference=_("Réglé %(n)s") % {"n": doc.number},
                external_id=key,
            )
            new_payments.append(payment)
            new_allocs.append((payment, doc, needed))
        else:
            touched_docs.discard(doc.pk)
    if dead:
        Payment.objects.filter(pk__in=dead).delete()
    Payment.objects.bulk_create(new_payments, batch_size=500)
    if upd_payments:
        Payment.objects.bulk_update(
            upd_payments, ["amount", "allocated_amount", "customer_id"], batch_size=500
        )
    if upd_allocs:
        Allocation.objects.bulk_update(upd_allocs, ["amount"], batch_size=500)
    Allocation.objects.bulk_create(
        [
            Allocation(
                company=company, invoice=doc, payment=payment, amount=amount, date=payment.date
            )
            for payment, doc, amount in new_allocs
        ],
        batch_size=500,
    )
    _refresh(touched_docs, [p.pk for p in new_payments + upd_payments])
    result.payments_created += len(new_payments)
    result.payments_updated += len(upd_payments)
    result.payments_deleted += len(dead)
    return touched_docs


def _refresh(document_ids, payment_ids) -> None:
    for chunk in _chunks(document_ids):
        refresh_paid_amounts(document_ids=chunk)
    for chunk in _chunks(payment_ids):
        refresh_paid_amounts(payment_ids=chunk)


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
    return _upsert_documents(
        company,
        items,
        kinds={DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE},
        default_kind=DocumentKind.INVOICE,
        states=INVOICE_STATES,
        today=today,
        dry_run=dry_run,
    )


def upsert_quotes(
    company: Company, items: list[dict], *, today: date | None = None, dry_run: bool = False
) -> UpsertResult:
    """Create or update quotes keyed by `number`.

    Item keys: number, customer (as for invoices), issue_date, due_date (the validity
    date), amount, description, payment_method, currency, state (draft, open, accepted,
    refused, expired), disputed, block_reason, blocked_until, promise_date, external_id.
    """
    return _upsert_documents(
        company,
        items,
        kinds={DocumentKind.QUOTE},
        default_kind=DocumentKind.QUOTE,
        states=QUOTE_STATES,
        today=today,
        dry_run=dry_run,
    )


# --- payments --------------------------------------------------------------------------


@dataclass
class _PayPlan:
    index: int
    values: dict
    customer: Customer | None
    allocations: list | None  # [(invoice number, amount or None)] or None: keep as is
    payment: Payment | None = None
    resolved: list = field(default_factory=list)  # [(invoice Document, amount)]


def _parse_allocations(raw, errors: _Errors, index: int) -> list | None:
    if not isinstance(raw, list | tuple):
        errors.add(index, "allocations", _("liste attendue"))
        return None
    parsed = []
    for n, entry in enumerate(raw):
        fld = f"allocations[{n}]"
        if isinstance(entry, str):
            entry = {"invoice": entry}
        if not isinstance(entry, dict) or not str(entry.get("invoice") or "").strip():
            errors.add(index, fld, _("numéro de facture attendu"))
            continue
        for key in sorted(set(entry) - {"invoice", "amount"}):
            errors.add(index, f"{fld}.{key}", _("champ inconnu"))
        amount = None
        if entry.get("amount") not in (None, ""):
            try:
                amount = to_money(entry["amount"])
            except BadValue as exc:
                errors.add(index, f"{fld}.amount", exc)
                continue
            if amount <= 0:
                errors.add(index, f"{fld}.amount", _("montant positif attendu"))
                continue
        parsed.append((str(entry["invoice"]).strip(), amount))
    return parsed


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
    _refuse_nul(items)
    errors = _Errors()
    allowed = {"customer", "allocations", *PAYMENT_FIELDS}
    dicts = [i for i in items if isinstance(i, dict)]
    book = _CustomerBook(company)
    book.load([i["customer"] for i in dicts if i.get("customer")])
    numbers = {
        str(a.get("invoice") if isinstance(a, dict) else a).strip()
        for i in dicts
        if isinstance(i.get("allocations"), list)
        for a in i["allocations"]
    }
    invoices = {
        d.number: d
        for d in _fetch(
            Document.objects.for_company(company).filter(kind=DocumentKind.INVOICE),
            "number",
            numbers,
        )
    }
    plans: list[_PayPlan] = []
    for index, item in enumerate(items):
        if not _check_keys(item, allowed, errors, index):
            continue
        values = _coerce_fields(Payment, item, PAYMENT_FIELDS, errors, index)
        if not values.get("external_id") and not values.get("reference"):
            errors.add(index, "reference", _("référence ou identifiant externe requis"))
        if "amount" in values and values["amount"] <= 0:
            errors.add(index, "amount", _("montant positif attendu"))
        allocations = None
        if "allocations" in item:
            allocations = _parse_allocations(item["allocations"], errors, index)
        customer = None
        if item.get("customer"):
            customer = book.resolve(item["customer"], errors, index, "customer")
        elif allocations:
            first = invoices.get(allocations[0][0])
            customer = first.customer if first else None
        plans.append(_PayPlan(index, values, customer, allocations))
    _match_payments(company, plans, errors)
    _plan_allocations(plans, invoices, errors)
    if errors:
        raise UpsertError(errors)

    def write() -> UpsertResult:
        result = UpsertResult()
        result.customers_created = book.save_new()
        new, to_update, fields, realloc = [], [], set(), []
        for plan in plans:
            values = dict(plan.values)
            if plan.payment is None:
                plan.payment = Payment(company=company, customer=plan.customer, **values)
                plan.payment.currency = values.get("currency", company.currency)
                new.append(plan.payment)
            else:
                if plan.customer is not None:
                    values["customer_id"] = plan.customer.pk
                changed = _diff(plan.payment, values)
                if changed:
                    for name in changed:
                        setattr(plan.payment, name, values[name])
                    to_update.append(plan.payment)
                    fields.update(changed)
            if plan.allocations is not None and plan.resolved != plan.previous:
                realloc.append(plan)
        Payment.objects.bulk_create(new, batch_size=500)
        if realloc:
            old = [p.payment.pk for p in realloc if p.previous]
            doc_ids = {doc_id for p in realloc for doc_id, _amount in p.previous}
            for chunk in _chunks(old):
                Allocation.objects.filter(payment_id__in=chunk).delete()
            # Free the old allocations first so that moved money never looks over-allocated.
            _refresh(doc_ids, old)
        if to_update:
            Payment.objects.bulk_update(to_update, sorted(fields), batch_size=500)
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
        _refresh(doc_ids, [p.payment.pk for p in realloc])
        changed_ids = {p.pk for p in to_update} | {p.payment.pk for p in realloc}
        result.created = len(new)
        result.updated = len(changed_ids - {p.pk for p in new})
        result.unchanged = len(plans) - result.created - result.updated
        return result

    return _run(write, dry_run)


def _match_payments(company: Company, plans: list[_PayPlan], errors: _Errors) -> None:
    scope = Payment.objects.for_company(company)
    by_ext = {
        p.external_id: p
        for p in _fetch(
            scope,
            "external_id",
            [pl.values.get("external_id") for pl in plans if pl.values.get("external_id")],
        )
    }
    refs = [
        pl.values["reference"]
        for pl in plans
        if not pl.values.get("external_id") and pl.values.get("reference")
    ]
    by_ref = {
        (p.customer_id, p.reference): p
        for p in _fetch(scope.filter(external_id=""), "reference", refs)
    }
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
            for name in ("date", "amount"):
                if name not in plan.values and not errors.has(plan.index, name):
                    errors.add(plan.index, name, _("requis pour créer le règlement"))
            if plan.customer is None and not errors.has(plan.index, "customer", "allocations"):
                errors.add(plan.index, "customer", _("client manquant"))


def _plan_allocations(plans: list[_PayPlan], invoices: dict, errors: _Errors) -> None:
    """Check every allocation against invoice balances as they will be after the batch."""
    existing_ids = [
        p.payment.pk for p in plans if p.payment is not None and p.allocations is not None
    ]
    previous = defaultdict(list)
    for chunk in _chunks(existing_ids):
        for alloc in Allocation.objects.filter(payment_id__in=chunk).order_by("pk"):
            previous[alloc.payment_id].append((alloc.invoice_id, alloc.amount))
    paid = {inv.pk: inv.paid_amount for inv in invoices.values()}
    for plan in plans:
        plan.previous = previous.get(plan.payment.pk, []) if plan.payment is not None else []
        for doc_id, amount in plan.previous:
            if doc_id in paid:  # money this batch moves away is free for the others
                paid[doc_id] -= amount
    for plan in plans:
        plan.resolved_docs = []
        if plan.allocations is None:
            amount = plan.values.get("amount")
            if (
                plan.payment is not None
                and amount is not None
                and amount < plan.payment.allocated_amount
            ):
                errors.add(
                    plan.index,
                    "amount",
                    _("inférieur au montant déjà affecté %(a)s")
                    % {"a": plan.payment.allocated_amount},
                )
            plan.resolved = []
            continue
        left = plan.values.get("amount", plan.payment.amount if plan.payment else Decimal("0"))
        for n, (number, amount) in enumerate(plan.allocations):
            fld = f"allocations[{n}]"
            inv = invoices.get(number)
            if inv is None:
                errors.add(plan.index, fld, _("facture inconnue : %(n)s") % {"n": number})
                continue
            if plan.customer is not None and inv.customer_id != plan.customer.pk:
                errors.add(
                    plan.index, fld, _("la facture %(n)s est d'un autre client") % {"n": number}
                )
                continue
            balance = inv.amount - paid[inv.pk]
            if amount is None:
                amount = min(left, balance)
                if amount <= 0:
                    errors.add(
                        plan.index,
                        fld,
                        _("rien à affecter à la facture %(n)s (solde %(b)s, reste %(l)s)")
                        % {"n": number, "b": balance, "l": left},
                    )
                    continue
            if amount > balance:
                errors.add(
                    plan.index,
                    fld,
                    _("%(a)s dépasse le solde %(b)s de la facture %(n)s")
                    % {"a": amount, "b": balance, "n": number},
                )
                continue
            if amount > left:
                errors.add(
                    plan.index,
                    fld,
                    _("%(a)s dépasse le reste du règlement %(l)s") % {"a": amount, "l": left},
                )
                continue
            paid[inv.pk] += amount
            left -= amount
            plan.resolved_docs.append((inv, amount))
        plan.resolved = [(inv.pk, amount) for inv, amount in plan.resolved_docs]
