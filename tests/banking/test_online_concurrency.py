"""Two deliveries of the same Stripe event at the same moment (Stripe retries while the
first is still being answered): one payment. Threads with their own connections on
PostgreSQL; the unique event row is the claim, the second insert waits for the first
one's commit and fails."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from banking import online
from banking.models import OnlinePayment, PaymentEvent
from receivables.models import Allocation, Payment

from .stripe_stub import event, signed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises the whole file)")


def _together(*calls):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # reported to the test
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_the_same_event_delivered_twice_at_once_pays_once(company, customer, make_invoice):
    invoice = make_invoice(amount=Decimal("250.00"))
    account = OnlinePayment(company=company, enabled=True)
    account.secret_key, account.webhook_secret = "sk_test_alice", "whsec_alice"
    account.save()
    meta = {"relance_company": str(company.pk), "relance_customer": str(customer.pk),
            "relance_doc0": f"{invoice.pk}:250.00"}  # fmt: skip
    body = event("checkout.session.completed", meta, amount=25000)
    headers = {"Stripe-Signature": signed(body, "whsec_alice")}

    def deliver():
        return online.receive("stripe", account.endpoint, body, headers)

    for _round in range(3):
        results = _together(deliver, deliver, deliver)
        assert sorted(map(str, results)).count("paid") <= 1, results
    assert PaymentEvent.objects.count() == 1
    assert Payment.objects.count() == 1
    assert Allocation.objects.get().amount == Decimal("250.00")
    invoice.refresh_from_db()
    assert invoice.balance == 0
