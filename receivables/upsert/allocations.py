"""A payment's allocations to invoices: read from the item, checked against balances."""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from ..coerce import BadValue, to_money
from ..models import Allocation
from .batch import Errors, chunks


def parse_allocations(raw, errors: Errors, index: int) -> list | None:
    """[(invoice number, amount or None)] from a list of numbers or {invoice, amount}."""
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


def plan_allocations(plans: list, invoices: dict, errors: Errors) -> None:
    """Check every allocation against invoice balances as they will be after the batch.

    Sets each plan's `previous` [(invoice id, amount)] as stored, `resolved_docs`
    [(invoice, amount)] as asked and `resolved` [(invoice id, amount)] to compare them.
    """
    paid = _paid_once_moved(plans, invoices)
    for plan in plans:
        plan.resolved_docs = []
        if plan.allocations is None:
            _check_kept(plan, errors)
            plan.resolved = []
            continue
        _resolve(plan, invoices, paid, errors)
        plan.resolved = [(inv.pk, amount) for inv, amount in plan.resolved_docs]


def _paid_once_moved(plans: list, invoices: dict) -> dict:
    """What is paid on each invoice once the payments given new allocations let go."""
    existing_ids = [
        p.payment.pk for p in plans if p.payment is not None and p.allocations is not None
    ]
    previous = defaultdict(list)
    for chunk in chunks(existing_ids):
        for alloc in Allocation.objects.filter(payment_id__in=chunk).order_by("pk"):
            previous[alloc.payment_id].append((alloc.invoice_id, alloc.amount))
    paid = {inv.pk: inv.paid_amount for inv in invoices.values()}
    for plan in plans:
        plan.previous = previous.get(plan.payment.pk, []) if plan.payment is not None else []
        for doc_id, amount in plan.previous:
            if doc_id in paid:  # money this batch moves away is free for the others
                paid[doc_id] -= amount
    return paid


def _check_kept(plan, errors: Errors) -> None:
    """A payment keeping its allocations cannot shrink below what they take."""
    amount = plan.values.get("amount")
    if plan.payment is not None and amount is not None and amount < plan.payment.allocated_amount:
        errors.add(
            plan.index,
            "amount",
            _("inférieur au montant déjà affecté %(a)s") % {"a": plan.payment.allocated_amount},
        )


def _resolve(plan, invoices: dict, paid: dict, errors: Errors) -> None:
    left = plan.values.get("amount", plan.payment.amount if plan.payment else Decimal("0"))
    for n, (number, amount) in enumerate(plan.allocations):
        inv = invoices.get(number)
        problem = _not_allocatable(plan, inv, number)
        if problem is None:
            amount, problem = _amount_to_allocate(amount, inv.amount - paid[inv.pk], left, number)
        if problem is not None:
            errors.add(plan.index, f"allocations[{n}]", problem)
            continue
        paid[inv.pk] += amount
        left -= amount
        plan.resolved_docs.append((inv, amount))


def _not_allocatable(plan, inv, number: str) -> str | None:
    if inv is None:
        return _("facture inconnue : %(n)s") % {"n": number}
    if plan.customer is not None and inv.customer_id != plan.customer.pk:
        return _("la facture %(n)s est d'un autre client") % {"n": number}
    return None


def _amount_to_allocate(amount, balance, left, number: str) -> tuple[Decimal, str | None]:
    """The amount (as much as both allow when not given), or why it cannot be allocated."""
    if amount is None:
        amount = min(left, balance)
        if amount <= 0:
            return amount, _("rien à affecter à la facture %(n)s (solde %(b)s, reste %(l)s)") % {
                "n": number,
                "b": balance,
                "l": left,
            }
    if amount > balance:
        return amount, _("%(a)s dépasse le solde %(b)s de la facture %(n)s") % {
            "a": amount,
            "b": balance,
            "n": number,
        }
    if amount > left:
        return amount, _("%(a)s dépasse le reste du règlement %(l)s") % {"a": amount, "l": left}
    return amount, None
