"""E-invoicing lifecycle statuses received for our invoices, applied all or nothing.

From September 2026 the French platforms return, for each issued invoice, the statuses
of the DGFiP external specifications (« Dossier de spécifications externes de la
facturation électronique » v3, lifecycle of the invoice; AFNOR XP Z12-012): 200 Déposée …
210 Refusée, 212 Encaissée, 213 Rejetée (`LifecycleStatus`). They arrive as CDAR
messages (`imports/cdar.py`), CSV lines (the « lifecycle » table kind) or API items; all
three end here as items:

    {"number": "FA-0008", "status": "212" (or "Encaissée"), "date": date,
     "amount": Decimal (212: the amount collected), "reason_code": "", "reason": "",
     "message_id": "", "source": ""}

What a status does: each one is kept once per invoice, code and date (`LifecycleEvent`;
reading a file again changes nothing) and the latest is copied on the invoice, where
the rules read it (`dunning/rules.py`: 207/210 dispute stop, 208 pause, 213 never
reminded). A 212 Encaissée records a payment of the amount collected, allocated to the
invoice up to its balance (the rest stays as the customer's unallocated credit). A 206
Approuvée partiellement keeps the amount the buyer approved (the invoice page and the
timeline show it) and tells the collector the part not approved, to settle with the
customer (a credit note, or the dispute): it stops no reminder, as DOMAIN.md maps only
207/210, 208, 212 and 213 to the engine.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache

from django.utils import translation
from django.utils.translation import gettext as _

from .coerce import BadValue, to_date, to_money
from .models import (
    INVOICE_LIKE,
    Company,
    Document,
    DocumentKind,
    LifecycleEvent,
    LifecycleStatus,
    Payment,
)
from .normalize import norm
from .upsert import ItemError, UpsertError, UpsertResult, upsert_payments
from .upsert.batch import Errors, check_keys, run

FIELDS = {"number", "status", "date", "amount", "currency", "reason_code", "reason",
          "message_id", "source"}  # fmt: skip
COLLECTED = LifecycleStatus.COLLECTED.value
PARTLY_APPROVED = LifecycleStatus.PARTLY_APPROVED.value
WITH_AMOUNT = (COLLECTED, PARTLY_APPROVED)  # the statuses whose amount is kept
ENGLISH = {  # the names of the English translations of the specification
    "submitted": "200", "deposited": "200", "issued": "201", "received": "202",
    "made available": "203", "in hand": "204", "approved": "205",
    "partially approved": "206", "in dispute": "207", "disputed": "207",
    "suspended": "208", "completed": "209", "refused": "210", "payment sent": "211",
    "payment transmitted": "211", "payment received": "212", "cashed": "212",
    "collected": "212", "rejected": "213", "reviewed": "214", "cancelled": "220",
    "routing error": "221",
}  # fmt: skip


@dataclass
class StatusResult(UpsertResult):
    changed_numbers: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # invoices the platform rejected


def status_code(value) -> str:
    """'212', 212, 'VRBL:FR:212', 'Encaissée' or 'Payment received' → '212'; raises
    BadValue for anything else."""
    text = str(value if value is not None else "").strip()
    code = text.rsplit(":", 1)[-1].strip()
    if code in LifecycleStatus.values:
        return code
    word = norm(text)
    found = _french_words().get(word) or ENGLISH.get(word)
    if found:
        return found
    raise BadValue(
        _("statut inconnu « %(v)s » (codes 200 à 228 du cycle de vie, ex. 212 Encaissée)")
        % {"v": text[:40]}
    )


@cache
def _french_words() -> dict[str, str]:
    """« Encaissée » → 212: the names of the specification, whatever the active language."""
    with translation.override("fr"):
        return {norm(str(label)): code for code, label in LifecycleStatus.choices}


@dataclass
class _Plan:
    index: int
    document: Document
    code: str
    day: date
    amount: Decimal | None
    values: dict


def apply_statuses(company: Company, items: list[dict], *, dry_run: bool = False) -> StatusResult:
    """Record the statuses of `items` (see the module docstring); raise one UpsertError
    naming every bad item and field, and change nothing, if any item is wrong."""
    errors = Errors()
    numbers = {str(i.get("number", "")).strip() for i in items if isinstance(i, dict)}
    # the debit notes Relance issued are e-invoices too; an invoice of the same number wins
    found = (
        Document.objects.for_company(company)
        .filter(kind__in=INVOICE_LIKE, number__in=numbers)
        .select_related("customer")
    )
    invoices = {d.number: d for d in sorted(found, key=lambda d: d.kind == DocumentKind.INVOICE)}
    plans = [p for i, item in enumerate(items) if (p := _plan(item, i, invoices, errors))]
    if errors:
        raise UpsertError(errors)
    return run(lambda: _write(company, plans), dry_run)


def _plan(item, index: int, invoices: dict, errors: Errors) -> _Plan | None:
    if not check_keys(item, FIELDS, errors, index):
        return None
    number = str(item.get("number") or "").strip()
    document = invoices.get(number)
    if not number:
        errors.add(index, "number", _("numéro de facture manquant"))
    elif document is None:
        errors.add(index, "number", _("facture « %(n)s » inconnue") % {"n": number[:50]})
    code = day = amount = None
    try:
        code = status_code(item.get("status"))
    except BadValue as exc:
        errors.add(index, "status", exc)
    try:
        if item.get("date") in (None, ""):
            errors.add(index, "date", _("date du statut manquante"))
        else:
            day = to_date(item["date"])
    except BadValue as exc:
        errors.add(index, "date", exc)
    try:
        if item.get("amount") not in (None, ""):
            amount = to_money(item["amount"])
            if amount <= 0:
                errors.add(index, "amount", _("le montant encaissé doit être positif"))
            elif code == PARTLY_APPROVED and document is not None and amount > document.amount:
                errors.add(
                    index,
                    "amount",
                    _("montant approuvé %(a)s supérieur au montant de la facture %(b)s")
                    % {"a": amount, "b": document.amount},
                )
    except BadValue as exc:
        errors.add(index, "amount", exc)
    if code == COLLECTED and amount is None and not errors.has(index, "amount"):
        errors.add(index, "amount", _("statut 212 Encaissée sans montant encaissé"))
    currency = str(item.get("currency") or "").strip().upper()
    if document is not None and currency and currency != document.currency:
        errors.add(
            index,
            "currency",
            _("montant en %(c)s pour une facture en %(d)s")
            % {"c": currency, "d": document.currency},
        )
    if errors.has(index, ""):
        return None
    values = {k: str(item.get(k) or "")[:n] for k, n in
              (("reason_code", 20), ("reason", 500), ("message_id", 200), ("source", 200))}  # fmt: skip
    return _Plan(index, document, code, day, amount, values)


def _write(company: Company, plans: list[_Plan]) -> StatusResult:
    result = StatusResult()
    stored = {
        (e.document_id, e.code, e.date)
        for e in LifecycleEvent.objects.for_company(company).filter(
            document__in={p.document.pk for p in plans}
        )
    }
    new: list[_Plan] = []
    for plan in sorted(plans, key=lambda p: (p.day, p.index)):
        key = (plan.document.pk, plan.code, plan.day)
        if key in stored:
            result.unchanged += 1
            continue
        stored.add(key)
        new.append(plan)
    events = LifecycleEvent.objects.bulk_create(
        LifecycleEvent(company=company, document=p.document, code=p.code, date=p.day,
                       amount=p.amount if p.code in WITH_AMOUNT else None, **p.values)
        for p in new
    )  # fmt: skip
    result.created = len(events)
    _record_payments(company, list(zip(new, events, strict=True)), result)
    _tell_partial_approvals(new, result)
    for plan in new:
        doc = plan.document
        if doc.lifecycle_date is None or plan.day >= doc.lifecycle_date:
            doc.lifecycle_status, doc.lifecycle_date = plan.code, plan.day
    touched = {p.document.pk: p.document for p in new}.values()
    Document.objects.bulk_update(list(touched), ["lifecycle_status", "lifecycle_date"])
    for doc in touched:
        result.changed_numbers.append(doc.number)
        if doc.lifecycle_status == LifecycleStatus.REJECTED:
            result.rejected.append(doc.number)
    return result


def _tell_partial_approvals(plans: list[_Plan], result: StatusResult) -> None:
    """206 with an amount: the part of the invoice the buyer did not approve."""
    for plan in plans:
        if plan.code != PARTLY_APPROVED or plan.amount is None:
            continue
        doc = plan.document
        result.warnings.append(
            _(
                "%(n)s approuvée partiellement (statut 206) : %(a)s sur %(t)s ; %(r)s non "
                "approuvés à régler avec le client (avoir ou litige)"
            )  # fmt: skip
            % {"n": doc.number, "a": plan.amount, "t": doc.amount, "r": doc.amount - plan.amount}
        )


def _record_payments(company: Company, made: list, result: StatusResult) -> None:
    """212 Encaissée: a payment of the amount collected, allocated up to the balance."""
    collected = [(p, e) for p, e in made if p.code == COLLECTED]
    if not collected:
        return
    left: dict[int, Decimal] = {}
    items = []
    for plan, _event in collected:
        doc = plan.document
        balance = left.setdefault(doc.pk, doc.balance)
        share = min(plan.amount, balance)
        left[doc.pk] = balance - share
        if share < plan.amount:
            result.warnings.append(
                _(
                    "%(n)s : %(a)s encaissé pour un solde de %(b)s ; le reste est un crédit "
                    "non affecté du client"
                )  # fmt: skip
                % {"n": doc.number, "a": plan.amount, "b": balance}
            )
        items.append({
            "external_id": f"cdv-212:{doc.number}:{plan.day.isoformat()}"[:100],
            "reference": _("Encaissée (cycle de vie) %(n)s") % {"n": doc.number},
            "date": plan.day, "amount": plan.amount, "currency": doc.currency,
            "customer": {"code": doc.customer.code, "name": doc.customer.name},
            "allocations": [{"invoice": doc.number, "amount": share}] if share > 0 else [],
        })  # fmt: skip
    try:
        outcome = upsert_payments(company, items)
    except UpsertError as exc:
        raise UpsertError(
            [
                ItemError(
                    collected[e.index][0].index if e.index is not None else None, "amount", e.reason
                )
                for e in exc.errors
            ]  # fmt: skip
        ) from None
    result.payments_created += outcome.created

    by_ext = {
        p.external_id: p
        for p in Payment.objects.for_company(company).filter(
            external_id__in=[i["external_id"] for i in items]
        )
    }
    for (_plan, event), item in zip(collected, items, strict=True):
        event.payment = by_ext.get(item["external_id"])
    LifecycleEvent.objects.bulk_update([e for _p, e in collected], ["payment"])
    for plan, _event in collected:
        plan.document.refresh_from_db(fields=["paid_amount", "state"])
