"""Debit notes (charges invoiced) are paid like invoices: a bank transfer naming
« ND-00001 » or carrying its RF reference settles it, an amount alone proposes it, and a
payment file allocating to it is imported."""

from datetime import date
from decimal import Decimal

import pytest

from banking import services
from banking.models import LineStatus, Proposal, StatementLine
from dunning.debit_notes import invoice_charges, waive
from receivables.imports import import_file
from receivables.models import Document, DocumentKind
from receivables.paycodes import rf_reference

from .writers import camt053, mv

D = Decimal


@pytest.fixture
def note(company, customer, make_invoice, settings, tmp_path):
    """FA-0008, 1 008,14 € due 25 Sept 2026, paid; on 3 Dec its charges: ND-00001 63,16 €."""
    settings.MEDIA_ROOT = tmp_path
    invoice = make_invoice(number="FA-0008", amount=D("1008.14"), due_date=date(2026, 9, 25))
    (note,) = invoice_charges([invoice], date(2026, 12, 3))
    assert (note.number, note.amount) == ("ND-00001", D("63.16"))
    return note


def test_a_transfer_naming_the_debit_note_pays_it(company, note):
    data = camt053([mv("63.16", "ANYWAY SARL", "Penalites ND-00001")])
    services.import_statement(company, data, "releve.xml")
    note.refresh_from_db()
    assert (note.state, note.balance) == ("paid", D("0"))
    line = StatementLine.objects.get()
    assert (line.status, line.rule) == (LineStatus.MATCHED, "reference")


def test_the_rf_reference_of_the_debit_note_pays_it(company, note):
    data = camt053([mv("63.16", "PAYEUR TIERS", rf=rf_reference(note.number))])
    services.import_statement(company, data, "releve.xml")
    note.refresh_from_db()
    assert note.state == "paid"
    assert StatementLine.objects.get().rule == "rf"


def test_an_amount_alone_proposes_the_debit_note(company, note):
    services.import_statement(company, camt053([mv("63.16", "INCONNU")]), "releve.xml")
    line = StatementLine.objects.get()
    assert line.status == LineStatus.PROPOSED
    assert [p.invoice.number for p in Proposal.objects.filter(line=line)] == ["ND-00001"]


def test_a_waived_debit_note_is_no_longer_proposed(company, note):
    waive(note, "Geste commercial", on=date(2026, 12, 4))
    services.import_statement(company, camt053([mv("63.16", "INCONNU")]), "releve.xml")
    assert StatementLine.objects.get().status == LineStatus.UNMATCHED


def test_a_payment_file_allocating_to_the_debit_note_settles_it(company, note):
    payments = "Référence;Date;Montant;Facture;Mode\nVIR-7;10/12/26;63,16;ND-00001;Virement\n"
    result = import_file(company, payments.encode(), "reglements.csv")
    assert (result.kind, result.created) == ("payments", 1)
    note.refresh_from_db()
    assert (note.state, note.paid_amount) == ("paid", D("63.16"))
    assert Document.objects.get(kind=DocumentKind.INVOICE).paid_amount == 0
