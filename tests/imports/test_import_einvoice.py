"""Factur-X round trip: CII XML generated with the factur-x library, embedded into a PDF
rendered by printing.pdf.html_to_pdf, then imported."""

from datetime import date
from decimal import Decimal

import facturx
import pytest

from printing.pdf import html_to_pdf
from receivables.imports import ImportRejected, import_file
from receivables.models import Customer, Document


def _data(**over) -> dict:
    data = {
        "BT-1": "FA-2026-001",
        "BT-2": date(2026, 3, 6),
        "BT-3": "380",
        "BT-5": "EUR",
        "BT-9": date(2026, 4, 5),
        "BT-24": "urn:cen.eu:en16931:2017",
        "BT-72": date(2026, 3, 6),
        "BG-4": {
            "name": "Alice SARL",
            "legal_identifier": "732829320",
            "legal_identifier_schemeid": "0002",
            "country_code": "FR",
        },
        "BG-7": {
            "name": "ANYWAY SARL",
            "identifiers": {"": "ANY01"},
            "country_code": "FR",
            "city": "Rennes",
            "postcode": "35000",
            "addr_l1": "3 rue de Paris",
            "contacts": [{"name": "DRATEY Daisy", "email": "daisy@anyway.example"}],
        },
        "BT-81": "59",
        "BT-106": "100.00",
        "BT-109": "100.00",
        "BT-110": "20.00",
        "BT-112": "120.00",
        "BT-115": "120.00",
        "BG-23": [{"BT-116": "100.00", "BT-117": "20.00", "BT-118": "S", "BT-119": "20.00"}],
        "BG-25": [
            {
                "BT-126": "1",
                "BT-129": "1",
                "BT-130": "C62",
                "BT-131": "100.00",
                "BT-146": "100.00",
                "BT-151": "S",
                "BT-152": "20.00",
                "BT-153": "Pommes de terre Bintje",
            }
        ],
    }
    data.update(over)
    return data


def _cii(**over) -> bytes:
    return facturx.generate_cii_xml(_data(**over), level="en16931", check_schematron=False)


@pytest.fixture(scope="module")
def facturx_pdf() -> bytes:
    pdf = html_to_pdf("<h1>Facture FA-2026-001</h1><p>ANYWAY SARL — 120,00 €</p>")
    return facturx.generate_from_binary(pdf, _cii(), check_schematron=False)


def test_facturx_pdf_creates_the_invoice_the_customer_and_keeps_the_pdf(
    company, facturx_pdf, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    result = import_file(company, facturx_pdf, "FA-2026-001.pdf")
    doc = Document.objects.get()
    assert (result.created, result.customers_created) == (1, 1)
    assert (doc.number, doc.amount, doc.due_date, doc.payment_method) == (
        "FA-2026-001",
        Decimal("120.00"),
        date(2026, 4, 5),
        "direct_debit",
    )
    assert doc.description == "Pommes de terre Bintje"
    customer = Customer.objects.get()
    assert (customer.code, customer.contact_name, customer.emails, customer.city) == (
        "ANY01",
        "DRATEY Daisy",
        "daisy@anyway.example",
        "Rennes",
    )
    with doc.pdf.open("rb") as stored:
        assert stored.read() == facturx_pdf
    again = import_file(company, facturx_pdf, "FA-2026-001.pdf")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_cii_and_ubl_xml_files(company):
    import_file(company, _cii(), "f.xml")
    ubl = facturx.generate_ubl_xml(_data(**{"BT-1": "FA-UBL-1"}), check_schematron=False)
    import_file(company, ubl, "f.xml")
    assert set(Document.objects.values_list("number", flat=True)) == {"FA-2026-001", "FA-UBL-1"}
    assert Customer.objects.count() == 1


def test_a_credit_note_type_code(company):
    import_file(company, _cii(**{"BT-3": "381", "BT-1": "AV-1"}), "av.xml")
    assert Document.objects.get().kind == "credit_note"


def test_a_supplier_invoice_is_refused(company):
    company.siren = "552100554"
    company.save()
    with pytest.raises(ImportRejected, match="pas une facture client"):
        import_file(company, _cii(), "f.xml")
    assert Document.objects.count() == 0


def test_a_plain_pdf_is_refused(company):
    with pytest.raises(ImportRejected, match="Factur-X"):
        import_file(company, html_to_pdf("<p>pas de XML</p>"), "scan.pdf")
