from datetime import date, timedelta
from decimal import Decimal

from receivables.demo import load_demo
from receivables.models import Allocation, Customer, Document, Payment


def _counts():
    return (
        Customer.objects.count(),
        Document.objects.count(),
        Payment.objects.count(),
        Allocation.objects.count(),
    )


def test_demo_loads_every_case_and_loading_again_changes_nothing(db):
    today = date(2026, 3, 15)
    company = load_demo(today, generated=True)
    first = _counts()
    load_demo(today, generated=True)
    assert _counts() == first and 180 <= sum(first[:3]) <= 260
    docs = Document.objects.for_company(company)
    seed = docs.get(number="5")
    assert (seed.amount, seed.customer.name, seed.due_date) == (
        Decimal("5.10"),
        "ANYWAY SARL",
        today - timedelta(days=2),
    )
    invoices = docs.filter(kind="invoice")
    assert invoices.filter(state="paid").exists()
    assert invoices.filter(state="open", paid_amount__gt=0).exists()
    assert invoices.filter(payment_method="direct_debit").exists()
    assert invoices.filter(due_date__gt=today).exists()
    assert invoices.filter(disputed=True).exists()
    assert docs.filter(kind="credit_note").exists()
    assert docs.filter(kind="quote", state="expired").exists()
    assert docs.filter(kind="quote", state="open", due_date__lt=today).exists()
    customers = Customer.objects.for_company(company)
    assert customers.filter(emails="").exists() and customers.filter(address="").exists()
    assert customers.filter(is_business=False).exists()
