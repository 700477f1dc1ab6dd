"""A big batch leaves PostgreSQL's planner knowing the outbox's size before its workers
read it (reminders.outbox_sql.refresh_statistics)."""

import pytest
from django.db import connection

from receivables.models import Customer
from reminders import outbox_sql
from reminders.batches import create_batch
from reminders.models import Reminder

from .conftest import AS_OF

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's planner keeps no row counts"
)


def _counted() -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Reminder._meta.db_table]
        )
        return cursor.fetchone()[0]


def _late_invoices(late_invoice, company, n, prefix):
    return [
        late_invoice(
            customer=Customer.objects.create(
                company=company,
                code=f"{prefix}{i}",
                name=f"{prefix}{i}",
                emails=f"{prefix}{i}@x.org",
            )
        )
        for i in range(n)
    ]


def test_a_big_batch_is_counted_before_it_is_sent(
    late_invoice, company, django_capture_on_commit_callbacks
):
    docs = _late_invoices(late_invoice, company, 60, "B")
    with django_capture_on_commit_callbacks(execute=True):
        create_batch(company, docs, as_of=AS_OF)
    assert _counted() >= 60  # was -1 (never analyzed) or 0


def test_a_small_batch_leaves_the_statistics_to_autovacuum(late_invoice, company):
    create_batch(company, _late_invoices(late_invoice, company, 60, "B"), as_of=AS_OF)
    assert outbox_sql.refresh_statistics(60) is True
    assert outbox_sql.refresh_statistics(3) is False  # 3 rows more than 60: not worth it
    assert 60 <= _counted() < 63
