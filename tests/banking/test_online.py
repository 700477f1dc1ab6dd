"""Pay online with Stripe Checkout: the checkout asks the balances, the signed webhook
records the payment once (twice delivered, one payment), and the next scan drops the
paid invoices. Stripe's API is answered by a stub HTTP client plugged into the library;
webhooks are signed with the library's own scheme. No network."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from banking import online
from banking.models import OnlinePayment, PaymentEvent
from dunning.policies import ensure_default_policies
from dunning.scan import scan
from receivables.models import Allocation, Customer, DocumentState, Payment
from receivables.services import allocate
from receivables.worklist import worklist

from .stripe_stub import SESSION_URL, StubHTTPClient, event, metadata_of, signed

SECRET = "whsec_test_alice"
AS_OF = date(2026, 3, 15)


@pytest.fixture(autouse=True)
def stubbed_stripe(settings):
    settings.RELANCE_PAYMENT_PROVIDERS = {"stripe": "tests.banking.stripe_stub.StubbedStripe"}
    settings.RELANCE_STRIPE_SECRET_KEY = ""
    settings.RELANCE_STRIPE_WEBHOOK_SECRET = ""
    StubHTTPClient.calls, StubHTTPClient.fail = [], None


@pytest.fixture
def account(company):
    acc = OnlinePayment(company=company, enabled=True, publishable_key="pk_test_alice")
    acc.secret_key, acc.webhook_secret = "sk_test_alice", SECRET
    acc.save()
    return acc


@pytest.fixture
def invoices(make_invoice, customer):
    first = make_invoice(amount=Decimal("120.00"))
    second = make_invoice(amount=Decimal("80.50"), due_date=date(2026, 2, 10))
    allocate(second, Decimal("30.50"), payment=Payment.objects.create(
        company=first.company, customer=customer, date=date(2026, 2, 1), amount=Decimal("30.50")
    ))  # fmt: skip
    return first, second


def _checkout(company, customer, docs):
    url = online.start_checkout(
        company, customer, docs, success_url="https://x.example/ok", cancel_url="https://x.example/no"
    )  # fmt: skip
    ((_method, _url, params),) = StubHTTPClient.calls
    return url, params


def _post(client, account, body, secret=SECRET):
    url = reverse("webhook_payments", args=["stripe", account.endpoint])
    return client.post(url, body, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=signed(body, secret))  # fmt: skip


def test_without_a_provider_nothing_is_offered(company, customer, invoices, settings):
    assert online.enabled(company) is False
    with pytest.raises(online.ProviderError):
        _checkout(company, customer, invoices)
    acc = OnlinePayment.objects.create(company=company, enabled=True)
    assert online.enabled(company) is False  # no keys stored, none in the environment
    settings.RELANCE_STRIPE_SECRET_KEY, settings.RELANCE_STRIPE_WEBHOOK_SECRET = "sk_env", "whsec_e"
    assert online.enabled(company) is True  # the environment's keys
    acc.enabled = False
    acc.save()
    assert online.enabled(company) is False
    assert StubHTTPClient.calls == []
    assert online.checkout_origins(company) == []


def test_the_keys_are_stored_encrypted(account):
    row = OnlinePayment.objects.values("secret_key_encrypted", "webhook_secret_encrypted").get()
    assert "sk_test_alice" not in row["secret_key_encrypted"]
    assert SECRET not in row["webhook_secret_encrypted"]
    assert OnlinePayment.objects.get().secret_key == "sk_test_alice"


def test_checkout_asks_the_balances_with_what_allocating_needs(
    company, customer, invoices, account
):
    first, second = invoices
    url, params = _checkout(company, customer, [first, second])
    assert url == SESSION_URL
    assert params["mode"] == "payment"
    assert {params["payment_method_types[0]"], params["payment_method_types[1]"]} == {
        "card", "sepa_debit"
    }  # fmt: skip
    # the older due date first; the partly paid invoice asks its balance only
    assert params["line_items[0][price_data][product_data][name]"] == f"Facture {first.number}"
    assert params["line_items[0][price_data][unit_amount]"] == "12000"
    assert params["line_items[1][price_data][unit_amount]"] == "5000"
    assert params["line_items[0][price_data][currency]"] == "eur"
    meta = metadata_of(params)
    assert meta["relance_company"] == str(company.pk)
    assert meta["relance_customer"] == str(customer.pk)
    assert meta["relance_doc0"] == f"{first.pk}:120.00,{second.pk}:50.00"
    assert params["customer_email"] == "daisy@anyway.example"
    assert params["success_url"] == "https://x.example/ok"
    assert online.checkout_origins(company) == ["https://checkout.stripe.com"]


def test_a_paid_invoice_or_another_customers_is_not_asked(company, customer, invoices, account):
    first, second = invoices
    stranger = Customer.objects.create(company=company, code="C2", name="Autre")
    with pytest.raises(online.ProviderError):
        _checkout(company, stranger, [first, second])
    _url, params = _checkout(company, customer, [first])
    assert metadata_of(params)["relance_doc0"] == f"{first.pk}:120.00"


def test_a_provider_refusal_is_said(company, customer, invoices, account):
    StubHTTPClient.fail = {"type": "invalid_request_error", "message": "No such key"}
    with pytest.raises(online.ProviderError):
        online.start_checkout(company, customer, invoices, success_url="https://x/a",
                              cancel_url="https://x/b")  # fmt: skip


def test_a_signed_event_delivered_twice_pays_once_and_the_next_scan_drops_the_invoices(
    client, company, customer, invoices, account
):
    first, second = invoices
    ensure_default_policies(company)
    scan(company, AS_OF)
    assert set(worklist(company, as_of=AS_OF)) == {first, second}
    _url, params = _checkout(company, customer, [first, second])
    body = event("checkout.session.completed", metadata_of(params), amount=17000)

    answers = [_post(client, account, body) for _ in range(2)]

    assert [a.status_code for a in answers] == [200, 200]
    assert [a.content for a in answers] == [b"paid", b"duplicate"]
    payment = Payment.objects.get(external_id="stripe:cs_test_relance1")
    assert (payment.amount, payment.currency, payment.method) == (Decimal("170.00"), "EUR", "card")
    parts = sorted(Allocation.objects.filter(payment=payment).values_list("invoice", "amount"))
    assert parts == sorted([(first.pk, Decimal("120.00")), (second.pk, Decimal("50.00"))])
    assert PaymentEvent.objects.count() == 1
    for doc in (first, second):
        doc.refresh_from_db()
        assert (doc.state, doc.balance) == (DocumentState.PAID, 0)
    scan(company, AS_OF)
    assert list(worklist(company, as_of=AS_OF)) == []


def test_the_customer_timeline_shows_the_payment(
    alice_client, company, customer, invoices, account
):
    _url, params = _checkout(company, customer, list(invoices))
    _post(
        alice_client,
        account,
        event("checkout.session.completed", metadata_of(params), amount=17000),
    )
    html = alice_client.get(reverse("customer_detail", args=[customer.pk])).content.decode()
    assert "Paiement en ligne" in html and "170,00" in html


def test_sepa_debit_is_paid_when_stripe_says_it_succeeded(
    client, company, customer, invoices, account
):
    first, _second = invoices
    _url, params = _checkout(company, customer, [first])
    meta = metadata_of(params)
    pending = event("checkout.session.completed", meta, amount=12000, status="unpaid")
    assert _post(client, account, pending).content == b"pending"
    assert not Payment.objects.filter(method="direct_debit").exists()
    first.refresh_from_db()
    assert first.state == DocumentState.OPEN
    done = event("checkout.session.async_payment_succeeded", meta, amount=12000, event_id="evt_2")
    assert _post(client, account, done).content == b"paid"
    first.refresh_from_db()
    assert first.state == DocumentState.PAID
    assert Payment.objects.get(external_id__startswith="stripe:").method == "direct_debit"
    # another event for the session already paid (a replay under a new id) pays nothing
    again = event("checkout.session.completed", meta, amount=12000, event_id="evt_3")
    assert _post(client, account, again).content == b"duplicate"
    assert Payment.objects.filter(external_id__startswith="stripe:").count() == 1


def test_a_failed_debit_is_noted_and_pays_nothing(client, company, customer, invoices, account):
    first, _second = invoices
    _url, params = _checkout(company, customer, [first])
    failed = event("checkout.session.async_payment_failed", metadata_of(params), amount=12000,
                   status="unpaid")  # fmt: skip
    assert _post(client, account, failed).content == b"failed"
    assert PaymentEvent.objects.get().outcome == "failed"
    assert not Payment.objects.filter(external_id__startswith="stripe:").exists()


def test_a_wrong_signature_is_refused_and_writes_nothing(
    client, company, customer, invoices, account
):
    _url, params = _checkout(company, customer, list(invoices))
    body = event("checkout.session.completed", metadata_of(params), amount=17000)
    assert _post(client, account, body, secret="whsec_wrong").status_code == 400
    url = reverse("webhook_payments", args=["stripe", account.endpoint])
    assert client.post(url, body, content_type="application/json").status_code == 400
    tampered = body.replace(b"17000", b"99999")
    r = client.post(url, tampered, content_type="application/json",
                    HTTP_STRIPE_SIGNATURE=signed(body, SECRET))  # fmt: skip
    assert r.status_code == 400
    assert not PaymentEvent.objects.exists()
    assert not Payment.objects.filter(external_id__startswith="stripe:").exists()


def test_another_companys_endpoint_pays_nothing_here(
    client, company, customer, invoices, account, other_company
):
    theirs = OnlinePayment(company=other_company, enabled=True)
    theirs.secret_key, theirs.webhook_secret = "sk_test_charlie", "whsec_charlie"
    theirs.save()
    _url, params = _checkout(company, customer, list(invoices))
    body = event("checkout.session.completed", metadata_of(params), amount=17000)
    # Alice's event at Charlie's endpoint: not signed with Charlie's secret
    assert _post(client, theirs, body).status_code == 400
    # signed with Charlie's secret, naming Alice's company: ignored
    assert _post(client, theirs, body, secret="whsec_charlie").content == b"ignored"
    unknown = reverse("webhook_payments", args=["stripe", "no-such-endpoint"])
    assert client.post(unknown, body, content_type="application/json").status_code == 404
    other = reverse("webhook_payments", args=["paypal", account.endpoint])
    assert client.post(other, body, content_type="application/json").status_code == 404
    assert not PaymentEvent.objects.exists()
    assert not Payment.objects.filter(external_id__startswith="stripe:").exists()
