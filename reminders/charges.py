"""Late-payment charges quoted in a reminder (%INDEMNITE%, %INTERETS%).

The engine's rule (`dunning.services.charges_for`, rates kept as data) does two
queries per document; a batch of thousands asks the same questions again and again,
so `Charges` here asks the rule and the rates once per kind of customer and computes
each document with the engine's pure `compute_charges`. Nothing is charged unless the
level claims charges.
"""

from datetime import date
from decimal import Decimal

from dunning import charges as ch
from dunning.models import ReferenceRate
from dunning.services import charge_rule_for, charges_for
from receivables.models import Document, DocumentKind, DocumentState

ZERO = Decimal("0")


class Charges:
    def __init__(self, as_of: date):
        self.as_of = as_of
        self._rules: dict[tuple, object] = {}
        self._rates: dict[str, list] = {}

    def __call__(self, document: Document, level) -> tuple[Decimal, Decimal]:
        """(indemnity, interest) quoted for `document` in a reminder at `level`."""
        if not (level and level.claims_charges):
            return ZERO, ZERO
        if document.kind != DocumentKind.INVOICE or document.state != DocumentState.OPEN:
            return ZERO, ZERO
        key = (document.company.country, document.customer.is_business)
        if key not in self._rules:
            self._rules[key] = charge_rule_for(document)
        rule = self._rules[key]
        if rule is None:
            return ZERO, ZERO
        if rule.interest_from != "due_date":  # needs the formal notice date: ask the engine
            result = charges_for(document, self.as_of)
            return result.indemnity, result.interest
        if rule.rate_series not in self._rates:
            self._rates[rule.rate_series] = (
                list(
                    ReferenceRate.objects.filter(series=rule.rate_series).values_list(
                        "date", "rate"
                    )
                )
                if rule.rate_series
                else [(date.min, ZERO)]
            )
        data = ch.ChargeRule(
            margin_points=rule.margin_points,
            interest_from=rule.interest_from,
            indemnity_bands=tuple((Decimal(a), Decimal(b)) for a, b in rule.indemnity_bands),
            currency=rule.currency,
        )
        result = ch.compute_charges(
            document.balance, document.due_date, self.as_of, data, self._rates[rule.rate_series]
        )
        return result.indemnity, result.interest
