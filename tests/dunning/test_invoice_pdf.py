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
