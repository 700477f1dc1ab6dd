from datetime import date
from decimal import Decimal

from receivables.models import Payment, Quote
from receivables.services import allocate


def test_invoice_list_to_remind_filter(alice_client, seed_docs):
    html = alice_client.get("/factures/?filter=to_remind").content.decode()
    assert ">3<" in html and ">5<" in html and ">11<" not in html
    assert "Relances" in html  # the bulk action


def test_invoice_list_search(alice_client, seed_docs):
    html = alice_client.get("/factures/?q=LENTY").content.decode()
    assert ">3<" in html and ">5<" not in html


def test_invoice_list_hides_other_company(alice_client, seed_docs, other_invoice):
    assert "AUTRE-0042" not in alice_client.get("/factures/").content.decode()


def test_quote_list_expired_filter(alice_client, company, customer, today):
    Quote.objects.create(
        company=company,
        customer=customer,
        number="D-OLD",
        issue_date=date(2025, 1, 1),
        due_date=date(2025, 2, 1),
        amount=Decimal("10"),
        state="expired",
    )
    Quote.objects.create(
        company=company,
        customer=customer,
        number="D-NEW",
        issue_date=today,
        due_date=date(2099, 1, 1),
        amount=Decimal("10"),
    )
    html = alice_client.get("/devis/?filter=expired").content.decode()
    assert "D-OLD" in html and "D-NEW" not in html


def test_invoice_page_shows_badge_balance_payments(alice_client, seed_docs, customer):
    invoice = seed_docs["3"]
    payment = Payment.objects.create(
        company=invoice.company,
        customer=invoice.customer,
        date=date(2026, 2, 1),
        amount=Decimal("200"),
        reference="VIR-42",
    )
    allocate(invoice, Decimal("200"), payment=payment)
    html = alice_client.get(f"/pieces/{invoice.pk}/").content.decode().replace("\u202f", " ")
    assert "Relance 1 — À faire" in html
    assert "520,00" in html and "VIR-42" in html
    assert "Relancer" in html


def test_invoice_page_of_another_company_is_404(alice_client, other_invoice):
    assert alice_client.get(f"/pieces/{other_invoice.pk}/").status_code == 404


def test_dispute_and_promise_on_a_document(alice_client, seed_docs):
    doc = seed_docs["5"]
    response = alice_client.post(
        f"/pieces/{doc.pk}/blocage/",
        {"disputed": "on", "block_reason": "Marchandise abîmée", "promise_date": "2026-12-01"},
    )
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.disputed and doc.block_reason == "Marchandise abîmée"
    assert doc.promise_date == date(2026, 12, 1)


def test_viewer_cannot_block_a_document(viewer_client, seed_docs):
    doc = seed_docs["5"]
    response = viewer_client.post(f"/pieces/{doc.pk}/blocage/", {"disputed": "on"})
    assert response.status_code == 403
    doc.refresh_from_db()
    assert not doc.disputed
