"""Stripe Checkout (card, and SEPA Direct Debit for euros) with the official `stripe`
library: a hosted checkout session per « Payer en ligne », and its webhook events.

The library does the HTTP (its `StripeClient`; tests hand it their own `http_client`) and
checks the signature (`construct_event`, which verifies the Stripe-Signature header with
the endpoint's signing secret and refuses a timestamp older than 5 minutes).
"""

from __future__ import annotations

import json
from decimal import Decimal

import stripe

from .providers import (
    DISPUTED,
    FAILED,
    IGNORED,
    PAID,
    PENDING,
    REFUNDED,
    BadSignature,
    Checkout,
    Keys,
    ProviderError,
    ProviderEventData,
)

# Currencies whose amounts Stripe counts without decimals (the rest in hundredths).
ZERO_DECIMAL = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX"}
ZERO_DECIMAL |= {"VND", "VUV", "XAF", "XOF", "XPF"}
LOCALES = {"fr", "en", "de", "es", "it", "nl"}


def minor_units(amount: Decimal, currency: str) -> int:
    return int(amount if currency.upper() in ZERO_DECIMAL else amount * 100)


def major_units(amount: int, currency: str) -> Decimal:
    value = Decimal(amount)
    return value if currency.upper() in ZERO_DECIMAL else (value / 100).quantize(Decimal("0.01"))


class StripeCheckout:
    name = "stripe"
    # where the customer's browser is sent: the page holding the « Payer en ligne » form
    # must allow it in its CSP form-action (a redirect after a POST is checked against it)
    origins = ("https://checkout.stripe.com",)

    def http_client(self) -> stripe.HTTPClient | None:
        """The library's own HTTP client (None); a test plugs a stub in here."""
        return None

    def client(self, keys: Keys) -> stripe.StripeClient:
        return stripe.StripeClient(keys.secret, http_client=self.http_client())

    def start(self, keys: Keys, checkout: Checkout) -> str:
        currency = checkout.currency.lower()
        params = {
            "mode": "payment",
            # SEPA Direct Debit collects euros only; it is confirmed days later (webhook).
            "payment_method_types": ["card", "sepa_debit"] if currency == "eur" else ["card"],
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency,
                        "unit_amount": minor_units(line.amount, currency),
                        "product_data": {"name": line.reference},
                    },
                }
                for line in checkout.lines
            ],
            "success_url": checkout.success_url,
            "cancel_url": checkout.cancel_url,
            "metadata": checkout.metadata,
            "payment_intent_data": {"metadata": checkout.metadata},
            "locale": checkout.language if checkout.language in LOCALES else "auto",
        }
        if checkout.email:
            params["customer_email"] = checkout.email
        try:
            session = self.client(keys).v1.checkout.sessions.create(params)
        except stripe.StripeError as exc:
            raise ProviderError(exc.user_message or "Stripe") from exc
        if not session.url:
            raise ProviderError("Stripe")
        return session.url

    def event(self, keys: Keys, body: bytes, headers) -> ProviderEventData:
        signature = headers.get("Stripe-Signature")
        try:
            stripe.Webhook.construct_event(body, signature, keys.webhook_secret)
            event = json.loads(body)
            kind, session = event["type"], event["data"]["object"]
            event_id = event["id"]
        except (stripe.SignatureVerificationError, ValueError, KeyError, TypeError) as exc:
            raise BadSignature(str(exc)) from exc
        if kind in ("charge.refunded", "charge.dispute.created"):
            return after_payment(event_id, kind, session)
        if session.get("object") != "checkout.session":
            return ProviderEventData(id=event_id, type=kind, meaning=IGNORED)
        meaning, method = IGNORED, ""
        if kind == "checkout.session.completed":
            status = session.get("payment_status")
            # paid at once: a card; unpaid: a debit under way, its outcome comes later
            meaning = {"paid": PAID, "unpaid": PENDING}.get(status, IGNORED)
            method = "card" if meaning == PAID else "direct_debit"
        elif kind == "checkout.session.async_payment_succeeded":
            meaning, method = PAID, "direct_debit"
        elif kind == "checkout.session.async_payment_failed":
            meaning, method = FAILED, "direct_debit"
        currency = str(session.get("currency") or "").upper()
        return ProviderEventData(
            id=event_id,
            type=kind,
            meaning=meaning,
            session=str(session.get("id", "")),
            intent=str(session.get("payment_intent") or ""),
            amount=major_units(int(session.get("amount_total") or 0), currency),
            currency=currency,
            method=method,
            metadata={str(k): str(v) for k, v in (session.get("metadata") or {}).items()},
        )


def after_payment(event_id: str, kind: str, obj: dict) -> ProviderEventData:
    """A refund (the charge, with the sum refunded so far) or a dispute (its amount and
    reason); both name the payment intent of the checkout that was paid."""
    currency = str(obj.get("currency") or "").upper()
    refund = kind == "charge.refunded"
    return ProviderEventData(
        id=event_id,
        type=kind,
        meaning=REFUNDED if refund else DISPUTED,
        session=str(obj.get("id", "")),
        intent=str(obj.get("payment_intent") or ""),
        amount=major_units(int(obj.get("amount") or 0), currency),
        currency=currency,
        refunded=major_units(int(obj.get("amount_refunded") or 0), currency) if refund else 0,
        reason="" if refund else str(obj.get("reason") or ""),
    )
