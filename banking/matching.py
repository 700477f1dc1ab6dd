"""Which open invoices a bank credit pays: pure rules, no database.

In order: (1) references in the line — an RF creditor reference built from an invoice
number (receivables.paycodes) or the invoice number itself in the remittance text;
(2) the customer named in the counterparty and an open balance equal to the amount;
(3) a customer who told us (a reply, « déjà payé ») they paid this very amount: their
open invoices, only proposed (a reply may be spoofed; a person decides);
(4) an open balance equal to the amount, whoever the customer (only proposed).
A sure answer is "matched"; several candidates or a weak one is "proposed" to a person;
nothing is "unmatched" (left over).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import gettext_noop
from stdnum import iso11649

from receivables.paycodes import reference_body

# Cached: every line of a statement is compared with the same open invoice numbers.
_body = lru_cache(maxsize=1 << 17)(reference_body)

MATCHED, PROPOSED, UNMATCHED = "matched", "proposed", "unmatched"

# Words that say "the numbers after me are invoice numbers" (accents stripped, upper case).
INVOICE_WORDS = {
    "FACTURE",
    "FACTURES",
    "FACT",
    "FACTS",
    "FAC",
    "FA",
    "FCT",
    "INVOICE",
    "INVOICES",
    "INV",
    "REF",
    "REFERENCE",
    "NUMERO",
    "RECHNUNG",
}
LIST_WORDS = {"ET", "AND", "N", "NO", "NOS", "NUM", "NR", "DU", "DES", "LA", "LES", "NO."}
# Words too common in company and person names to identify a customer.
NAME_NOISE = {
    "SARL", "SAS", "SASU", "SA", "EURL", "SCI", "SNC", "SCOP", "EI", "GMBH", "AG", "LTD",
    "INC", "SRL", "BV", "M", "MR", "MME", "MLLE", "MRS", "MS", "ET", "DE", "DU", "DES",
    "LA", "LE", "LES", "THE", "AND", "CIE", "ETS", "STE", "SOC",
}  # fmt: skip


@dataclass(frozen=True)
class OpenInvoice:
    id: int
    number: str
    customer_id: int
    customer_name: str
    balance: Decimal
    due_date: date
    currency: str = "EUR"


@dataclass(frozen=True)
class BankCredit:
    amount: Decimal
    currency: str = "EUR"
    counterparty: str = ""
    remittance: str = ""
    reference: str = ""  # structured creditor reference, when the bank gives one
    # customers who said they paid this amount (inbox: a reply handled « déjà payé »)
    said_paid: tuple[int, ...] = ()


@dataclass
class Match:
    status: str
    rule: str = ""
    invoices: tuple[OpenInvoice, ...] = ()  # to settle (matched) or to choose from (proposed)
    customer_id: int | None = None
    note: str = ""
    allocations: list[tuple[OpenInvoice, Decimal]] = field(default_factory=list)
    unallocated: Decimal = Decimal("0")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).upper()


def tokens(text: str) -> list[str]:
    return re.findall(r"[A-Z0-9]+(?:[-/.][A-Z0-9]+)*", normalize(text))


def rf_bodies(text: str) -> list[str]:
    """Invoice-number parts of the valid RF references found in `text` (spaces allowed,
    as printed in groups of four)."""
    found = []
    for m in re.finditer(r"RF\d{2}[A-Z0-9 ]{1,30}", normalize(text)):
        compact = m.group().replace(" ", "")
        for end in range(min(len(compact), 25), 4, -1):  # longest valid prefix wins
            if iso11649.is_valid(compact[:end]):
                found.append(compact[4:end])
                break
    return found


def _needs_context(body: str) -> bool:
    """Short all-digit numbers ("3") would match dates and quantities: they count only
    after an invoice word ("Facture 3", "Factures 3, 5 et 7")."""
    return body.isdigit() and len(body) < 6


def numbers_in(text: str, known: Iterable[str]) -> list[str]:
    """Reference bodies (see paycodes.reference_body) of `known` invoice numbers that
    the text mentions."""
    known = set(known)
    words = tokens(text)
    found = []
    for i, word in enumerate(words):
        body = re.sub(r"[^A-Z0-9]", "", word)
        if body not in known or body in found:
            continue
        if _needs_context(body) and not _after_invoice_word(words, i):
            continue
        found.append(body)
    return found


def _after_invoice_word(words: Sequence[str], i: int) -> bool:
    for previous in reversed(words[:i]):
        if previous in INVOICE_WORDS:
            return True
        if previous.isdigit() or previous in LIST_WORDS:
            continue  # still inside "Factures 3, 5 et 7"
        return False
    return False


@lru_cache(maxsize=65536)
def name_tokens(name: str) -> frozenset[str]:
    """Cached: the same customer names are compared with every line of a statement."""
    return frozenset(t for t in tokens(name) if len(t) > 1 and t not in NAME_NOISE)


def customers_named(text: str, customers: dict[int, str]) -> list[int]:
    """Customers every significant word of whose name appears in `text`."""
    words = set(tokens(text))
    found = []
    for customer_id, name in customers.items():
        significant = name_tokens(name)
        if significant and significant <= words:
            found.append(customer_id)
    return found


def plan_allocations(
    amount: Decimal, invoices: Sequence[OpenInvoice]
) -> tuple[list[tuple[OpenInvoice, Decimal]], Decimal]:
    """Settle the oldest due first; what is left stays unallocated on the payment."""
    remaining = amount
    plan = []
    for invoice in sorted(invoices, key=lambda i: (i.due_date, i.number)):
        if remaining <= 0:
            break
        part = min(remaining, invoice.balance)
        if part > 0:
            plan.append((invoice, part))
            remaining -= part
    return plan, remaining


def _matched(rule: str, credit: BankCredit, invoices: Sequence[OpenInvoice], note="") -> Match:
    plan, rest = plan_allocations(credit.amount, invoices)
    return Match(
        MATCHED,
        rule,
        tuple(invoices),
        invoices[0].customer_id,
        note,
        allocations=plan,
        unallocated=rest,
    )


def match_credit(credit: BankCredit, invoices: Sequence[OpenInvoice]) -> Match:
    """The answer for one money-in line given the company's open invoices."""
    if credit.amount <= 0:
        return Match(UNMATCHED, note=gettext_noop("débit"))
    invoices = [i for i in invoices if i.currency == credit.currency and i.balance > 0]
    by_body: dict[str, list[OpenInvoice]] = {}
    for invoice in invoices:
        by_body.setdefault(_body(invoice.number), []).append(invoice)

    text = f"{credit.reference} {credit.remittance}"
    rf = [b for b in rf_bodies(text) if b in by_body]
    plain = numbers_in(credit.remittance, by_body)
    bodies = rf + [b for b in plain if b not in rf]
    if bodies:
        found = [inv for b in bodies for inv in by_body[b]]
        rule = "rf" if rf else "reference"
        if len({i.customer_id for i in found}) == 1:
            return _matched(rule, credit, found)
        return Match(
            PROPOSED, rule, tuple(found), note=gettext_noop("références de plusieurs clients")
        )

    named = customers_named(credit.counterparty or credit.remittance, _customer_names(invoices))
    if named:
        theirs = [i for i in invoices if i.customer_id in named]
        equal = [i for i in theirs if i.balance == credit.amount]
        if len(equal) == 1:
            return _matched("customer_amount", credit, equal)
        if len(equal) > 1:
            return Match(
                PROPOSED, "customer_amount", tuple(equal), note=gettext_noop("plusieurs factures")
            )
        if len(named) == 1 and sum(i.balance for i in theirs) == credit.amount:
            return _matched("customer_total", credit, theirs)

    told = [i for i in invoices if i.customer_id in credit.said_paid]
    if told:
        return Match(
            PROPOSED, "said_paid", tuple(told), note=gettext_noop("le client a dit avoir payé")
        )
    equal = [i for i in invoices if i.balance == credit.amount]
    if equal:
        return Match(PROPOSED, "amount", tuple(equal), note=gettext_noop("montant seul"))
    return Match(
        UNMATCHED,
        customer_id=named[0] if len(named) == 1 else None,
        note=gettext_noop("client reconnu, aucun solde égal") if named else "",
    )


def _customer_names(invoices: Iterable[OpenInvoice]) -> dict[int, str]:
    return {i.customer_id: i.customer_name for i in invoices}
