"""Charges invoiced. The FA-0008 example: 1 008,14 € due 25 Sept 2026; the level that
invoices its charges (« Relance 2 ») goes on 3 Dec 2026 and claims 23,16 € of interest
(69 days at 12,15 %) + 40,00 € indemnity: a debit note ND-00001 of 63,16 € is issued, a
Factur-X that the factur-x library validates, with the charges outside the scope of VAT.
At the next level (2 Jan 2027) the reminder claims the invoice, the debit note and only
the interest since 3 Dec: 1 008,14 × 12,15 % × 30 / 365 = 10,07 € (28 days 2026: 9,40;
2 days 2027: 0,67), total 1 081,37 €; the 40 € are not claimed twice."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import facturx
import pytest
import time_machine
from pypdf import PdfReader

from dunning.debit_notes import CannotWaive, invoice_charges, waive
from dunning.models import Level
from dunning.policies import ensure_default_policies
from dunning.scan import scan
from dunning.services import unallocated_credit
from receivables.einvoice_check import failed_rules
from receivables.models import Customer, Document, DocumentKind, Invoice
from reminders.batches import create_batch
from reminders.defaults import ensure_default_templates
from reminders.preview import preview_batch
from reminders.sending import send_outbox

CHARGING = 3  # « Relance 2 », a firm e-mail that claims charges


@pytest.fixture
def fa0008(company, media):
    company.legal_name, company.address = "Alice SARL", "1 rue du Port\n35000 Rennes"
    company.siren, company.vat_number = "732829320", "FR44732829320"
    company.email = "compta@alice.example"
    company.save()
    policy = ensure_default_policies(company)["invoice"]
    Level.objects.filter(policy=policy, rank=CHARGING).update(invoices_charges=True)
    ensure_default_templates(company)
    customer = Customer.objects.create(
        company=company, code="K1", name="Pharmacie Moreau", emails="compta@moreau.example",
        address="4 rue Haute", postal_code="35000", city="Rennes", siren="552100554",
        phone="02 99 00 00 00",
    )  # fmt: skip
    return Invoice.objects.create(
        company=company, customer=customer, number="FA-0008", issue_date=date(2026, 8, 26),
        due_date=date(2026, 9, 25), amount=Decimal("1008.14"),
        dunning_level=CHARGING - 1, pending_level=CHARGING, to_remind=True,
    )  # fmt: skip


def test_the_charges_are_invoiced_validated_and_reminded_at_the_next_level(
    fa0008, company, smtp_server
):
    with time_machine.travel(datetime(2026, 12, 3, 9, tzinfo=UTC), tick=False):
        assert send_outbox(create_batch(company, [fa0008], channel="email")).sent == 1
    note = Document.objects.get(kind=DocumentKind.DEBIT_NOTE)
    assert (note.number, note.amount, note.due_date) == (
        "ND-00001",
        Decimal("63.16"),
        date(2026, 12, 3),
    )
    assert note.dunning_level == CHARGING
    assert [(line.charge, line.net_amount) for line in note.lines.all()] == [
        ("interest", Decimal("23.16")),
        ("indemnity", Decimal("40.00")),
    ]

    # its PDF is a Factur-X the library validates against the EN 16931 XSD
    with note.pdf.open("rb") as fh:
        pdf = fh.read()
    _name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    data = facturx.parse_ubl_cii_xml(xml, check_xsd=True)
    assert (data["BT-1"], data["BT-3"], data["BT-112"], data["BT-110"]) == (
        "ND-00001", "380", "63.16", "0.00",
    )  # fmt: skip
    assert [(g["BT-118"], g.get("BT-121")) for g in data["BG-23"]] == [("O", "VATEX-EU-O")]
    assert "vat_identifier" not in data["BG-4"]  # BR-O-02: no VAT id with category O

    # the next level: the scan puts invoice and debit note at level 4 together
    scan(company, date(2027, 1, 2))
    fa0008.refresh_from_db()
    note.refresh_from_db()
    assert (fa0008.pending_level, note.pending_level) == (CHARGING + 1, CHARGING + 1)
    result = preview_batch(company, [fa0008, note], "email", as_of=date(2027, 1, 2))
    assert not result.failures, [m.error for m in result.failures]
    msg = result.messages[0]
    r = msg.reckoning
    by_number = {line.number: line for line in r.lines}
    assert by_number["ND-00001"].balance == Decimal("63.16")
    assert by_number["ND-00001"].interest == 0 and by_number["ND-00001"].indemnity == 0
    assert by_number["FA-0008"].interest == Decimal("10.07")
    assert by_number["FA-0008"].indemnity == 0  # invoiced once, never claimed again
    assert r.total == Decimal("1081.37")
    body = " ".join(msg.body_text.replace("\u202f", " ").replace("\xa0", " ").split())
    assert "ND-00001" in body and "1 081,37" in body
    open("/tmp/i18pdf_level4.txt", "w").write(msg.subject + "\n\n" + msg.body_text)


def test_numbers_have_no_gap_and_a_waived_note_keeps_its_number_and_reason(fa0008, company):
    first = invoice_charges([fa0008], date(2026, 12, 3))[0]
    assert invoice_charges([fa0008], date(2026, 12, 3)) == []  # nothing new to invoice
    second = invoice_charges([fa0008], date(2026, 12, 20))[0]  # 17 more days of interest
    assert (first.number, second.number) == ("ND-00001", "ND-00002")
    assert second.amount == Decimal("5.70")  # 1008.14 × 12.15 % × 17 / 365 = 5.705
    with pytest.raises(CannotWaive):
        waive(second, "  ")
    waive(second, "Geste commercial : client fidèle", user="alice")
    second.refresh_from_db()
    assert (second.state, second.waived_reason) == ("cancelled", "Geste commercial : client fidèle")
    third = invoice_charges([fa0008], date(2026, 12, 31))[0]
    assert third.number == "ND-00003"  # the waived number stays used
    assert third.amount == Decimal("3.69")  # from 21 Dec: the waived days are not reclaimed


def test_a_waived_note_is_cancelled_by_a_credit_note_and_no_longer_reminded(
    fa0008, company, tmp_path
):
    with time_machine.travel(datetime(2026, 12, 3, 9, tzinfo=UTC), tick=False):
        note = invoice_charges([fa0008], date(2026, 12, 3), level_rank=CHARGING)[0]
    scan(company, date(2027, 1, 2))
    note.refresh_from_db()
    assert note.to_remind and note.balance == Decimal("63.16")

    credit = waive(note, "Client fidèle, premier retard", user="alice", on=date(2027, 1, 2))
    note.refresh_from_db()
    assert (credit.number, credit.kind, credit.amount, credit.cancels) == (
        "AV-00001", "credit_note", Decimal("63.16"), note,
    )  # fmt: skip
    assert (note.state, note.balance, note.to_remind) == ("cancelled", Decimal("0"), False)
    assert credit.balance == 0 and unallocated_credit(note.customer_id) == 0  # used up

    # its PDF: a Factur-X credit note (381) naming the debit note (BT-25), valid EN 16931
    with credit.pdf.open("rb") as fh:
        pdf = fh.read()
    _name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert failed_rules(xml) == []
    data = facturx.parse_ubl_cii_xml(xml, check_xsd=True)
    assert (data["BT-1"], data["BT-3"], data["BT-112"], data["BT-115"]) == (
        "AV-00001", "381", "63.16", "63.16",
    )  # fmt: skip
    assert [ref["BT-25"] for ref in data["BG-3"]] == ["ND-00001"]
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split()
    ).replace("\u202f", " ")
    assert "Avoir n° AV-00001" in text and "Total de l'avoir 63,16 EUR" in text
    assert "ND-00001" in text and "Client fidèle, premier retard" in text

    # the next scan and reminder: the invoice alone, its interest since 3 Dec, no 40 €
    scan(company, date(2027, 1, 2))
    note.refresh_from_db()
    assert not note.to_remind and note.pending_level is None
    result = preview_batch(company, [fa0008], "email", as_of=date(2027, 1, 2))
    r = result.messages[0].reckoning
    assert [line.number for line in r.lines] == ["FA-0008"]
    assert (r.balance, r.charges, r.total) == (
        Decimal("1008.14"), Decimal("10.07"), Decimal("1018.21"),
    )  # fmt: skip

    # the next waiver takes the next number
    second = invoice_charges([fa0008], date(2027, 1, 20))[0]
    assert waive(second, "Geste commercial").number == "AV-00002"
