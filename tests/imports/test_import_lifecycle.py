"""E-invoicing lifecycle messages (CDAR D22B, DGFiP external specifications v3 / AFNOR
XP Z12-012): the sample files in samples/lifecycle move invoices to the right state."""

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from dunning.policies import ensure_default_policies
from dunning.scan import scan
from receivables.imports import ImportRejected, import_file
from receivables.models import Document, LifecycleEvent, Payment

SAMPLES = Path(__file__).parent / "samples" / "lifecycle"
AS_OF = date(2026, 12, 3)
AMOUNTS = {"0008": "1008.14", "0009": "900.00", "0010": "480.00", "0011": "1250.00",
           "0012": "320.00", "0013": "2400.00", "0014": "150.00"}  # fmt: skip


@pytest.fixture
def invoices(company, make_invoice):
    ensure_default_policies(company)
    return {
        n: make_invoice(
            number=f"FA-2026-{n}",
            issue_date=date(2026, 10, 2),
            due_date=date(2026, 11, 1),
            amount=D(a),
        )  # fmt: skip
        for n, a in AMOUNTS.items()
    }


def _import(company, name: str):
    return import_file(company, (SAMPLES / name).read_bytes(), name, today=AS_OF)


def _state(invoices):
    scan(invoices["0008"].company, AS_OF)
    for doc in invoices.values():
        doc.refresh_from_db()
    return invoices


def test_without_statuses_every_invoice_is_to_remind(company, invoices):
    assert all(d.to_remind for d in _state(invoices).values())


def test_the_sample_files_move_the_invoices_to_the_right_state(company, invoices):
    for name in sorted(p.name for p in SAMPLES.glob("cdv_*.xml")):
        if name not in ("cdv_erreurs.xml", "cdv_209_completee.xml"):
            _import(company, name)
    docs = _state(invoices)
    # 212 Encaissée: a payment of the amount collected (800.00 + 208.14 by VAT rate)
    paid = docs["0008"]
    assert (paid.lifecycle_status, paid.state, paid.paid_amount) == ("212", "paid", D("1008.14"))
    payment = Payment.objects.get(allocations__invoice=paid)
    assert (payment.amount, payment.date, payment.allocated_amount) == (
        D("1008.14"), date(2026, 11, 4), D("1008.14"))  # fmt: skip
    # a partial 212: 300.00 recorded, 600.00 still reminded
    part = docs["0009"]
    assert (part.paid_amount, part.balance, part.to_remind) == (D("300.00"), D("600.00"), True)
    # 210 Refusée and 207 En litige: the dispute stop
    assert (docs["0010"].stop_reason, docs["0010"].to_remind) == ("disputed", False)
    assert (docs["0011"].stop_reason, docs["0011"].to_remind) == ("disputed", False)
    # 208 Suspendue: paused
    assert (docs["0012"].stop_reason, docs["0012"].to_remind) == ("suspended", False)
    # 213 Rejetée: never reminded
    assert (docs["0013"].stop_reason, docs["0013"].to_remind) == ("rejected", False)
    # 200 → 204 → 205 in one message: the latest is kept, each one in the history
    assert docs["0014"].lifecycle_status == "205" and docs["0014"].to_remind
    assert list(docs["0014"].lifecycle_events.values_list("code", flat=True)) == [
        "200", "204", "205"]  # fmt: skip
    reason = LifecycleEvent.objects.get(document=docs["0010"])
    assert reason.reason == "Commande inconnue : aucun bon de commande 4500012 chez nous"


def test_a_later_status_lifts_the_suspension(company, invoices):
    _import(company, "cdv_208_suspendue.xml")
    assert not _state(invoices)["0012"].to_remind
    result = _import(company, "cdv_209_completee.xml")
    assert result.created == 1
    doc = _state(invoices)["0012"]
    assert (doc.lifecycle_status, doc.stop_reason, doc.to_remind) == ("209", "", True)


def test_the_collector_is_told_of_a_rejected_invoice(company, invoices):
    result = _import(company, "cdv_213_rejetee.xml")
    assert any("FA-2026-0013" in w and "213" in w for w in result.warnings)


def test_reading_a_file_again_changes_nothing(company, invoices):
    first = _import(company, "cdv_212_encaissee.xml")
    again = _import(company, "cdv_212_encaissee.xml")
    assert (first.created, first.payments_created) == (1, 1)
    assert (again.created, again.unchanged, again.payments_created) == (0, 1, 0)
    assert Payment.objects.filter(company=company).count() == 1


def test_a_bad_file_changes_nothing_and_names_line_element_and_field(company, invoices):
    with pytest.raises(ImportRejected) as caught:
        _import(company, "cdv_erreurs.xml")
    rejected = caught.value
    assert rejected.filename == "cdv_erreurs.xml"
    where = {(e.line, e.column) for e in rejected.errors}
    text = (SAMPLES / "cdv_erreurs.xml").read_text().splitlines()
    for line, column in where:  # each error points at the line of its element
        assert column.split(" ")[0] in text[line - 1], (line, column)
    columns = sorted(e.column for e in rejected.errors)
    assert columns == [
        "ram:IssuerAssignedID (number)",
        "ram:ProcessConditionCode (status)",
        "ram:SpecifiedDocumentStatus (amount)",
    ]
    assert "FA-2099-9999" in str(rejected) and "299" in str(rejected)
    assert not LifecycleEvent.objects.exists()
    assert Document.objects.get(number="FA-2026-0014").lifecycle_status == ""


def test_an_amount_in_another_currency_is_refused(company, invoices):
    data = (SAMPLES / "cdv_212_partielle.xml").read_bytes().replace(b'"EUR"', b'"USD"')
    with pytest.raises(ImportRejected, match="USD"):
        import_file(company, data, "usd.xml", today=AS_OF)


def test_a_dry_run_saves_nothing(company, invoices):
    result = import_file(
        company, (SAMPLES / "cdv_212_encaissee.xml").read_bytes(), "x.xml", dry_run=True
    )
    assert result.created == 1
    assert not Payment.objects.exists() and not LifecycleEvent.objects.exists()


def test_statuses_from_a_csv_export_of_the_platform(company, invoices):
    csv = (
        "N° facture;Code statut;Date du statut;Montant encaissé;Motif\n"
        "FA-2026-0009;212;04/11/2026;300,00;\n"
        "FA-2026-0010;Refusée;20/10/2026;;Commande inconnue\n"
        "FA-2026-0012;208;22/10/2026;;\n"
        "FA-2026-0013;213;03/10/2026;;Destinataire inconnu\n"
    ).encode()
    result = import_file(company, csv, "statuts.csv", today=AS_OF)
    assert (result.kind, result.created, result.payments_created) == ("lifecycle", 4, 1)
    assert any("FA-2026-0013" in w for w in result.warnings)
    docs = _state(invoices)
    assert docs["0009"].paid_amount == D("300.00")
    assert [docs[n].stop_reason for n in ("0010", "0012", "0013")] == [
        "disputed", "suspended", "rejected"]  # fmt: skip


def test_a_bad_csv_line_is_named_by_line_and_column(company, invoices):
    csv = (
        "N° facture;Code statut;Date du statut;Montant encaissé\n"
        "FA-2026-0009;212;04/11/2026;\n"
        "FA-2026-0010;Perdue;20/10/2026;\n"
    ).encode()
    with pytest.raises(ImportRejected) as caught:
        import_file(company, csv, "statuts.csv", today=AS_OF)
    assert {(e.line, e.column) for e in caught.value.errors} == {
        (2, "Montant encaissé"), (3, "Code statut")}  # fmt: skip
    assert not LifecycleEvent.objects.exists()


def test_a_status_is_read_by_code_or_by_name_whatever_the_language():
    from django.utils import translation

    from receivables.lifecycle import status_code

    with translation.override("en"):
        assert [status_code(v) for v in ("Encaissée", "refusée", "Payment received",
                                         "VRBL:FR:213", 207)] == ["212", "210", "212", "213", "207"]  # fmt: skip
