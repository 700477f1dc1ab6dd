"""Factur-X round trip: CII XML generated with the factur-x library, embedded into a PDF
rendered by printing.pdf.html_to_pdf, then imported."""

import io
from datetime import date
from decimal import Decimal

import facturx
import pytest
from pypdf import PdfReader

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


def test_the_lines_and_header_totals_are_kept_and_printed_ht_tva_ttc(company, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from dunning.invoice_pdf import ensure_invoice_pdf

    # BR-CO-26 / BR-S-02: a seller issues an EN 16931 invoice under its SIREN and VAT number
    company.siren, company.vat_number = "732829320", "FR44732829320"
    company.save()
    import_file(company, _cii(**{"BT-23": "S1"}), "f.xml")
    doc = Document.objects.get()
    assert (doc.amount_excl_tax, doc.tax_amount, doc.amount) == (
        Decimal("100.00"), Decimal("20.00"), Decimal("120.00"),
    )  # fmt: skip
    assert doc.operation_category == "services"
    line = doc.lines.get()
    assert (line.description, line.net_amount, line.vat_rate) == (
        "Pommes de terre Bintje", Decimal("100.00"), Decimal("20.00"),
    )  # fmt: skip
    import_file(company, _cii(**{"BT-23": "S1"}), "f.xml")  # again: still one line
    assert doc.lines.count() == 1
    pdf = ensure_invoice_pdf(doc)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    text = text.replace("\u202f", " ").replace("\xa0", " ")
    assert "Pommes de terre Bintje" in text and "Total HT 100,00 EUR" in text
    assert "Total TVA 20,00 EUR" in text and "Total TTC 120,00 EUR" in text
    _name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")


def test_a_csv_with_ht_and_tva_columns_keeps_the_header_totals(company):
    csv = (
        "Numéro;Client;Date;Échéance;Montant HT;TVA;Montant TTC\n"
        "F-1;ANYWAY SARL;01/01/2026;31/01/2026;1 000,00;200,00;1 200,00\n"
        "F-2;ANYWAY SARL;01/01/2026;31/01/2026;;;50,00\n"
    ).encode()
    import_file(company, csv, "factures.csv")
    got = {d.number: (d.amount_excl_tax, d.tax_amount) for d in Document.objects.all()}
    assert got == {"F-1": (Decimal("1000.00"), Decimal("200.00")), "F-2": (None, None)}
