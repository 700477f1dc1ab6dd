"""Files of several import chunks: the bulk paths (COPY on PostgreSQL, keys looked up as
one list) keep every promise of a small file: all-or-nothing, re-import changes nothing,
a changed value is updated, ids never collide with rows created afterwards."""

from datetime import date
from decimal import Decimal

import pytest

from receivables.imports import ImportRejected, import_file
from receivables.models import Allocation, Customer, Document, Payment

from .conftest import TODAY, csv_bytes

ROWS = 12_000  # more than two chunks of receivables.imports.service.CHUNK_ROWS
HEADER = "Numéro;Date;Échéance;Mode pmt;Code client;Client;Nature;Montant;Réglé"


def _row(n: int, amount: str | None = None, paid: str | None = None, day: str | None = None):
    c = n % 300
    if paid is None:
        paid = "" if n % 3 else f"{n % 50},00"
    return ";".join(
        [
            f"F{n:06d}",
            day or f"{n % 28 + 1:02d}/{n % 12 + 1:02d}/23",
            f"{n % 28 + 1:02d}/{n % 12 + 1:02d}/24",
            "Prélèvement" if n % 7 == 0 else "Virement",
            f"C{c:04d}",
            f"Client {c} SARL",
            f"Fournitures n° {n}",
            amount or f"{n % 900 + 50},{n % 100:02d}",
            paid,
        ]
    )


def _file(changes: dict | None = None) -> bytes:
    changes = changes or {}
    return csv_bytes([HEADER, *(_row(n, **changes.get(n, {})) for n in range(1, ROWS + 1))])


def _snapshot() -> tuple:
    return (
        sorted(
            Document.objects.values_list(
                "id", "number", "amount", "paid_amount", "state", "payment_method", "customer_id"
            )
        ),
        sorted(Payment.objects.values_list("id", "external_id", "amount", "allocated_amount")),
        sorted(Allocation.objects.values_list("id", "invoice_id", "payment_id", "amount")),
        Customer.objects.count(),
    )


@pytest.fixture
def imported(company):
    result = import_file(company, _file(), "factures.csv", today=TODAY)
    return result


def test_a_big_file_is_imported_whole_and_again_changes_nothing(company, imported):
    settled = ROWS // 3 - ROWS // 150  # every third row has a "Réglé", 1 in 50 of them 0
    assert (imported.created, imported.customers_created, imported.payments_created) == (
        ROWS,
        300,
        settled,
    )
    f7 = Document.objects.get(number="F000007")
    assert (f7.amount, f7.issue_date, f7.payment_method) == (
        Decimal("57.07"),
        date(2023, 8, 8),
        "direct_debit",
    )
    assert f7.customer.code == "C0007" and f7.paid_amount == 0
    f9 = Document.objects.get(number="F000009")  # "Réglé" 9,00: a stand-in payment
    assert (f9.paid_amount, f9.state) == (Decimal("9.00"), "open")
    assert Payment.objects.get(external_id="regle:F000009").amount == Decimal("9.00")
    before = _snapshot()
    again = import_file(company, _file(), "factures.csv", today=TODAY)
    assert (again.created, again.updated, again.unchanged, again.changed) == (0, 0, ROWS, False)
    assert _snapshot() == before


def test_values_changed_far_down_a_big_file_are_updated(company, imported):
    changes = {11_000: {"amount": "1 234,50"}, 11_001: {"paid": "10,00"}, 9_999: {"paid": ""}}
    result = import_file(company, _file(changes), "factures.csv", today=TODAY)
    assert (result.created, result.updated, result.unchanged) == (0, 2, ROWS - 2)
    assert Document.objects.get(number="F011000").amount == Decimal("1234.50")
    assert Document.objects.get(number="F011001").paid_amount == Decimal("10.00")
    # an empty "Réglé" says nothing: what was settled stays (as on a small file)
    assert Document.objects.get(number="F009999").paid_amount == Decimal("49.00")


def test_an_error_far_down_a_big_file_changes_nothing(company, imported):
    before = _snapshot()
    changes = {1: {"amount": "999,00"}, 11_500: {"day": "31/02/23"}}
    with pytest.raises(ImportRejected) as exc:
        import_file(company, _file(changes), "factures.csv", today=TODAY)
    assert [(e.line, e.column) for e in exc.value.errors] == [(11_501, "Date")]
    assert "31/02/23" in exc.value.errors[0].reason
    assert _snapshot() == before


def test_a_refused_first_import_leaves_no_row(company):
    with pytest.raises(ImportRejected):
        import_file(company, _file({11_999: {"amount": "douze"}}), "factures.csv", today=TODAY)
    assert _snapshot() == ([], [], [], 0)


def test_rows_created_after_a_big_import_get_their_own_ids(company, imported):
    customer = Customer.objects.get(code="C0001")
    later = Document.objects.create(
        company=company,
        customer=customer,
        kind="invoice",
        number="LATER",
        issue_date=TODAY,
        due_date=TODAY,
        amount=Decimal("10"),
    )
    payment = Payment.objects.create(
        company=company, customer=customer, date=TODAY, amount=Decimal("1")
    )
    assert later.pk > Document.objects.exclude(pk=later.pk).order_by("-pk")[0].pk
    assert Payment.objects.filter(pk=payment.pk).count() == 1


def test_every_row_changed_in_a_big_file_is_updated(company, imported):
    changes = {n: {"amount": f"{n % 900 + 51},{n % 100:02d}"} for n in range(1, ROWS + 1)}
    changes[9] = {"amount": "59,09", "paid": "59,09"}  # settled in full now: paid
    result = import_file(company, _file(changes), "factures.csv", today=TODAY)
    assert (result.created, result.updated, result.unchanged) == (0, ROWS, 0)
    f7, f9 = Document.objects.get(number="F000007"), Document.objects.get(number="F000009")
    assert (f7.amount, f7.paid_amount, f7.state) == (Decimal("58.07"), 0, "open")
    assert (f9.amount, f9.paid_amount, f9.state) == (Decimal("59.09"), Decimal("59.09"), "paid")
    stand_in = Payment.objects.get(external_id="regle:F000009")
    assert (stand_in.amount, stand_in.allocated_amount) == (Decimal("59.09"), Decimal("59.09"))
    assert Allocation.objects.get(payment=stand_in).amount == Decimal("59.09")
