"""The SQL of the scan and the pure rules give the same state, document by document."""

from datetime import date, timedelta
from decimal import Decimal as D

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunning.models import Level, PlanPart, Policy
from dunning.rules import Facts, current_part, evaluate
from dunning.scan import scan
from dunning.services import policy_rules
from receivables.models import Customer, Document, DocumentTotal, Payment

DUE = date(2026, 3, 13)
maybe_day = st.none() | st.integers(-20, 80).map(lambda n: DUE + timedelta(days=n))

customer_st = st.fixed_dictionaries(
    {
        "no_reminders": st.booleans(),
        "blocked_until": maybe_day,
        "awaiting_reply": st.booleans(),
        "own_policy": st.booleans(),
        "credit": st.sampled_from([None, D("30.00"), D("500.00")]),
    }
)
plan_st = st.lists(
    st.tuples(
        st.integers(-30, 60),
        st.sampled_from([D("0"), D("2.00"), D("50.00"), D("400.00")]),
        st.none() | st.integers(0, 20),
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda t: t[0],
)
document_st = st.fixed_dictionaries(
    {
        "customer": st.integers(0, 2),
        "kind": st.sampled_from(["invoice", "invoice", "invoice", "quote"]),
        "state": st.sampled_from(["open", "open", "open", "paid", "draft", "expired", "accepted"]),
        "due": st.integers(-60, 30).map(lambda n: DUE + timedelta(days=n)),
        "amount": st.sampled_from([D("5.10"), D("100.10"), D("720.00")]),
        "paid": st.sampled_from([D("0"), D("0.10"), D("5.10")]),
        "method": st.sampled_from(["transfer", "direct_debit", "card"]),
        "dunning_level": st.integers(0, 6),
        "last": maybe_day,
        "disputed": st.booleans(),
        "blocked_until": maybe_day,
        "promise": maybe_day,
        "pending": st.none() | st.integers(1, 5),
        "lifecycle": st.sampled_from(["", "", "", "205", "207", "208", "210", "212", "213"]),
        # an accepted payment plan: (days after due, left after, days to break or None)
        "plan": st.sampled_from([None, None]) | plan_st,
    }
)
levels_st = st.lists(
    st.tuples(st.integers(1, 6), st.integers(-10, 40), st.sampled_from([D("0"), D("50")])),
    min_size=0,
    max_size=4,
    unique_by=lambda t: t[0],
)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    customers=st.lists(customer_st, min_size=3, max_size=3),
    documents=st.lists(document_st, min_size=1, max_size=8),
    levels=levels_st,
    skip_dd=st.booleans(),
    as_of=st.integers(-10, 70).map(lambda n: DUE + timedelta(days=n)),
)
def test_the_scan_sets_what_the_rules_decide(
    company, policies, customers, documents, levels, skip_dd, as_of
):
    with transaction.atomic():
        own = Policy.objects.create(company=company, name="Own", skip_direct_debit=skip_dd)
        Level.objects.bulk_create(
            Level(policy=own, rank=r, name=f"L{r}", delay_days=d, channel="email", min_balance=m)
            for r, d, m in levels
        )
        made = []
        for i, c in enumerate(customers):
            customer = Customer.objects.create(
                company=company, code=f"C{i}", name=f"C{i}", no_reminders=c["no_reminders"],
                blocked_until=c["blocked_until"], policy=own if c["own_policy"] else None,
                awaiting_reply=c["awaiting_reply"],
            )  # fmt: skip
            if c["credit"]:
                Payment.objects.create(
                    company=company, customer=customer, date=DUE, amount=c["credit"]
                )
            made.append((customer, c))
        docs = []
        for n, d in enumerate(documents):
            customer, c = made[d["customer"]]
            docs.append(
                Document.objects.create(
                    company=company,
                    customer=customer,
                    kind=d["kind"],
                    number=f"N{n}",
                    issue_date=d["due"] - timedelta(days=30),
                    due_date=d["due"],
                    amount=d["amount"],
                    paid_amount=min(d["paid"], d["amount"]),
                    state=d["state"],
                    payment_method=d["method"],
                    dunning_level=d["dunning_level"],
                    last_reminder_date=d["last"],
                    disputed=d["disputed"],
                    blocked_until=d["blocked_until"],
                    promise_date=d["promise"],
                    pending_level=d["pending"],
                    to_remind=d["pending"] is not None,
                    lifecycle_status=d["lifecycle"],
                )  # fmt: skip
            )
        for doc, d in zip(docs, documents, strict=True):
            for days, left, grace in d["plan"] or ():
                on = DUE + timedelta(days=days)
                PlanPart.objects.create(
                    document=doc, plan_ref=1, due_date=on, amount=D("10"), left_after=left,
                    breaks_on=None if grace is None else on + timedelta(days=grace),
                )  # fmt: skip
        scan(company, as_of)
        for doc, d in zip(docs, documents, strict=True):
            customer, c = made[d["customer"]]
            doc.refresh_from_db()
            kind = doc.kind
            # a customer's own policy applies to its kind (invoices) only
            policy = own if c["own_policy"] and kind == own.kind else policies[kind]
            facts = Facts(
                kind=kind, state=doc.state, due_date=doc.due_date, balance=doc.balance,
                payment_method=doc.payment_method, dunning_level=doc.dunning_level,
                last_reminder_date=doc.last_reminder_date, disputed=doc.disputed,
                blocked_until=doc.blocked_until, promise_date=doc.promise_date,
                customer_no_reminders=c["no_reminders"],
                customer_blocked_until=c["blocked_until"],
                customer_awaiting_reply=c["awaiting_reply"],
                lifecycle_status=doc.lifecycle_status,
                unallocated_credit=c["credit"] or D("0"),
                part=current_part(doc.balance, [
                    (DUE + timedelta(days=n), left, None if g is None
                     else DUE + timedelta(days=n + g)) for n, left, g in d["plan"] or ()
                ]),
            )  # fmt: skip
            expected = evaluate(facts, policy_rules(policy), as_of)
            got = (doc.pending_level, doc.to_remind, doc.to_remind_since,
                   doc.next_action_date, doc.stop_reason)  # fmt: skip
            assert got == (
                expected.pending_level,
                expected.to_remind,
                expected.to_remind_since,
                expected.next_action_date,
                expected.stop_reason,
            ), (d, c, levels)
        assert _running_totals() == _counted_totals()  # the scan kept them (issue 22)
        transaction.set_rollback(True)


KEY = ("company_id", "kind", "state", "to_remind", "currency", "due_date")


def _running_totals() -> dict:
    rows = DocumentTotal.objects.values(*KEY).annotate(n=Sum("count")).filter(n__gt=0)
    return {tuple(r[k] for k in KEY): r["n"] for r in rows}


def _counted_totals() -> dict:
    rows = Document.objects.values(*KEY).annotate(n=Count("pk"))
    return {tuple(r[k] for k in KEY): r["n"] for r in rows}


def _statements(company, make_invoice, n: int) -> int:
    for k in range(n):
        make_invoice(due_date=DUE - timedelta(days=k % 60), amount=D("50.00") + k)
    with CaptureQueriesContext(connection) as ctx:
        result = scan(company, DUE + timedelta(days=10))
    assert result.changed >= n
    return len(ctx.captured_queries)


def test_the_number_of_statements_does_not_grow_with_the_documents(company, policies, make_invoice):
    few = _statements(company, make_invoice, 5)
    Document.objects.all().delete()
    many = _statements(company, make_invoice, 300)
    # PostgreSQL: 14 with the look for its sort keys' level index and its parallel setting
    assert few == many <= 14
