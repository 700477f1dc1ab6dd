"""The EN 16931 business rules (the official CEN validation artefact, run with SaxonC)
pass on the Factur-X XML of the PDFs we print — a French business customer, a French
consumer, a foreign customer, a debit note of charges — and a broken XML fails naming
the rule it breaks."""

from datetime import date
from decimal import Decimal

import facturx
import pytest
from lxml import etree

from dunning.debit_notes import invoice_charges
from dunning.invoice_pdf import ensure_invoice_pdf
from receivables.einvoice_check import NotAnInvoice, failed_rules, fatal_rules
from receivables.models import Customer, DocumentLine, Invoice

RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def seller(company):
    company.legal_name, company.address = "Alice SARL", "1 rue du Port\n35000 Rennes"
    company.siren, company.vat_number = "732829320", "FR44732829320"
    company.iban, company.email = "FR7630006000011234567890189", "compta@alice.example"
    company.vat_on_debits = True
    company.save()
    return company


def _xml(document) -> bytes:
    _name, xml = facturx.get_xml_from_pdf(ensure_invoice_pdf(document), check_xsd=True)
    return xml


def _line(document, position, net, rate, description="Prestation"):
    DocumentLine.objects.create(
        document=document, position=position, description=description, quantity=1,
        unit_price=net, net_amount=net, vat_rate=rate,
    )  # fmt: skip


def test_a_french_business_invoice_at_three_rates_breaks_no_rule(seller, customer, make_invoice):
    customer.siren, customer.vat_number = "552100554", "FR03552100554"
    customer.save()
    invoice = make_invoice(
        number="F-2026-7", amount=Decimal("1379.00"), operation_category="mixed",
        delivery_address="Entrepôt Nord\n12 rue des Docks\n76600 Le Havre",
    )  # fmt: skip
    _line(invoice, 1, Decimal("900.00"), Decimal("20"), "Conseil")
    _line(invoice, 2, Decimal("200.00"), Decimal("5.5"), "Livres")
    _line(invoice, 3, Decimal("80.00"), Decimal("10"), "Repas")
    assert failed_rules(_xml(invoice)) == []


def test_a_french_consumer_invoice_from_header_totals_breaks_no_rule(seller, company):
    consumer = Customer.objects.create(
        company=company, code="P1", name="Mme Jeanne Martin", is_business=False,
        address="8 allée des Tilleuls", postal_code="44000", city="Nantes",
    )  # fmt: skip
    invoice = Invoice.objects.create(
        company=company, customer=consumer, number="F-C-1", issue_date=date(2026, 3, 1),
        due_date=date(2026, 3, 31), amount=Decimal("240.00"),
        amount_excl_tax=Decimal("200.00"), tax_amount=Decimal("40.00"),
    )  # fmt: skip
    assert failed_rules(_xml(invoice)) == []


def test_a_german_customer_invoice_breaks_no_rule(seller, company):
    buyer = Customer.objects.create(
        company=company, code="D1", name="Müller GmbH", country="DE",
        address="Hauptstraße 5", postal_code="10115", city="Berlin",
        vat_number="DE136695976",
    )  # fmt: skip
    invoice = Invoice.objects.create(
        company=company, customer=buyer, number="F-DE-1", issue_date=date(2026, 3, 1),
        due_date=date(2026, 3, 31), amount=Decimal("1200.00"), operation_category="services",
    )  # fmt: skip
    _line(invoice, 1, Decimal("1000.00"), Decimal("20"), "Beratung")
    assert failed_rules(_xml(invoice)) == []


def test_a_debit_note_of_charges_breaks_no_rule(seller, customer, make_invoice):
    customer.siren = "552100554"
    customer.save()
    invoice = make_invoice(number="FA-0008", due_date=date(2026, 9, 25), amount=Decimal("1008.14"))
    (note,) = invoice_charges([invoice], date(2026, 12, 3))
    assert note.amount == Decimal("63.16")
    with note.pdf.open("rb") as fh:
        _name, xml = facturx.get_xml_from_pdf(fh.read(), check_xsd=True)
    assert failed_rules(xml) == []


def test_a_total_that_does_not_add_up_fails_naming_br_co_15(seller, make_invoice):
    invoice = make_invoice(
        number="F-8", amount=Decimal("1200.00"),
        amount_excl_tax=Decimal("1000.00"), tax_amount=Decimal("200.00"),
    )  # fmt: skip
    tree = etree.fromstring(_xml(invoice))
    (gross,) = tree.iter(f"{{{RAM}}}GrandTotalAmount")
    gross.text = "1300.00"  # 1 000 + 200 ≠ 1 300
    failures = fatal_rules(etree.tostring(tree))
    rules = {f.rule for f in failures}
    assert "BR-CO-15" in rules
    (co15,) = [f for f in failures if f.rule == "BR-CO-15"]
    assert "Invoice total amount with VAT" in co15.text


def test_a_vat_group_without_its_rate_fails_naming_the_rule(seller, make_invoice):
    invoice = make_invoice(
        number="F-9", amount=Decimal("1200.00"),
        amount_excl_tax=Decimal("1000.00"), tax_amount=Decimal("200.00"),
    )  # fmt: skip
    tree = etree.fromstring(_xml(invoice))
    for rate in list(tree.iter(f"{{{RAM}}}RateApplicablePercent")):
        rate.getparent().remove(rate)
    assert {"BR-S-05", "BR-48"} & {f.rule for f in fatal_rules(etree.tostring(tree))}


def test_bytes_that_are_not_xml_are_refused_with_the_parser_message():
    with pytest.raises(NotAnInvoice, match="line 1"):
        failed_rules(b"%PDF-1.7 not xml")


def test_an_invoice_whose_xml_would_break_a_rule_is_printed_without_factur_x(
    seller, company, caplog
):
    nowhere = Customer.objects.create(company=company, code="X1", name="Nulle Part", country="XX")
    invoice = Invoice.objects.create(
        company=company, customer=nowhere, number="F-X-1", issue_date=date(2026, 3, 1),
        due_date=date(2026, 3, 31), amount=Decimal("120.00"),
        amount_excl_tax=Decimal("100.00"), tax_amount=Decimal("20.00"),
    )  # fmt: skip
    pdf = ensure_invoice_pdf(invoice)
    assert pdf.startswith(b"%PDF")
    assert facturx.get_xml_from_pdf(pdf, check_xsd=False) == (False, False)
    assert "BR-CL-14" in caplog.text and "F-X-1" in caplog.text
