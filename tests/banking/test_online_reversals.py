"""After a payment online: Stripe refunds it, or the payer's bank disputes it. Events
built and signed locally with the `stripe` library's own scheme, recorded once per event
id; the checkout is opened through the library with a stub HTTP client. No network."""

import json
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from banking import online
from banking.models import OnlinePayment, PaymentEvent
from dunning.policies import ensure_default_policies
from inbox.models import InboundMessage
from receivables.models import Document, DocumentState, Payment

from .stripe_stub import StubHTTPClient, metadata_of, signed

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SECRET = "whsec_test_alice"
INTENT = "pi_test_relance1"


@pytest.fixture(autouse=True)
def stubbed_stripe(settings):
    settings.RELANCE_PAYMENT_PROVIDERS = {"stripe": "tests.banking.stripe_stub.StubbedStripe"}
    settings.RELANCE_STRIPE_SECRET_KEY = ""
    settings.RELANCE_STRIPE_WEBHOOK_SECRET = ""
    StubHTTPClient.calls, StubHTTPClient.fail = [], None


@pytest.fixture
def paid(client, company, customer, make_invoice):
    """Two invoices a month late, paid by card through a checkout (120 + 80.50)."""
    ensure_default_policies(company)
    acc = OnlinePayment(company=company, enabled=True, publishable_key="pk_test_alice")
    acc.secret_key, acc.webhook_secret = "sk_test_alice", SECRET
    acc.save()
    docs = [make_invoice(amount=Decimal("120.00")), make_invoice(amount=Decimal("80.50"))]
    online.start_checkout(company, customer, docs, success_url="https://x.example/ok",
                          cancel_url="https://x.example/no")  # fmt: skip
    ((_m, _u, params),) = StubHTTPClient.calls
    session = {"id": "cs_test_relance1", "object": "checkout.session", "amount_total": 20050,
               "currency": "eur", "metadata": metadata_of(params), "payment_status": "paid",
               "payment_intent": INTENT, "status": "complete"}  # fmt: skip
    assert _post(client, acc, _event("evt_paid", "checkout.session.completed", session)) == "paid"
    assert all(Document.objects.get(pk=d.pk).state == DocumentState.PAID for d in docs)
    return acc, docs


def _event(event_id, kind, obj) -> bytes:
    return json.dumps({"id": event_id, "object": "event", "type": kind, "livemode": False,
                       "created": 1764800000, "data": {"object": obj}}).encode()  # fmt: skip


def _post(client, account, body) -> str:
    url = reverse("webhook_payments", args=["stripe", account.endpoint])
    r = client.post(url, body, content_type="application/json",
                    HTTP_STRIPE_SIGNATURE=signed(body, SECRET))  # fmt: skip
    assert r.status_code == 200, r.content
    return PaymentEvent.objects.get(event_id=json.loads(body)["id"]).outcome


def _charge(refunded: int) -> dict:
    return {"id": "ch_test_1", "object": "charge", "amount": 20050, "currency": "eur",
            "amount_refunded": refunded, "refunded": refunded == 20050,
            "payment_intent": INTENT, "metadata": {}}  # fmt: skip


def test_a_refund_makes_the_invoices_due_again_and_reminded_once_per_event(
    client, company, paid, settings, django_capture_on_commit_callbacks
):
    account, (first, second) = paid
    settings.TASKS = IMMEDIATE  # the worklist's scan is queued once the refund commits
    with (
        time_machine.travel("2026-03-15 10:00 +01:00", tick=False),
        django_capture_on_commit_callbacks(execute=True) as queued,
    ):
        body = _event("evt_refund_1", "charge.refunded", _charge(8050))  # 80.50 back
        assert _post(client, account, body) == "refunded"
        _post(client, account, body)  # delivered twice: reversed once
    assert len(queued) == 1  # the duplicate queues no second scan
    # the latest allocation goes first: the second invoice is due again, in full
    second = Document.objects.get(pk=second.pk)
    assert (second.state, second.balance, second.to_remind) == ("open", Decimal("80.50"), True)
    assert Document.objects.get(pk=first.pk).state == DocumentState.PAID
    assert Payment.objects.get().amount == Decimal("120.00")
    assert PaymentEvent.objects.filter(outcome="refunded").count() == 1
    # a later refund of the rest: the event says the total so far (200.50)
    with time_machine.travel("2026-03-16 10:00 +01:00", tick=False):
        _post(client, account, _event("evt_refund_2", "charge.refunded", _charge(20050)))
    assert not Payment.objects.exists()
    assert Document.objects.get(pk=first.pk).balance == Decimal("120.00")
    assert [e.amount for e in PaymentEvent.objects.filter(outcome="refunded")] == [
        Decimal("120.00"), Decimal("80.50"),
    ]  # fmt: skip
    timeline = InboundMessage.objects.filter(subject__startswith="Paiement en ligne remboursé")
    assert timeline.count() == 2


def test_a_dispute_stops_the_reminders_and_tells_the_collector(client, company, paid):
    account, docs = paid
    dispute = {"id": "dp_test_1", "object": "dispute", "amount": 20050, "currency": "eur",
               "charge": "ch_test_1", "payment_intent": INTENT, "reason": "fraudulent",
               "status": "needs_response"}  # fmt: skip
    body = _event("evt_dispute", "charge.dispute.created", dispute)
    assert _post(client, account, body) == "disputed"
    _post(client, account, body)
    for doc in docs:
        doc = Document.objects.get(pk=doc.pk)
        assert doc.disputed and "fraudulent" in doc.block_reason
    told = InboundMessage.objects.to_handle().get()  # waits in « Réponses »
    assert told.subject.startswith("Paiement en ligne contesté") and "fraudulent" in told.body_text
    # another payment's dispute (not ours) changes nothing
    other = dict(dispute, payment_intent="pi_someone_else")
    url = reverse("webhook_payments", args=["stripe", account.endpoint])
    body = _event("evt_x", "charge.dispute.created", other)
    r = client.post(url, body, content_type="application/json",
                    HTTP_STRIPE_SIGNATURE=signed(body, SECRET))  # fmt: skip
    assert r.status_code == 200 and not PaymentEvent.objects.filter(event_id="evt_x").exists()
