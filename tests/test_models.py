from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from receivables.models import Document, DocumentState, Invoice, Payment
from receivables.services import allocate


def _payment(company, customer, amount):
    return Payment.objects.create(
        company=company, customer=customer, date=date(2026, 2, 10), amount=Decimal(amount)
    )


def test_partial_payment_leaves_balance_and_percent(company, customer, make_invoice):
    invoice = make_invoice(amount=Decimal("720.00"))
    allocate(invoice, Decimal("180.00"), payment=_payment(company, customer, "180.00"))
    assert invoice.paid_amount == Decimal("180.00")
    assert invoice.balance == Decimal("540.00")
    assert invoice.percent_paid == Decimal("25.0")
    assert invoice.state == DocumentState.OPEN


def test_full_payment_marks_invoice_paid(company, customer, make_invoice):
    invoice = make_invoice(amount=Decimal("5.10"))
    allocate(invoice, Decimal("5.10"), payment=_payment(company, customer, "5.10"))
    assert invoice.state == DocumentState.PAID
    assert invoice.balance == 0


def test_it_refuses_an_allocation_above_the_invoice_balance(company, customer, make_invoice):
    invoice = make_invoice(amount=Decimal("100.00"))
    payment = _payment(company, customer, "500.00")
    with pytest.raises(ValidationError, match="dépasse"):
        allocate(invoice, Decimal("100.01"), payment=payment)
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert invoice.paid_amount == 0 and payment.allocated_amount == 0


def test_it_refuses_to_allocate_more_than_the_payment(company, customer, make_invoice):
    payment = _payment(company, customer, "50.00")
    allocate(make_invoice(), Decimal("40.00"), payment=payment)
    with pytest.raises(ValidationError):
        allocate(make_invoice(), Decimal("20.00"), payment=payment)


def test_credit_note_settles_an_invoice(company, customer, make_invoice):
    invoice = make_invoice(amount=Decimal("100.00"))
    credit = Document.objects.create(
        company=company,
        customer=customer,
        kind="credit_note",
        number="AV1",
        issue_date=date(2026, 2, 1),
        due_date=date(2026, 2, 1),
        amount=Decimal("30.00"),
    )
    allocate(invoice, Decimal("30.00"), credit_note=credit)
    credit.refresh_from_db()
    assert invoice.balance == Decimal("70.00") and credit.paid_amount == Decimal("30.00")


def test_invoice_number_is_unique_per_company(company, customer, make_invoice):
    make_invoice(number="F1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_invoice(number="F1")


def test_same_number_is_allowed_in_another_company(other_company, make_invoice):
    from receivables.models import Customer

    make_invoice(number="F1")
    other = Customer.objects.create(company=other_company, code="X", name="X")
    Invoice.objects.create(
        company=other_company,
        customer=other,
        number="F1",
        issue_date=date(2026, 1, 1),
        due_date=date(2026, 1, 2),
        amount=Decimal("1"),
    )
    assert Invoice.objects.filter(number="F1").count() == 2


def test_company_rejects_an_invalid_iban(company):
    company.iban = "FR7630006000011234567890180"
    with pytest.raises(ValidationError, match="IBAN"):
        company.full_clean()


def test_scoped_queryset_hides_other_companies(company, other_company, make_invoice):
    make_invoice()
    assert Invoice.objects.for_company(other_company).count() == 0
    assert Invoice.objects.for_company(company).count() == 1


def test_default_policy_is_seeded_once_with_french_levels(company):
    from dunning.policies import ensure_default_policies

    ensure_default_policies(company)
    policies = ensure_default_policies(company)
    levels = list(policies["invoice"].levels.values_list("delay_days", "channel"))
    assert levels == [
        (-3, "email"),
        (7, "email"),
        (15, "firm_email"),
        (30, "phone"),
        (45, "letter"),
    ]
    assert policies["invoice"].levels.get(rank=1).delay_label == "3 jours avant l'échéance"


def test_a_company_with_an_unknown_time_zone_reads_paris_time(db):
    """A zone name this machine does not know (a typo, an old tzdata) must not break
    every screen: « aujourd'hui » and the times are read in Paris."""
    from receivables.models import Company

    assert str(Company(name="X", timezone="America/Montreal").zone) == "America/Montreal"
    assert str(Company(name="X", timezone="Mars/Olympus").zone) == "Europe/Paris"
