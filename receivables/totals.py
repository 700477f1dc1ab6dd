"""HT, TVA per rate and TTC of a document, from what we know of it, best source first:

1. its lines (imported from the e-invoice, or written by Relance for a debit note):
   the net amounts grouped by VAT category and rate, the tax of each group rounded once
   (EN 16931 BR-CO-17: tax = base × rate, per group, not per line);
2. the header totals the file gave (HT and TVA): one group, its rate read back from the
   amounts when it is a French rate (20, 10, 5.5, 2.1 %), else unknown;
3. the amount TTC alone: no breakdown (`known` is False) and the PDF says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
FRENCH_RATES = (Decimal("20"), Decimal("10"), Decimal("5.5"), Decimal("2.1"), Decimal("0"))


@dataclass(frozen=True)
class VatGroup:
    category: str  # EN 16931 BT-118: S, Z, E, AE, O
    rate: Decimal | None  # None: not known (header totals with an unusual ratio)
    base: Decimal
    tax: Decimal

    @property
    def percent(self) -> str:
        return percent(self.rate)


@dataclass(frozen=True)
class Totals:
    net: Decimal | None  # HT
    tax: Decimal | None  # TVA
    gross: Decimal  # TTC
    groups: tuple[VatGroup, ...] = ()
    source: str = "amount"  # "lines" | "header" | "amount"

    @property
    def known(self) -> bool:
        return self.net is not None and self.tax is not None

    @property
    def consistent(self) -> bool:
        """HT + TVA = TTC to the cent (what an e-invoice must say, BR-CO-15)."""
        return self.known and self.net + self.tax == self.gross


def cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def from_lines(lines, gross: Decimal) -> Totals:
    """`lines`: objects with net_amount, vat_category and vat_rate."""
    by_key: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        key = (line.vat_category or "S", Decimal(line.vat_rate or 0).normalize())
        by_key[key] = by_key.get(key, Decimal("0")) + Decimal(line.net_amount)
    groups = tuple(
        VatGroup(cat, rate, cents(base), cents(base * rate / 100))
        for (cat, rate), base in sorted(by_key.items(), key=lambda kv: (-kv[0][1], kv[0][0]))
    )
    net = sum((g.base for g in groups), Decimal("0.00"))
    tax = sum((g.tax for g in groups), Decimal("0.00"))
    return Totals(net, tax, cents(gross), groups, "lines")


def guess_rate(net: Decimal, tax: Decimal) -> Decimal | None:
    """The French rate that turns `net` into `tax` to the cent, if one does."""
    for rate in FRENCH_RATES:
        if cents(net * rate / 100) == tax:
            return rate
    return None


def totals_of(document) -> Totals:
    lines = list(document.lines.all()) if document.pk else []
    if lines:
        return from_lines(lines, document.amount)
    net, tax = document.amount_excl_tax, document.tax_amount
    if net is not None and tax is None:
        tax = cents(document.amount - net)
    elif tax is not None and net is None:
        net = cents(document.amount - tax)
    if net is None:
        return Totals(None, None, cents(document.amount))
    rate = guess_rate(net, tax)
    category = "E" if tax == 0 else "S"  # zero tax on header totals: an exemption
    group = VatGroup(category, rate, cents(net), cents(tax))
    return Totals(cents(net), cents(tax), cents(document.amount), (group,), "header")


def percent(rate: Decimal | None) -> str:
    """« 20 % », « 5,5 % »: as few decimals as the rate needs, in the active language."""
    from django.utils.formats import number_format

    if rate is None:
        return "—"
    rate = Decimal(rate)
    places = max(0, -rate.normalize().as_tuple().exponent)
    return f"{number_format(rate, places)} %"
