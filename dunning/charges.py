"""Late-payment interest and fixed recovery indemnity: pure functions, no database.

France B2B (art. L441-10 C. com.): interest runs from the day after the due date, at the
ECB main refinancing rate + 10 points, taking for each half-year the rate in force on
1 January (first half) or 1 July (second half); simple interest balance × rate × days
/ 365; plus 40 € per late invoice. Consumers: legal interest rate from the formal notice,
no indemnity. Other jurisdictions are rows of `LateChargeRule`, not code branches.

Interest is computed and rounded (to the cent, half up) per half-year period so that
a statement listing the periods adds up to the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
DAYS_PER_YEAR = Decimal(365)


@dataclass(frozen=True)
class ChargeRule:
    """The data of a `LateChargeRule`, detached from the ORM."""

    margin_points: Decimal = Decimal("0")
    interest_from: str = "due_date"  # or "formal_notice"
    indemnity_bands: tuple[tuple[Decimal, Decimal], ...] = ()
    currency: str = "EUR"


@dataclass(frozen=True)
class Period:
    start: date  # first day of interest in this half-year
    end: date  # last day (inclusive)
    days: int
    rate: Decimal  # % a year, base + margin
    interest: Decimal


@dataclass(frozen=True)
class Charges:
    interest: Decimal = ZERO
    indemnity: Decimal = ZERO
    periods: tuple[Period, ...] = field(default=())
    currency: str = "EUR"
    missing_rate: date | None = None  # first half-year without a known base rate

    @property
    def total_due(self) -> Decimal:
        """Interest and indemnity (the charges, not the balance itself)."""
        return self.interest + self.indemnity


NO_CHARGES = Charges()


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def half_year_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def next_half_year(day: date) -> date:
    start = half_year_start(day)
    return date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)


def rate_on(rates: Sequence[tuple[date, Decimal]], day: date) -> Decimal | None:
    """The rate in force on `day`: the latest row dated on or before it."""
    best = None
    for start, rate in rates:
        if start <= day and (best is None or start > best[0]):
            best = (start, rate)
    return best[1] if best else None


class MissingRate(LookupError):
    """No reference rate is known for a half-year: add one in the admin."""


def interest(
    balance: Decimal,
    after: date,
    as_of: date,
    margin_points: Decimal,
    rates: Sequence[tuple[date, Decimal]],
) -> tuple[Period, ...]:
    """Simple interest on `balance` for the days after `after` up to `as_of` included,
    split by half-year at the base rate in force on each half-year's first day."""
    periods = []
    day = after + timedelta(days=1)
    while day <= as_of:
        end = min(next_half_year(day) - timedelta(days=1), as_of)
        base = rate_on(rates, half_year_start(day))
        if base is None:
            raise MissingRate(half_year_start(day))
        rate = base + margin_points
        days = (end - day).days + 1
        amount = cents(balance * rate / 100 * days / DAYS_PER_YEAR)
        periods.append(Period(day, end, days, rate, amount))
        day = end + timedelta(days=1)
    return tuple(periods)


def indemnity(balance: Decimal, bands: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """The amount of the highest band whose threshold the balance reaches."""
    amount = ZERO
    for threshold, value in sorted(bands):
        if balance >= threshold:
            amount = Decimal(value)
    return cents(amount)


def compute_charges(
    balance: Decimal,
    due_date: date,
    as_of: date,
    rule: ChargeRule | None,
    rates: Sequence[tuple[date, Decimal]] = (),
    formal_notice_date: date | None = None,
    interest_after: date | None = None,
) -> Charges:
    """Interest and indemnity owed on `as_of` for an unpaid `balance` due on `due_date`
    (interest counted only after `interest_after` when given: invoiced up to that day)."""
    if rule is None or balance <= 0 or as_of <= due_date:
        return NO_CHARGES
    after = due_date if rule.interest_from == "due_date" else formal_notice_date
    if after is not None and interest_after is not None:
        after = max(after, interest_after)
    periods: tuple[Period, ...] = ()
    missing = None
    if after is not None:
        try:
            periods = interest(balance, after, as_of, rule.margin_points, rates)
        except MissingRate as exc:  # shown to the user: add the rate in the admin
            missing = exc.args[0]
    return Charges(
        interest=sum((p.interest for p in periods), ZERO),
        indemnity=indemnity(balance, rule.indemnity_bands),
        periods=periods,
        currency=rule.currency,
        missing_rate=missing,
    )
