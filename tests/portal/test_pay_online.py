"""« Payer en ligne » on the portal: offered only when the company has a payment provider;
the button opens a checkout for the statement's open invoices and sends the customer to
the provider (whose address the page's CSP lets the form reach)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from banking.models import OnlinePayment
from tests.banking.stripe_stub import SESSION_URL, StubHTTPClient, metadata_of


@pytest.fixture(autouse=True)
def stubbed_stripe(settings):
    settings.RELANCE_PAYMENT_PROVIDERS = {"stripe": "tests.banking.stripe_stub.StubbedStripe"}
    settings.RELANCE_STRIPE_SECRET_KEY = ""
    settings.RELANCE_STRIPE_WEBHOOK_SECRET = ""
    StubHTTPClient.calls, StubHTTPClient.fail = [], None


@pytest.fixture
def stripe_on(company):
    acc = OnlinePayment(company=company, enabled=True, publishable_key="pk_test_alice")
    acc.secret_key, acc.webhook_secret = "sk_test_alice", "whsec_test_alice"
    acc.save()
    return acc


def test_without_a_provider_the_portal_shows_no_pay_button(client, token):
    page = client.get(reverse("portal", args=[token]))
    assert page.status_code == 200
    assert "Payer en ligne" not in page.content.decode()
    assert client.post(reverse("portal_pay", args=[token])).status_code == 404


def test_the_pay_button_opens_a_checkout_for_the_open_invoices(
    client, token, two_invoices, stripe_on
):
    page = client.get(reverse("portal", args=[token]))
    assert "Payer en ligne" in page.content.decode()
    assert "checkout.stripe.com" in page["Content-Security-Policy"]

    answer = client.post(reverse("portal_pay", args=[token]))
    assert answer.status_code == 302 and answer["Location"] == SESSION_URL
    ((_method, _url, params),) = StubHTTPClient.calls
    asked = sum(Decimal(v) for k, v in params.items() if "unit_amount" in k) / 100
    assert asked == sum(d.balance for d in two_invoices)
    assert str(two_invoices[0].customer.pk) in metadata_of(params).values()
    assert reverse("portal", args=[token]) in params["success_url"]


def test_a_provider_refusal_is_said_on_the_page(client, token, two_invoices, stripe_on):
    StubHTTPClient.fail = {"type": "invalid_request_error", "message": "No such price"}
    answer = client.post(reverse("portal_pay", args=[token]))
    assert answer.status_code == 400
    assert "Le paiement en ligne n'a pas pu être ouvert" in answer.content.decode()
    assert "No such price" in answer.content.decode()


def test_pay_online_covers_the_debit_notes_the_statement_lists(
    client, token, two_invoices, stripe_on, make_invoice
):
    from banking.models import PaymentEvent
    from receivables.models import Document
    from tests.banking.stripe_stub import event, signed

    note = make_invoice(
        kind="debit_note", number="ND-2026-001", customer=two_invoices[0].customer,
        amount=Decimal("48.25"),
    )  # fmt: skip
    page = client.get(reverse("portal", args=[token])).content.decode()
    assert "ND-2026-001" in page  # the statement lists it ...
    client.post(reverse("portal_pay", args=[token]))
    ((_method, _url, params),) = StubHTTPClient.calls
    names = [v for k, v in params.items() if k.endswith("[product_data][name]")]
    assert "Note de débit ND-2026-001" in names  # ... and the checkout asks it
    asked = sum(Decimal(v) for k, v in params.items() if "unit_amount" in k) / 100
    assert asked == sum(d.balance for d in two_invoices) + Decimal("48.25")
    # the signed webhook pays every item, the debit note too
    body = event("checkout.session.completed", metadata_of(params), amount=int(asked * 100))
    url = reverse("webhook_payments", args=["stripe", stripe_on.endpoint])
    r = client.post(url, body, content_type="application/json",
                    HTTP_STRIPE_SIGNATURE=signed(body, "whsec_test_alice"))  # fmt: skip
    assert r.status_code == 200 and PaymentEvent.objects.get().payment is not None
    for doc in [*two_invoices, note]:
        assert Document.objects.get(pk=doc.pk).balance == 0
