"""One reckoning per reminder: what a customer owes on a date, line by line. Pure.

Every surface that states an amount (the e-mail's words, the letter's breakdown, the
payment block and its QR code, the customer file, the API, the CLI) reads the same
`Reckoning`, so they cannot disagree. Rules, in order:

1. Each document's balance is what is left to pay on it (amount − allocations).
2. Charges (interest and the fixed recovery indemnity) are reckoned per open invoice by
   `charges.compute_charges` with the creditor's `ChargeRule`, only when the message
   claims charges (the level says so); otherwise they are zero.
3. An indemnity in another currency than the document's is not added (a £40 sum is not
   added to a euro balance): the line says so (`foreign_indemnity`).
4. Charges already invoiced on a debit note (waived or not) are not claimed again:
   interest runs from the day after the last day invoiced, the indemnity is not
   repeated; the debit note itself is a line of its own, without charges.
5. The total claimed is balance + interest + indemnity; a message claiming no charges
   claims the balance. The payment code asks for exactly that total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from .charges import NO_CHARGES, ZERO, ChargeRule, Charges, Period, compute_charges


@dataclass(frozen=True)
class Item:
    """A document as the reckoning needs it."""

    number: str
    due_date: date
    balance: Decimal
    currency: str = "EUR"
    chargeable: bool = True  # an open invoice (a quote or a credit note never is)
    notice_date: date | None = None  # the formal notice, for rules counting from it
    charged_until: date | None = None  # interest already invoiced (debit note) up to
    indemnity_invoiced: bool = False  # its indemnity is on a debit note already


@dataclass(frozen=True)
class Basis:
    """The rule applied, as a reader checks it: its name, legal text and margin."""

    name: str = ""
    reference: str = ""
    margin_points: Decimal = ZERO
    interest_from: str = "due_date"


@dataclass(frozen=True)
class Line:
    number: str
    due_date: date
    currency: str
    balance: Decimal
    charges: Charges = NO_CHARGES
    foreign_indemnity: Decimal = ZERO  # in the rule's currency, not added (rule 3)

    @property
    def interest(self) -> Decimal:
        return self.charges.interest

    @property
    def indemnity(self) -> Decimal:
        return self.charges.indemnity

    @property
    def periods(self) -> tuple[Period, ...]:
        return self.charges.periods

    @property
    def days(self) -> int:
        return sum(p.days for p in self.periods)

    @property
    def total(self) -> Decimal:
        return self.balance + self.interest + self.indemnity


@dataclass(frozen=True)
class Reckoning:
    as_of: date
    currency: str
    lines: tuple[Line, ...]
    claims_charges: bool = False
    basis: Basis | None = None

    @property
    def balance(self) -> Decimal:
        return sum((line.balance for line in self.lines), ZERO)

    @property
    def interest(self) -> Decimal:
        return sum((line.interest for line in self.lines), ZERO)

    @property
    def indemnity(self) -> Decimal:
        return sum((line.indemnity for line in self.lines), ZERO)

    @property
    def charges(self) -> Decimal:
        return self.interest + self.indemnity

    @property
    def total(self) -> Decimal:
        """What the message claims, and what its payment code asks for."""
        return self.balance + self.charges

    @property
    def has_charges(self) -> bool:
        return self.charges > 0

    @property
    def missing_rate(self) -> date | None:
        """The first half-year without a known base rate (interest left out: add it)."""
        missing = [line.charges.missing_rate for line in self.lines if line.charges.missing_rate]
        return min(missing) if missing else None


def reckon(
    items: Sequence[Item],
    as_of: date,
    *,
    rule: ChargeRule | None = None,
    rates: Sequence[tuple[date, Decimal]] = (),
    claims_charges: bool = False,
    basis: Basis | None = None,
    currency: str | None = None,
) -> Reckoning:
    """The reckoning of `items` on `as_of` (see the module's rules)."""
    lines = []
    for item in items:
        charges, foreign = NO_CHARGES, ZERO
        if claims_charges and item.chargeable and rule is not None:
            charges = compute_charges(
                item.balance,
                item.due_date,
                as_of,
                rule,
                rates,
                item.notice_date,
                interest_after=item.charged_until,
            )
            if item.indemnity_invoiced and charges.indemnity:
                charges = replace(charges, indemnity=ZERO)
            if charges.indemnity and rule.currency != item.currency:
                foreign = charges.indemnity
                charges = Charges(
                    interest=charges.interest,
                    periods=charges.periods,
                    currency=item.currency,
                    missing_rate=charges.missing_rate,
                )
        lines.append(
            Line(item.number, item.due_date, item.currency, item.balance, charges, foreign)
        )
    cur = currency or (items[0].currency if items else "EUR")
    charged = claims_charges and any(line.charges is not NO_CHARGES for line in lines)
    return Reckoning(as_of, cur, tuple(lines), claims_charges, basis if charged else None)
