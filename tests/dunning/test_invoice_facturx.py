"""Invoice PDFs complete: HT, TVA per rate and TTC from the lines or the header totals,
the French mentions (2026 additions included) and a Factur-X XML that the factur-x
library finds valid against the EN 16931 XSD."""

import io
from decimal import Decimal

import facturx
import pytest
from pypdf import PdfReader

from dunning.invoice_pdf import ensure_invoice_pdf
from receivables.models import DocumentLine


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def seller(company):
    company.legal_name, company.address = "Alice SARL", "1 rue du Port\n35000 Rennes"
    company.siren, company.vat_number = "732829320", "FR44732829320"
    company.legal_mentions = "SARL au capital de 8 000 € – RCS Rennes 732 829 320"
    company.vat_on_debits = True
    company.save()
    return company


def _xml_of(pdf: bytes) -> bytes:
    _name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    return xml


def test_lines_at_two_rates_give_ht_tva_per_rate_and_ttc(seller, customer, make_invoice):
    customer.siren, customer.vat_number = "552100554", "FR03552100554"
    customer.save()
    invoice = make_invoice(
        number="F-2026-7",
        amount=Decimal("1379.00"),
        operation_category="mixed",
        delivery_address="Entrepôt Nord\n12 rue des Docks\n76600 Le Havre",
    )
    DocumentLine.objects.create(
        document=invoice,
        position=1,
        description="Conseil (jour)",
        quantity=2,
        unit_price=Decimal("450"),
        net_amount=Decimal("900.00"),
        vat_rate=Decimal("20"),
    )
    DocumentLine.objects.create(
        document=invoice,
        position=2,
        description="Livres",
        quantity=10,
        unit_price=Decimal("20"),
        net_amount=Decimal("200.00"),
        vat_rate=Decimal("5.5"),
    )
    DocumentLine.objects.create(
        document=invoice,
        position=3,
        description="Repas",
        quantity=1,
        unit_price=Decimal("80"),
        net_amount=Decimal("80.00"),
        vat_rate=Decimal("10"),
    )
    pdf = ensure_invoice_pdf(invoice)
    text = _text(pdf).replace("\u202f", " ").replace("\xa0", " ")
    # 900 + 200 + 80 = 1 180,00 HT; 180,00 + 11,00 + 8,00 = 199,00 TVA; 1 379,00 TTC
    assert "Total HT 1 180,00 EUR" in text and "Total TVA 199,00 EUR" in text
    for rate, tax in [("20 %", "180,00"), ("10 %", "8,00"), ("5,5 %", "11,00")]:
        assert rate in text and tax in text
    assert "SIREN 732829320" in text and "FR44732829320" in text  # seller
    assert "SIREN 552100554" in text and "FR03552100554" in text  # customer (2026)
    assert "livraison de biens et prestation de services" in text
    assert "76600 Le Havre" in text and "après les débits" in text
    assert "Pas d'escompte" in text and text.count("ndemnité forfaitaire") == 1
    assert "RCS Rennes 732 829 320" in text
    xml = _xml_of(pdf)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    data = facturx.parse_ubl_cii_xml(xml, check_xsd=True)
    assert [(g["BT-116"], g["BT-117"]) for g in data["BG-23"]] == [
        ("900.00", "180.00"),
        ("80.00", "8.00"),
        ("200.00", "11.00"),
    ]
    assert data["BG-7"]["legal_identifier"] == "552100554"
    assert data["BT-23"] == "M1"


def test_header_totals_give_the_breakdown_and_a_valid_factur_x(seller, make_invoice):
    invoice = make_invoice(
        number="F-8",
        amount=Decimal("1200.00"),
        amount_excl_tax=Decimal("1000.00"),
        tax_amount=Decimal("200.00"),
    )
    pdf = ensure_invoice_pdf(invoice)
    text = _text(pdf).replace("\u202f", " ").replace("\xa0", " ")
    assert "Total HT 1 000,00 EUR" in text and "Total TVA 200,00 EUR" in text
    assert "Total TTC 1 200,00 EUR" in text and "20 %" in text
    xml = _xml_of(pdf)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    data = facturx.parse_ubl_cii_xml(xml, check_xsd=True)
    assert (data["BT-109"], data["BT-110"], data["BT-112"]) == ("1000.00", "200.00", "1200.00")


def test_an_amount_ttc_alone_prints_ttc_and_says_the_breakdown_is_missing(seller, make_invoice):
    pdf = ensure_invoice_pdf(make_invoice(number="F-9"))
    text = _text(pdf)
    assert "Montant TTC" in text and "non fourni" in text
    assert facturx.get_xml_from_pdf(pdf, check_xsd=False) == (False, False)  # no XML
