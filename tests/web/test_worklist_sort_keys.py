"""Sorting the worklist on Niveau, Rappels and Dernier rappel through the sort keys' table
(PostgreSQL, issue 22) shows the same rows in the same order as sorting the documents
themselves, with every filter; the keys follow every write of the documents."""

from datetime import date, timedelta
from decimal import Decimal
from itertools import cycle

import pytest
from django.db import connection

from dunning.policies import ensure_default_policies
from dunning.scan import scan
from receivables.models import Customer, Document, DocumentSortKey, Invoice, PaymentMethod
from receivables.worklist import SORT_KEYS, order_by_fields, worklist, worklist_totals
from reminders.outbox_sql import documents_reminded

AS_OF = date(2026, 3, 15)
PG = connection.vendor == "postgresql"
ORDERS = [sign + key for key in SORT_KEYS for sign in ("", "-")]
FILTERS = [
    {},
    {"show_not_due": True},
    {"hide_direct_debit": True},
    {"period": "30"},
    {"period": (AS_OF - timedelta(days=20), AS_OF - timedelta(days=3))},
    {"search": "lenty"},
    {"search": "F0001"},  # numbers F00010..F00019
    {"kind": "quote", "show_not_due": True},
    {"show_not_due": True, "hide_direct_debit": True, "period": "60", "search": "a"},
]
COLUMNS = ("company_id", "pending_level", "dunning_level", "reminder_count",
           "last_reminder_date")  # fmt: skip


@pytest.fixture
def docs(company, customer, make_invoice):
    """Ties on every key, NULL levels and dates, both currencies, two customers."""
    lenty = Customer.objects.create(company=company, code="L1", name="LENTY Sarah")
    levels = cycle([(1, 0, 0, None), (2, 1, 1, 4), (2, 1, 2, 4), (3, 2, 2, 9), (None, 0, 0, None),
                    (None, 2, 3, 4), (1, 0, 1, 30), (3, 1, 1, 9), (2, 2, 2, None)])  # fmt: skip
    made = []
    for n in range(36):
        pending, level, count, ago = next(levels)
        made.append(make_invoice(
            customer=lenty if n % 4 == 0 else customer,
            due_date=AS_OF - timedelta(days=(n * 7) % 50 - 5),
            amount=Decimal(100 + n),
            to_remind=pending is not None,
            pending_level=pending,
            dunning_level=level,
            reminder_count=count,
            last_reminder_date=AS_OF - timedelta(days=ago) if ago is not None else None,
            payment_method=PaymentMethod.DIRECT_DEBIT if n % 5 == 0 else PaymentMethod.TRANSFER,
            currency="CHF" if n % 7 == 0 else "EUR",
        ))  # fmt: skip
    make_invoice(kind="quote", number="D1", state="expired", due_date=AS_OF - timedelta(days=5),
                 to_remind=True, pending_level=1)  # fmt: skip
    return made


def plain(company, order, **filters):
    """The same worklist ordered on the documents' own columns."""
    return worklist(company, as_of=AS_OF, order="id", **filters).order_by(*order_by_fields(order))


def ids(qs):
    return [d.pk for d in qs]


@pytest.mark.parametrize("order", ORDERS)
def test_every_filter_shows_the_rows_of_the_plain_sort_in_its_order(company, docs, order):
    assert len({d.pk for d in docs}) == 36
    for filters in FILTERS:
        fast = worklist(company, as_of=AS_OF, order=order, **filters)
        expected = plain(company, order, **filters)
        assert ids(fast) == ids(expected), filters
        assert ids(fast[5:12]) == ids(expected[5:12]), filters  # a later page
        assert worklist_totals(fast) == worklist_totals(expected), filters
    assert ("receivables_documentsortkey" in str(fast.query)) == PG  # PostgreSQL's index


def test_documents_removed_for_the_session_stay_out_of_the_sorted_list(company, docs):
    removed = [docs[1].pk, docs[4].pk]
    fast = worklist(company, as_of=AS_OF, order="-level", excluded_ids=removed)
    expected = plain(company, "-level", excluded_ids=removed)
    assert ids(fast) == ids(expected) and not set(removed) & set(ids(fast))
    assert worklist_totals(fast) == worklist_totals(expected)


def test_the_screen_pages_a_sort_as_the_plain_sort(alice_client, company, docs):
    expected = [d.number for d in plain(company, "-last_reminder_date", show_not_due=False)]
    page = alice_client.get("/relance/", {"order": "-last_reminder_date", "page": 1})
    shown = [n for n in expected if f">{n}<" in page.content.decode()]
    assert shown == expected and page.content.decode().index(f">{expected[0]}<") < \
        page.content.decode().index(f">{expected[-1]}<")  # fmt: skip


def sort_keys_agree():
    keys = set(DocumentSortKey.objects.values_list("document_id", *COLUMNS))
    return keys == set(Document.objects.values_list("pk", *COLUMNS))


@pytest.mark.skipif(not PG, reason="SQLite sorts the documents themselves")
def test_the_sort_keys_follow_every_write_of_the_documents(company, other_company, docs):
    assert sort_keys_agree()
    other = Customer.objects.create(company=other_company, code="O", name="Other")
    Invoice.objects.bulk_create([
        Invoice(company=other_company, customer=other, number=f"O{n}", issue_date=AS_OF,
                due_date=AS_OF, amount=Decimal(10), dunning_level=n, reminder_count=n)
        for n in range(3)
    ])  # fmt: skip
    Document.objects.filter(pk=docs[0].pk).update(dunning_level=4, reminder_count=7)
    docs[1].last_reminder_date = AS_OF
    docs[1].save()
    documents_reminded([(3, docs[2].pk), (3, docs[3].pk), (2, docs[5].pk)], AS_OF)  # a send
    docs[6].delete()
    assert sort_keys_agree()
    ensure_default_policies(company)
    scan(company, AS_OF)  # writes its own changes of pending_level in its UPDATE
    assert Document.objects.filter(pending_level=None).count() != 8  # the scan moved some
    assert sort_keys_agree()
    scan(None, AS_OF + timedelta(days=20))
    Document.objects.filter(pk=docs[7].pk).update(pending_level=5)  # after a scan, same session
    assert sort_keys_agree()


def level_index() -> str | None:
    """'valid' / 'invalid' / None when absent."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                       " WHERE c.relname = 'sort_key_by_level'")  # fmt: skip
        row = cursor.fetchone()
    return None if row is None else ("valid" if row[0] else "invalid")


def queued_builds() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path__endswith="build_level_index",
                                       status="READY").count()  # fmt: skip


def run_worker():
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.mark.skipif(not PG, reason="SQLite sorts the documents themselves")
@pytest.mark.django_db(transaction=True)  # the index is built after the scan's commit
def test_a_scan_that_changes_most_levels_has_the_level_index_built_after_it(
    company, docs, monkeypatch
):
    import dunning.scan

    monkeypatch.setattr(dunning.scan, "FEW_CHANGES", 0)  # these 37 rows take the big road
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE receivables_documentsortkey")
    ensure_default_policies(company)
    before = ids(plain(company, "-level", show_not_due=True))
    changed = scan(company, AS_OF + timedelta(days=40)).changed
    assert changed * 4 >= DocumentSortKey.objects.count()  # the set-aside share
    # Committed: the keys are right and the list is in order before the index is back.
    assert sort_keys_agree() and level_index() is None and queued_builds() == 1
    sorted_ = ids(worklist(company, as_of=AS_OF, order="-level", show_not_due=True))
    assert sorted_ == ids(plain(company, "-level", show_not_due=True)) != before
    run_worker()  # a real database worker takes the queued build
    assert level_index() == "valid" and queued_builds() == 0
    assert ids(worklist(company, as_of=AS_OF, order="-level", show_not_due=True)) == sorted_


@pytest.mark.skipif(not PG, reason="SQLite sorts the documents themselves")
@pytest.mark.django_db(transaction=True)
def test_a_scan_finding_the_level_index_missing_has_it_built_again(company, docs):
    """A big scan committed, then its worker was lost before it built the index."""
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX sort_key_by_level")
    ensure_default_policies(company)
    scan(company, AS_OF)  # a small scan
    assert queued_builds() == 1
    scan(company, AS_OF)
    run_worker()  # one build, the second finds the index there
    assert level_index() == "valid" and queued_builds() == 0
