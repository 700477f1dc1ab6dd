"""Upserts of customers, invoices, quotes and payments, singly and in all-or-nothing batches."""

from decimal import Decimal

from receivables.models import Customer, Document, Invoice, Payment, Quote

from .conftest import assert_error

INVOICE = {
    "number": "F-1",
    "customer": "C1",
    "issue_date": "2026-01-01",
    "due_date": "2026-01-31",
    "amount": "120.50",
    "description": "Livraison",
}


def test_it_creates_then_updates_a_customer(api, company):
    body = {"code": "ACME", "name": "Acme", "emails": ["a@acme.example", "b@acme.example"]}
    assert api.post("/api/customers", body).json() == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "customers_created": 0,
    }
    response = api.post("/api/customers", {"code": "ACME", "city": "Rennes"})
    assert response.json()["updated"] == 1
    acme = Customer.objects.for_company(company).get(code="ACME")
    assert (acme.name, acme.city) == ("Acme", "Rennes")  # left-out fields kept
    assert acme.email_list == ["a@acme.example", "b@acme.example"]


def test_it_upserts_an_invoice_by_number(api, customer, company):
    assert api.post("/api/invoices", INVOICE).json()["created"] == 1
    again = api.post("/api/invoices", INVOICE).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 1)
    api.post("/api/invoices", {"number": "F-1", "amount": "99.00"})
    invoice = Invoice.objects.for_company(company).get(number="F-1")
    assert invoice.amount == Decimal("99.00")
    assert invoice.customer == customer


def test_an_inline_customer_is_created_with_the_invoice(api, company):
    body = {**INVOICE, "customer": {"code": "NEW", "name": "Nouveau client"}}
    assert api.post("/api/invoices", body).json()["customers_created"] == 1
    assert Customer.objects.for_company(company).get(code="NEW").name == "Nouveau client"


def test_a_batch_is_all_or_nothing_with_errors_per_item(api, customer, company):
    items = [{**INVOICE, "number": f"B-{i}"} for i in range(5)]
    items[1]["customer"] = "NOBODY"
    items[3].pop("due_date")
    response = api.post("/api/invoices/batch", {"items": items})
    body = assert_error(response, 422, "invalid")
    assert [(d["index"], d["field"]) for d in body["details"]] == [(1, "customer"), (3, "due_date")]
    assert "NOBODY" in body["details"][0]["message"]
    assert not Document.objects.for_company(company).exists()


def test_a_schema_error_names_the_item_and_field(api, customer, company):
    items = [INVOICE, {**INVOICE, "number": "F-2", "amount": "-3"}]
    body = assert_error(api.post("/api/invoices/batch", {"items": items}), 422, "invalid")
    assert body["details"][0]["index"] == 1
    assert body["details"][0]["field"] == "amount"
    assert not Document.objects.for_company(company).exists()


def test_a_batch_of_invoices_is_written(api, customer, company):
    items = [{**INVOICE, "number": f"B-{i}"} for i in range(300)]
    assert api.post("/api/invoices/batch", {"items": items}).json()["created"] == 300
    assert Invoice.objects.for_company(company).count() == 300


def test_a_batch_is_limited_to_ten_thousand_items(api, customer):
    items = [{"number": str(i)} for i in range(10_001)]
    body = assert_error(api.post("/api/invoices/batch", {"items": items}), 422, "invalid")
    assert body["details"][0]["loc"][-1] == "items"


def test_an_empty_batch_is_refused(api):
    assert_error(api.post("/api/customers/batch", {"items": []}), 422, "invalid")


def test_a_malformed_body_is_refused(api, client, alice_token):
    response = client.post(
        "/api/invoices",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {alice_token}",
    )
    assert_error(response, 400, "bad_request")


def test_a_quote_takes_its_validity_date(api, customer, company):
    body = {
        "number": "D-1",
        "customer": "C1",
        "issue_date": "2026-01-01",
        "validity_date": "2026-02-01",
        "amount": "500",
    }
    assert api.post("/api/quotes", body).json()["created"] == 1
    assert str(Quote.objects.for_company(company).get(number="D-1").validity_date) == "2026-02-01"
    batch = api.post("/api/quotes/batch", {"items": [{**body, "number": "D-2"}]}).json()
    assert batch["created"] == 1


def test_a_payment_settles_its_invoice(api, customer, company):
    api.post("/api/invoices", INVOICE)
    payment = {
        "external_id": "P-1",
        "customer": "C1",
        "date": "2026-02-05",
        "amount": "120.50",
        "allocations": [{"invoice": "F-1", "amount": "120.50"}],
    }
    assert api.post("/api/payments", payment).json()["created"] == 1
    assert Invoice.objects.for_company(company).get(number="F-1").state == "paid"
    batch = api.post("/api/payments/batch", {"items": [payment]}).json()
    assert batch["unchanged"] == 1
    assert Payment.objects.for_company(company).count() == 1


def test_an_over_allocation_is_refused(api, customer, company):
    api.post("/api/invoices", INVOICE)
    payment = {
        "external_id": "P-1",
        "customer": "C1",
        "date": "2026-02-05",
        "amount": "500",
        "allocations": [{"invoice": "F-1", "amount": "500"}],
    }
    assert_error(api.post("/api/payments", payment), 422, "invalid")
    assert not Payment.objects.exists()


def test_a_viewer_cannot_write(viewer_api, customer, company):
    assert_error(viewer_api.post("/api/invoices", INVOICE), 403, "forbidden")
    assert not Document.objects.exists()


def test_a_collector_can_write(bob_api, customer):
    assert bob_api.post("/api/invoices", INVOICE).json()["created"] == 1


def test_it_writes_only_in_the_tokens_company(charlie_api, customer, other_company, company):
    # Charlie names Alice's customer code: it does not exist in his company.
    body = assert_error(charlie_api.post("/api/invoices", INVOICE), 422, "invalid")
    assert body["details"][0]["field"] == "customer"
    charlie_api.post("/api/invoices", {**INVOICE, "customer": {"code": "C1", "name": "Sien"}})
    assert Invoice.objects.for_company(other_company).count() == 1
    assert Invoice.objects.for_company(company).count() == 0
    assert Customer.objects.for_company(company).get(code="C1").name == "ANYWAY SARL"
