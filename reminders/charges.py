"""Late-payment charges quoted in a reminder (%INDEMNITE%, %INTERETS%).

Uses `dunning.charges.charges_for` (the engine's rule, rates kept as data); the small
local rule below is only a fallback for an install without it: French B2B law, 40 € per late invoice and simple interest at the ECB rate
+ 10 points (rate kept in settings so a user can update it without a release).
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from receivables.models import Document, DocumentKind

RECOVERY_INDEMNITY = Decimal("40.00")
# ECB main refinancing rate (2.15 %) + 10 points, second half of 2026.
DEFAULT_RATE = Decimal("12.15")


def local_charges(
    document: Document, claims_charges: bool, as_of: date, is_business: bool
) -> tuple[Decimal, Decimal]:
    """(indemnity, interest) for one document, pure."""
    days = (as_of - document.due_date).days
    if not claims_charges or days <= 0 or document.kind != DocumentKind.INVOICE:
        return Decimal("0"), Decimal("0")
    rate = Decimal(str(getattr(settings, "RELANCE_LATE_INTEREST_RATE", DEFAULT_RATE)))
    balance = document.amount - document.paid_amount
    interest = (balance * rate / 100 * days / 365).quantize(Decimal("0.01"), ROUND_HALF_UP)
    indemnity = RECOVERY_INDEMNITY if is_business else Decimal("0")
    return indemnity, interest


def charges(document: Document, level, as_of: date) -> tuple[Decimal, Decimal]:
    """(indemnity, interest) quoted for `document` in a reminder at `level`: nothing
    unless the level claims charges; the engine's rule when it exists."""
    if not (level and level.claims_charges):
        return Decimal("0"), Decimal("0")
    try:
        from dunning.charges import charges_for  # the engine's rule (rates as data)
    except ImportError:
        return local_charges(document, True, as_of, document.customer.is_business)
    result = charges_for(document, as_of)
    return Decimal(result.indemnity), Decimal(result.interest)
