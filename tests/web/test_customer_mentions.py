"""The customer file's « Modifier »: SIREN (checked by python-stdnum), VAT number,
category of operation and delivery address, in French and English; the invoice PDF and
its Factur-X print them when the invoice does not give its own."""

import io
from decimal import Decimal

import facturx
import pytest
from django.urls import reverse
from pypdf import PdfReader

from dunning.invoice_pdf import ensure_invoice_pdf
from receivables.einvoice_check import failed_rules
from receivables.models import Customer, DocumentLine, Membership, Role

FORM = {
    "siren": "552 100 554",
    "vat_number": "fr 96 552100554",
    "operation_category": "services",
    "delivery_address": "Entrepôt Nord\n12 rue des Docks\n76600 Le Havre",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _text(pdf: bytes) -> str:
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_a_wrong_siren_is_refused_naming_the_problem_and_nothing_changes(alice_client, customer):
    url = reverse("customer_edit", args=[customer.pk])
    page = alice_client.get(url).content.decode()
    assert "Catégorie de l&#x27;opération" in page and "Adresse de livraison" in page
    response = alice_client.post(url, {**FORM, "siren": "552100555"})
    assert response.status_code == 200
    assert "SIREN invalide : la clé de contrôle est fausse" in response.content.decode()
    customer.refresh_from_db()
    assert (customer.siren, customer.operation_category, customer.delivery_address) == ("", "", "")


def test_the_mentions_are_saved_shown_and_printed_on_the_invoice(
    alice_client, company, customer, make_invoice
):
    company.legal_name, company.address = "Alice SARL", "1 rue du Port\n35000 Rennes"
    company.siren, company.vat_number = "732829320", "FR44732829320"
    company.save()
    response = alice_client.post(reverse("customer_edit", args=[customer.pk]), FORM)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.siren, customer.vat_number) == ("552100554", "FR96552100554")
    page = alice_client.get(reverse("customer_detail", args=[customer.pk])).content.decode()
    assert "552100554" in page and "prestation de services" in page and "76600 Le Havre" in page

    invoice = make_invoice(number="F-2026-9", amount=Decimal("120.00"))
    DocumentLine.objects.create(
        document=invoice, position=1, description="Maintenance", quantity=1,
        unit_price=Decimal("100"), net_amount=Decimal("100.00"), vat_rate=Decimal("20"),
    )  # fmt: skip
    pdf = ensure_invoice_pdf(invoice)
    text = _text(pdf)
    assert "SIREN 552100554" in text and "FR96552100554" in text
    assert "Catégorie de l'opération prestation de services" in text
    assert "Adresse de livraison Entrepôt Nord 12 rue des Docks 76600 Le Havre" in text
    _name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert failed_rules(xml) == []
    data = facturx.parse_ubl_cii_xml(xml, check_xsd=True)
    assert data["BT-23"] == "S1" and data["BG-7"]["legal_identifier"] == "552100554"
    assert data["BG-13"]["city"] == "Le Havre"


def test_a_delivery_address_equal_to_the_billing_one_is_not_printed(customer, make_invoice):
    customer.delivery_address = "3 rue de Paris\n35000 Rennes"  # the billing address
    customer.save()
    assert "Adresse de livraison" not in _text(ensure_invoice_pdf(make_invoice()))


def test_the_edit_screen_in_english(alice_client, customer):
    alice_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    url = reverse("customer_edit", args=[customer.pk])
    page = alice_client.get(url).content.decode()
    assert "Invoice mentions (2026)" in page and "Category of operation" in page
    assert "supply of services" in page and "Delivery address" in page
    page = alice_client.post(url, {**FORM, "siren": "55210055"}).content.decode()
    assert "invalid SIREN" in page


def test_a_reader_cannot_change_a_customer_and_another_company_cannot_see_it(
    client, company, customer, charlie, django_user_model
):
    reader = django_user_model.objects.create_user("rita", password="pw")
    Membership.objects.create(user=reader, company=company, role=Role.VIEWER)
    client.force_login(reader)
    url = reverse("customer_edit", args=[customer.pk])
    assert client.post(url, FORM).status_code == 403
    assert Customer.objects.get(pk=customer.pk).siren == ""
    client.force_login(charlie)
    assert client.get(url).status_code == 404
