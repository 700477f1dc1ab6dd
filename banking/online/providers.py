"""The port to payment providers, and their registry.

A provider is a class named in `settings.RELANCE_PAYMENT_PROVIDERS` (name → dotted path),
like the channels in `RELANCE_CHANNELS`; it knows its own API and webhook format and
nothing of our models. It is handed plain shapes (`Keys`, `Checkout`) and gives back a
redirect URL or a `ProviderEventData`; `banking.online.services` does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class BadSignature(Exception):
    """The webhook's body is not signed with the company's secret (or is not an event)."""


class ProviderError(Exception):
    """The provider refused or could not be reached; the message is safe to show."""


@dataclass(frozen=True)
class Keys:
    publishable: str
    secret: str
    webhook_secret: str


@dataclass(frozen=True)
class Line:
    reference: str  # the document's number, as the customer reads it
    amount: Decimal


@dataclass(frozen=True)
class Checkout:
    """What one checkout asks: the lines, their currency, where to come back, and the
    metadata needed to allocate the payment when the provider says it is paid."""

    currency: str
    lines: list[Line]
    success_url: str
    cancel_url: str
    metadata: dict[str, str]
    email: str = ""
    language: str = "fr"

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0"))


# What an event means for us.
PAID, PENDING, FAILED, IGNORED = "paid", "pending", "failed", "ignored"
# ... and after the payment: money sent back, or the payer's bank disputing the payment
REFUNDED, DISPUTED = "refunded", "disputed"


@dataclass(frozen=True)
class ProviderEventData:
    id: str
    type: str
    meaning: str  # PAID | PENDING | FAILED | IGNORED | REFUNDED | DISPUTED
    session: str = ""
    intent: str = ""  # the provider's payment, which later refunds and disputes name
    amount: Decimal = Decimal("0")
    currency: str = ""
    method: str = ""  # a receivables PaymentMethod value
    metadata: dict[str, str] = field(default_factory=dict)
    refunded: Decimal = Decimal("0")  # REFUNDED: in all, so far (each event says the sum)
    reason: str = ""  # DISPUTED: the provider's reason code


class Provider(Protocol):
    name: str
    origins: tuple[str, ...]  # the checkout pages' origins (the portal's CSP form-action)

    def start(self, keys: Keys, checkout: Checkout) -> str:
        """Open a checkout at the provider; its URL. Raises ProviderError."""
        ...

    def event(self, keys: Keys, body: bytes, headers) -> ProviderEventData:
        """The verified event of a webhook delivery. Raises BadSignature."""
        ...


def provider(name: str) -> Provider:
    """The provider plug-in registered under `name` (KeyError when none is)."""
    return import_string(settings.RELANCE_PAYMENT_PROVIDERS[name])()
