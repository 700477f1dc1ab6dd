"""Stripe without the network: the library's own client with our HTTP client plugged in
(`StripeClient(http_client=…)`), answering as Stripe's API does; and webhook deliveries
signed the way the library verifies them (`WebhookSignature.generate_signature_header`)."""

import json
from urllib.parse import parse_qsl

import stripe

from banking.online.stripe_checkout import StripeCheckout

SESSION_URL = "https://checkout.stripe.com/c/pay/cs_test_relance1"


class StubHTTPClient(stripe.HTTPClient):
    """Records each request; answers a checkout session (or `StubHTTPClient.fail`)."""

    name = "stub"
    calls: list[tuple[str, str, dict]] = []
    fail: dict | None = None

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        params = dict(parse_qsl(post_data or "", keep_blank_values=True))
        StubHTTPClient.calls.append((method, url, params))
        if StubHTTPClient.fail:
            return json.dumps({"error": StubHTTPClient.fail}), 402, {}
        body = {
            "id": "cs_test_relance1",
            "object": "checkout.session",
            "url": SESSION_URL,
            "mode": "payment",
            "payment_status": "unpaid",
            "status": "open",
        }
        return json.dumps(body), 200, {"request-id": "req_stub"}

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        raise AssertionError("no streaming call expected")

    def close(self):
        pass


class StubbedStripe(StripeCheckout):
    def http_client(self):
        return StubHTTPClient()


def metadata_of(params: dict) -> dict[str, str]:
    """The session's metadata as posted (form-encoded `metadata[key]=value`)."""
    return {k[9:-1]: v for k, v in params.items() if k.startswith("metadata[")}


def event(kind: str, metadata: dict, *, amount: int, event_id="evt_1", status="paid",
          session="cs_test_relance1", currency="eur") -> bytes:  # fmt: skip
    body = {
        "id": event_id,
        "object": "event",
        "api_version": "2025-09-30.clover",
        "created": 1764800000,
        "type": kind,
        "livemode": False,
        "data": {
            "object": {
                "id": session,
                "object": "checkout.session",
                "amount_total": amount,
                "currency": currency,
                "metadata": metadata,
                "mode": "payment",
                "payment_status": status,
                "status": "complete",
            }
        },
    }
    return json.dumps(body).encode()


def signed(body: bytes, secret: str) -> str:
    return stripe.WebhookSignature.generate_signature_header(body.decode(), secret)
