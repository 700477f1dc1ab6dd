import io

import pytest
from pypdf import PdfReader

from dunning.invoice_pdf import ensure_invoice_pdf


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_b2b_invoice_states_due_date_penalties_and_40_euros(make_invoice, company):
    company.legal_name, company.address = "Alice SARL", "1 rue du Port\n35000 Rennes"
    company.save()
    invoice = make_invoice(number="F-1", description="Pommes de terre Bintje")
    text = _text(ensure_invoice_pdf(invoice))
    assert "Facture n° F-1" in text and "Alice SARL" in text and "ANYWAY SARL" in text
    assert "31/01/2026" in text and "pénalités" in text and "40 €" in text
    invoice.refresh_from_db()
    assert invoice.pdf.name.endswith(".pdf")


def test_a_consumer_invoice_has_no_fixed_indemnity(make_invoice, customer):
    customer.is_business = False
    customer.save()
    text = _text(ensure_invoice_pdf(make_invoice()))
    assert "40 €" not in text and "taux légal" in text


def test_it_keeps_an_existing_pdf(make_invoice):
    invoice = make_invoice()
    first = ensure_invoice_pdf(invoice)
    invoice.refresh_from_db()
    assert ensure_invoice_pdf(invoice) == first


def test_the_late_payment_clause_is_printed_once_and_other_mentions_stay(make_invoice, company):
    # the demo's mentions restate the clause; the invoice states it itself, from the rules
    company.legal_mentions = (
        "SARL au capital de 8 000 € – RCS Rennes 732 829 320\n"
        "En cas de retard de paiement, pénalités au taux de la BCE majoré de 10 points et "
        "indemnité forfaitaire pour frais de recouvrement de 40 € (art. L441-10 C. com.)."
    )
    company.save()
    text = " ".join(_text(ensure_invoice_pdf(make_invoice(number="F-9"))).split())
    assert text.count("ndemnité forfaitaire") == 1 and text.count("pénalités") == 1
    assert "RCS Rennes 732 829 320" in text


def test_a_consumer_invoice_keeps_the_company_mentions(make_invoice, customer, company):
    company.legal_mentions = "SARL au capital de 8 000 € – RCS Rennes 732 829 320"
    company.save()
    customer.is_business = False
    customer.save()
    text = " ".join(_text(ensure_invoice_pdf(make_invoice(number="F-10"))).split())
    assert "RCS Rennes 732 829 320" in text
