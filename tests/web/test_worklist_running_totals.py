"""The worklist's total row read from the running totals (issue 22) says what adding
up its documents says, through imports, payments, sends, the scan, deletions and folds."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from dunning.policies import ensure_default_policies
from dunning.scan import scan
from receivables.models import Document, DocumentTotal, PaymentMethod
from receivables.running_totals import fold
from receivables.worklist import worklist, worklist_totals

AS_OF = date(2026, 3, 15)
FILTERS = [
    {},
    {"show_not_due": True},
    {"hide_direct_debit": True},
    {"period": "30"},
    {"period": (date(2026, 3, 1), date(2026, 3, 10))},
    {"kind": "quote", "show_not_due": True},
    {"show_not_due": True, "hide_direct_debit": True, "period": "month"},
]


def by_rows(company, **filters):
    """The same worklist added up document by document (a clone drops the running totals)."""
    return worklist_totals(worklist(company, as_of=AS_OF, **filters).all())


def running(company, **filters):
    qs = worklist(company, as_of=AS_OF, **filters)
    assert qs.running_totals is not None
    return worklist_totals(qs)


def assert_agree(company):
    for filters in FILTERS:
        assert running(company, **filters) == by_rows(company, **filters), filters


@pytest.fixture
def docs(company, customer, make_invoice):
    made = [
        make_invoice(due_date=AS_OF - timedelta(days=d), amount=Decimal(a), to_remind=r,
                     payment_method=m, currency=c)
        for d, a, r, m, c in [
            (7, "720.00", True, PaymentMethod.CARD, "EUR"),
            (2, "5.10", True, PaymentMethod.TRANSFER, "EUR"),
            (40, "50.00", True, PaymentMethod.DIRECT_DEBIT, "EUR"),
            (-10, "100.00", False, PaymentMethod.TRANSFER, "EUR"),
            (3, "80.00", True, PaymentMethod.TRANSFER, "CHF"),
        ]
    ]  # fmt: skip
    make_invoice(kind="quote", number="D1", state="expired", due_date=AS_OF - timedelta(days=5),
                 amount=Decimal("300"), to_remind=True)  # fmt: skip
    return made


def test_the_total_row_of_every_filter_matches_its_documents(company, docs):
    assert running(company)["count"] == 4
    assert_agree(company)


def test_payments_sends_and_deletions_move_the_totals(company, docs):
    Document.objects.filter(pk=docs[0].pk).update(paid_amount=Decimal("20.00"))
    Document.objects.filter(pk=docs[1].pk).update(to_remind=False, dunning_level=1)
    Document.objects.filter(pk=docs[2].pk).update(state="paid", paid_amount=Decimal("50.00"))
    docs[3].delete()
    Document.objects.filter(pk=docs[4].pk).update(due_date=AS_OF - timedelta(days=60))
    assert running(company)["count"] == 2
    assert_agree(company)


def test_the_scan_counts_what_it_changes(company, docs):
    ensure_default_policies(company)
    Document.objects.update(to_remind=False, pending_level=None)
    scan(company, AS_OF)
    reminded = Document.objects.filter(to_remind=True).count()
    assert reminded and running(company, show_not_due=False)["count"] == reminded - 1  # a quote
    assert_agree(company)
    scan(company, AS_OF + timedelta(days=30))
    assert_agree(company)


def test_documents_removed_for_the_session_leave_the_total(company, docs):
    removed = [docs[0].pk]
    totals = running(company, excluded_ids=removed)
    assert totals == by_rows(company, excluded_ids=removed)
    assert totals["by_currency"][1]["amount"] == Decimal("55.10")  # EUR: 720 left out


def test_folding_keeps_the_totals_and_leaves_one_row_per_key(company, other_company, docs):
    for n in range(5):
        Document.objects.filter(pk=docs[0].pk).update(paid_amount=Decimal(n))
    before = DocumentTotal.objects.filter(company_id=company.pk).count()
    fold(company.pk)
    rows = DocumentTotal.objects.filter(company_id=company.pk)
    assert rows.count() < before
    assert not rows.values("kind", "state", "to_remind", "direct_debit", "currency", "due_date")\
        .annotate(n=Count("pk")).filter(n__gt=1).exists()  # fmt: skip
    assert_agree(company)


def test_every_document_is_counted_once(company, docs):
    documents = Document.objects.aggregate(n=Count("pk"), a=Sum("amount"))
    totals = DocumentTotal.objects.aggregate(n=Sum("count"), a=Sum("amount"))
    assert (totals["n"], Decimal(totals["a"]).quantize(Decimal("0.01"))) == (
        documents["n"], documents["a"])  # fmt: skip
