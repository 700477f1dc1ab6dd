"""Pay online: a payment provider (Stripe Checkout first) behind the portal's « Payer en
ligne », and its webhook that records the payment once per event.

The portal calls `enabled(company)` and `start_checkout(...)`; the webhook view calls
`receive(...)`. Providers are plug-ins (`providers.py`, `settings.RELANCE_PAYMENT_PROVIDERS`).
"""

from .providers import BadSignature, ProviderError
from .services import (
    UnknownEndpoint,
    account_of,
    checkout_origins,
    configure,
    enabled,
    key_sources,
    receive,
    start_checkout,
)

__all__ = [
    "BadSignature",
    "ProviderError",
    "UnknownEndpoint",
    "account_of",
    "checkout_origins",
    "configure",
    "enabled",
    "key_sources",
    "receive",
    "start_checkout",
]
