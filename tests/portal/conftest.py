"""The customer portal: a customer with overdue invoices, and their personal link."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache

from portal.tokens import issue_token
from receivables.models import Customer
from tests.reminders.conftest import (  # noqa: F401  the outgoing side, as the reminders use it
    dunning_setup,
    late_invoice,
    media,
    smtp_server,
)

TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()  # rate-limit counters
    yield
    cache.clear()


@pytest.fixture
def on_day():
    with time_machine.travel("2026-03-10 10:00 +01:00", tick=False):
        yield TODAY


@pytest.fixture
def two_invoices(late_invoice, on_day):  # noqa: F811  the fixture, imported above
    first = late_invoice(number="F2026-001")
    second = late_invoice(
        number="F2026-002", issue_date=date(2026, 2, 25), due_date=date(2026, 3, 5),
        amount=Decimal("240.00"),
    )  # fmt: skip
    return first, second


@pytest.fixture
def token(company, two_invoices):
    return issue_token(company, two_invoices[0].customer)


@pytest.fixture
def other_customer(company):
    return Customer.objects.create(
        company=company, code="C-OTHER", name="Autre Client SAS", emails="autre@client.example"
    )
