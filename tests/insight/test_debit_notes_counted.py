"""The dashboard, the home page's totals and the customers' list count the debit notes
of charges invoiced like invoices (owed and reminded like them); a waived one, cancelled
by its credit note, counts no more."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from dunning.debit_notes import waive
from insight import queries
from receivables.models import Customer, Document, DocumentKind

from .conftest import AS_OF

D = Decimal


def _note(company, number, amount, due):
    lenty = Customer.objects.get(company=company, code="LENTY")
    return Document.objects.create(
        company=company, customer=lenty, kind=DocumentKind.DEBIT_NOTE, number=number,
        issue_date=due, due_date=due, amount=D(amount), amount_excl_tax=D(amount),
        tax_amount=D("0"),
    )  # fmt: skip


@pytest.fixture
def notes(dataset, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _note(dataset, "ND-00001", "63.16", date(2026, 6, 1))  # 14 days late
    waived = _note(dataset, "ND-00002", "12.00", date(2026, 6, 2))
    waive(waived, "Geste commercial", on=date(2026, 6, 3))
    return dataset


def test_aging_and_overdue_by_customer_count_the_debit_note(notes):
    rows = {r.key: (r.count, r.amount) for r in queries.aging(notes, AS_OF)}
    assert rows["1_30"] == (3, D("233.16"))  # I2 150 + I9 20 + ND-00001 63.16
    overdue = {r.name: (r.count, r.amount) for r in queries.overdue_by_customer(notes, AS_OF)}
    assert overdue["LENTY Sarah"] == (4, D("783.16"))  # I3 300 + I4 400 + I9 20 + 63.16


def test_the_currency_totals_count_the_debit_note(notes):
    (eur,) = queries.open_by_currency(notes, AS_OF)
    # open: 100 + 150 + 300 + 400 + 500 + 10 + 20 + 63.16; overdue without I1 and I8
    assert (eur.count, eur.open, eur.overdue) == (8, D("1543.16"), D("1433.16"))


def test_the_customers_list_counts_the_debit_note_in_the_balance(alice_client, notes):
    page = alice_client.get(reverse("customer_list")).content.decode()
    page = page.replace("\u202f", " ").replace("\xa0", " ")
    assert "783,16" in page  # LENTY: 300 + 400 + 20 + 63.16 (not the waived 12.00)
