"""A small data set whose dashboard figures are computed by hand in the tests."""

from datetime import date
from decimal import Decimal

import pytest

from receivables.models import Customer, Invoice, Payment
from receivables.services import allocate

AS_OF = date(2026, 6, 15)


@pytest.fixture
def dataset(company, customer):
    lenty = Customer.objects.create(company=company, code="LENTY", name="LENTY Sarah")

    def invoice(number, who, issued, due, amount, **extra):
        return Invoice.objects.create(
            company=company,
            customer=who,
            number=number,
            issue_date=date.fromisoformat(issued),
            due_date=date.fromisoformat(due),
            amount=Decimal(amount),
            **extra,
        )

    def pay(inv, amount, on):
        payment = Payment.objects.create(
            company=company, customer=inv.customer, date=date.fromisoformat(on), amount=amount
        )
        allocate(inv, Decimal(amount), payment=payment)

    a = customer  # ANYWAY SARL
    invoice("I1", a, "2026-06-01", "2026-06-30", "100")  # not due
    pay(invoice("I2", a, "2026-05-01", "2026-06-05", "200"), "50", "2026-06-10")  # 10 d late
    invoice("I3", lenty, "2026-04-01", "2026-04-30", "300", dunning_level=2,
            last_reminder_date=date(2026, 5, 7))  # fmt: skip
    invoice("I4", lenty, "2026-03-01", "2026-03-31", "400", dunning_level=1,
            last_reminder_date=date(2026, 6, 10))  # fmt: skip
    invoice("I5", a, "2026-01-01", "2026-01-31", "500", dunning_level=3,
            last_reminder_date=date(2026, 3, 1))  # fmt: skip
    i6 = invoice("I6", lenty, "2026-05-10", "2026-05-20", "250", dunning_level=2,
                 last_reminder_date=date(2026, 5, 21))  # fmt: skip
    pay(i6, "250", "2026-05-25")
    invoice("I7", a, "2026-06-01", "2026-06-02", "999", state="cancelled")
    invoice("I8", a, "2026-06-01", "2026-06-15", "10")  # due today: not late
    invoice("I9", lenty, "2026-05-01", "2026-05-16", "20")  # exactly 30 days late
    return company
