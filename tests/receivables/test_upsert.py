from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from receivables.models import Allocation, Customer, Document, DocumentState, Payment
from receivables.upsert import (
    UpsertError,
    upsert_customers,
    upsert_invoices,
    upsert_payments,
    upsert_quotes,
)

TODAY = date(2026, 3, 15)


def _invoice(number, **kw):
    item = dict(
        number=number,
        customer={"code": "ANY", "name": "ANYWAY SARL"},
        issue_date=date(2026, 3, 6),
        due_date=date(2026, 3, 13),
        amount=Decimal("5.10"),
        description="Pommes de terre Bintje",
    )
    item.update(kw)
    return item


def test_it_creates_then_reports_everything_unchanged(company):
    items = [_invoice("5"), _invoice("6", amount=Decimal("720.00"))]
    first = upsert_invoices(company, items, today=TODAY)
    again = upsert_invoices(company, items, today=TODAY)
    assert (first.created, first.customers_created) == (2, 1)
    assert (again.created, again.updated, again.unchanged, again.changed) == (0, 0, 2, False)


def test_it_updates_only_what_changed(company):
    upsert_invoices(company, [_invoice("5"), _invoice("6")], today=TODAY)
    result = upsert_invoices(company, [_invoice("5", amount=Decimal("6.00")), _invoice("6")])
    assert (result.updated, result.unchanged) == (1, 1)
    assert Document.objects.get(number="5").amount == Decimal("6.00")


def test_a_batch_of_documents_costs_a_few_queries_not_one_per_row(company):
    items = [_invoice(f"F{i}", paid=Decimal("1.00")) for i in range(300)]
    with CaptureQueriesContext(connection) as ctx:
        upsert_invoices(company, items, today=TODAY)
    assert len(ctx.captured_queries) < 40
    with CaptureQueriesContext(connection) as ctx:
        upsert_invoices(company, items, today=TODAY)
    assert len(ctx.captured_queries) < 15


def test_one_bad_item_rejects_the_batch_and_lists_every_error(company):
    items = [
        _invoice("1"),
        _invoice("2", amount="douze"),
        _invoice("3", due_date="13/03/2026"),
        _invoice("1"),
        _invoice("4", customer="NOBODY"),
    ]
    with pytest.raises(UpsertError) as exc:
        upsert_invoices(company, items)
    found = {(e.index, e.field) for e in exc.value.errors}
    assert found == {(1, "amount"), (2, "due_date"), (3, "number"), (4, "customer")}
    assert "NOBODY" in str(exc.value.errors[-1].reason)
    assert Document.objects.count() == 0 and Customer.objects.count() == 0


def test_unknown_keys_are_refused(company):
    with pytest.raises(UpsertError, match="champ inconnu"):
        upsert_invoices(company, [_invoice("1", amount_ht=Decimal("1"))])


def test_paid_column_creates_one_payment_and_is_idempotent(company):
    upsert_invoices(
        company, [_invoice("3", amount=Decimal("720"), paid=Decimal("180"))], today=TODAY
    )
    upsert_invoices(
        company, [_invoice("3", amount=Decimal("720"), paid=Decimal("180"))], today=TODAY
    )
    invoice = Document.objects.get(number="3")
    assert invoice.paid_amount == Decimal("180") and invoice.state == DocumentState.OPEN
    assert Payment.objects.count() == 1 and Allocation.objects.count() == 1
    result = upsert_invoices(company, [_invoice("3", amount=Decimal("720"), paid=Decimal("720"))])
    invoice.refresh_from_db()
    assert result.updated == 1 and invoice.state == DocumentState.PAID
    assert Payment.objects.get().amount == Decimal("720")


def test_paid_column_counts_real_payments_first(company, customer, make_invoice):
    invoice = make_invoice(number="9", amount=Decimal("100"))
    upsert_payments(
        company,
        [dict(reference="VIR1", date=TODAY, amount=Decimal("60"), allocations=[{"invoice": "9"}])],
    )
    upsert_invoices(company, [{"number": "9", "paid": Decimal("100")}], today=TODAY)
    invoice.refresh_from_db()
    assert invoice.state == DocumentState.PAID
    assert sorted(Payment.objects.values_list("amount", flat=True)) == [
        Decimal("40"),
        Decimal("60"),
    ]


def test_state_paid_means_paid_in_full(company):
    upsert_invoices(company, [_invoice("1", state="Payée")], today=TODAY)
    assert Document.objects.get().state == DocumentState.PAID


def test_paid_above_amount_is_an_error(company):
    with pytest.raises(UpsertError, match="supérieur"):
        upsert_invoices(company, [_invoice("1", paid=Decimal("9"))])


def test_credit_note_kind_and_negative_amount(company):
    credit_item = _invoice("AV1", kind="avoir")
    del credit_item["due_date"]
    upsert_invoices(company, [credit_item])
    credit = Document.objects.get(number="AV1")
    assert credit.kind == "credit_note" and credit.due_date == credit.issue_date
    with pytest.raises(UpsertError, match="avoir"):
        upsert_invoices(company, [_invoice("2", amount=Decimal("-3"))])


def test_customer_by_name_only_is_found_or_created(company, customer):
    upsert_invoices(company, [_invoice("1", customer={"name": "anyway sarl"})])
    upsert_invoices(company, [_invoice("2", customer={"name": "Nouveau Client"})])
    assert Document.objects.get(number="1").customer == customer
    assert Customer.objects.get(name="Nouveau Client").code == "NOUVEAU-CLIENT"


def test_customers_upsert_by_code(company):
    items = [
        {"code": "A", "name": "Alpha", "emails": ["a@x.example", "b@x.example"]},
        {
            "code": "B",
            "name": "Beta",
            "is_business": "non",
            "default_payment_method": "Prélèvement",
        },
    ]
    assert upsert_customers(company, items).created == 2
    assert upsert_customers(company, items).unchanged == 2
    beta = Customer.objects.get(code="B")
    assert not beta.is_business and beta.default_payment_method == "direct_debit"
    result = upsert_customers(company, [{"code": "A", "phone": "0600000000"}])
    assert result.updated == 1 and Customer.objects.get(code="A").name == "Alpha"


def test_customers_upsert_rejects_bad_email_and_missing_name(company):
    with pytest.raises(UpsertError) as exc:
        upsert_customers(
            company, [{"code": "A", "name": "A", "emails": "pas-un-mail"}, {"code": "B"}]
        )
    assert {(e.index, e.field) for e in exc.value.errors} == {(0, "emails"), (1, "name")}


def test_quotes_upsert(company, customer):
    item = dict(
        number="D1", customer="C1", issue_date=TODAY, due_date=TODAY, amount="12.50", state="expiré"
    )
    assert upsert_quotes(company, [item]).created == 1
    assert upsert_quotes(company, [item]).unchanged == 1
    assert Document.objects.get(number="D1").state == DocumentState.EXPIRED
    with pytest.raises(UpsertError, match="non accepté"):
        upsert_quotes(company, [dict(item, state="cancelled")])


def test_payments_allocate_and_reallocate(company, customer, make_invoice):
    a = make_invoice(number="A", amount=Decimal("100"))
    b = make_invoice(number="B", amount=Decimal("100"))
    pay = dict(external_id="BANK-1", customer="C1", date=TODAY, amount=Decimal("150"))
    upsert_payments(company, [dict(pay, allocations=[{"invoice": "A"}, {"invoice": "B"}])])
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.state, b.paid_amount) == (DocumentState.PAID, Decimal("50"))
    assert upsert_payments(company, [dict(pay, allocations=["A", "B"])]).unchanged == 1
    result = upsert_payments(company, [dict(pay, allocations=[{"invoice": "B", "amount": "100"}])])
    a.refresh_from_db(), b.refresh_from_db()
    assert result.updated == 1
    assert (a.paid_amount, a.state, b.state) == (0, DocumentState.OPEN, DocumentState.PAID)
    assert Payment.objects.get().allocated_amount == Decimal("100")


def test_payments_refuse_over_allocation_and_unknown_invoice(company, customer, make_invoice):
    make_invoice(number="A", amount=Decimal("100"))
    items = [
        dict(reference="R1", date=TODAY, amount=Decimal("80"), allocations=[{"invoice": "A"}]),
        dict(
            reference="R2",
            date=TODAY,
            amount=Decimal("80"),
            allocations=[{"invoice": "A", "amount": "30"}],
        ),
        dict(reference="R3", date=TODAY, amount=Decimal("5"), allocations=["ZZZ"]),
        dict(date=TODAY, amount=Decimal("5"), customer="C1"),
    ]
    with pytest.raises(UpsertError) as exc:
        upsert_payments(company, items)
    assert {(e.index, e.field) for e in exc.value.errors} == {
        (1, "allocations[0]"),
        (2, "allocations[0]"),
        (2, "customer"),
        (3, "reference"),
    }
    assert Payment.objects.count() == 0


def test_dry_run_counts_and_writes_nothing(company):
    result = upsert_invoices(company, [_invoice("1")], dry_run=True)
    assert result.created == 1 and Document.objects.count() == 0


def test_a_customer_code_given_as_a_number_is_read_as_that_code(company):
    upsert_invoices(
        company, [_invoice("1", customer={"code": "5", "name": "Cinq SARL"})], today=TODAY
    )
    upsert_invoices(
        company, [_invoice("2", customer=5), _invoice("3", customer={"code": 5})], today=TODAY
    )
    numbers = Document.objects.filter(customer__code="5").values_list("number", flat=True)
    assert sorted(numbers) == ["1", "2", "3"]


def test_a_customer_reference_of_the_wrong_type_is_an_error_not_a_crash(company):
    with pytest.raises(UpsertError) as refused:
        upsert_invoices(company, [_invoice("1", customer=[5])], today=TODAY)
    assert [(e.index, e.field) for e in refused.value.errors] == [(0, "customer")]
    assert not Document.objects.exists()
