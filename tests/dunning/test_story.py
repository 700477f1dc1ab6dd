"""Stories: one invoice walked through the calendar with the default French policy.

Default policy: courtesy J-3, Relance 1 J+7, Relance 2 J+15, phone J+30, formal notice J+45.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from dunning.scan import scan
from receivables.models import Customer, Payment, Quote
from receivables.services import allocate

from .helpers import run, sent, state

DUE = date(2026, 3, 13)


def day(n: int) -> date:
    return DUE + timedelta(days=n)


def test_an_invoice_climbs_the_levels_one_at_a_time_until_paid(company, policies, make_invoice):
    inv = make_invoice(due_date=DUE, amount=Decimal("720.00"))

    run(company, day(-4), inv)
    assert inv.pending_level is None and not inv.to_remind
    assert inv.next_action_date == day(-3)  # the courtesy mail is planned

    run(company, day(-3), inv)
    assert (inv.pending_level, inv.to_remind, inv.to_remind_since) == (1, True, day(-3))

    sent(inv, day(-3))
    run(company, day(4), inv)
    assert inv.pending_level is None and inv.dunning_level == 1
    assert inv.next_action_date == day(7)

    run(company, day(7), inv)
    assert (inv.pending_level, inv.to_remind_since) == (2, day(7))  # Relance 1

    sent(inv, day(7))
    run(company, day(14), inv)
    assert inv.pending_level is None
    run(company, day(15), inv)
    assert inv.pending_level == 3  # Relance 2

    payment = Payment.objects.create(
        company=company, customer=inv.customer, date=day(15), amount=Decimal("300.00")
    )
    allocate(inv, Decimal("300.00"), payment=payment)
    run(company, day(15), inv)
    assert inv.pending_level == 3 and inv.balance == Decimal("420.00")  # partial: still due

    allocate(inv, Decimal("420.00"), payment=Payment.objects.create(
        company=company, customer=inv.customer, date=day(16), amount=Decimal("420.00")
    ))  # fmt: skip
    run(company, day(16), inv)
    assert inv.state == "paid"
    assert state(inv) == (None, False, None, None, "")


def test_a_dispute_blocks_the_invoice_and_lifting_it_resumes(company, policies, make_invoice):
    inv = make_invoice(due_date=DUE, dunning_level=1, last_reminder_date=day(-3))
    run(company, day(7), inv)
    assert inv.pending_level == 2

    inv.disputed, inv.block_reason = True, "Livraison incomplète"
    inv.save()
    run(company, day(8), inv)
    assert state(inv) == (None, False, None, None, "disputed")

    inv.blocked_until = day(20)  # the dispute should be settled by then
    inv.save()
    run(company, day(9), inv)
    assert state(inv) == (None, False, None, day(20), "disputed")
    run(company, day(20), inv)
    assert (inv.pending_level, inv.to_remind_since, inv.stop_reason) == (2, day(20), "")


def test_a_promise_to_pay_holds_the_invoice_until_its_date(company, policies, make_invoice):
    inv = make_invoice(due_date=DUE, dunning_level=2, last_reminder_date=day(7))
    inv.promise_date = day(25)
    inv.save()
    run(company, day(15), inv)
    assert state(inv) == (None, False, None, day(25), "promise")
    run(company, day(24), inv)
    assert inv.pending_level is None
    run(company, day(25), inv)
    assert (inv.pending_level, inv.to_remind_since) == (3, day(25))


def test_a_late_first_reminder_does_not_bring_the_second_the_same_day(
    company, policies, make_invoice
):
    inv = make_invoice(due_date=DUE)
    run(company, day(8), inv)
    assert inv.pending_level == 1  # catch-up: the courtesy mail first, never skipped
    sent(inv, day(8))
    run(company, day(8), inv)
    assert inv.pending_level is None
    assert inv.next_action_date == day(18)  # 7 - (-3) = 10 days after the courtesy mail
    run(company, day(18), inv)
    assert inv.pending_level == 2


def test_the_level_never_goes_past_the_last_one(company, policies, make_invoice):
    inv = make_invoice(due_date=DUE, dunning_level=5, last_reminder_date=day(45))
    run(company, day(400), inv)
    assert state(inv) == (None, False, None, None, "done")


def test_a_week_without_runs_gives_the_state_of_daily_runs(company, policies, make_invoice):
    invoices = [make_invoice(due_date=DUE + timedelta(days=k)) for k in range(-20, 20, 3)]
    invoices += [make_invoice(due_date=DUE, dunning_level=1, last_reminder_date=day(-10))]
    for n in range(0, 8):
        run(company, day(n))
    daily = [state(inv) for inv in invoices]

    for inv in invoices:  # back to the state before the week
        inv.pending_level, inv.to_remind, inv.to_remind_since = None, False, None
        inv.next_action_date = None
        inv.save()
    run(company, day(7))
    assert [state(inv) for inv in invoices] == daily
    assert any(s[0] for s in daily) and any(s[0] is None for s in daily)


def test_ten_runs_a_day_change_nothing_after_the_first(company, policies, make_invoice):
    for k in range(10):
        make_invoice(due_date=DUE - timedelta(days=k * 5))
    first = scan(company, day(0))
    assert first.changed == 10
    for _ in range(9):
        again = scan(company, day(0))
        assert (again.changed, again.changes) == (0, [])


def test_an_expired_open_quote_follows_the_quote_policy(company, policies, customer):
    quote = Quote.objects.create(
        company=company, customer=customer, number="D1", issue_date=day(-30),
        due_date=DUE, amount=Decimal("1500.00"),
    )  # fmt: skip
    run(company, DUE, quote)
    assert quote.pending_level is None and quote.next_action_date == day(1)
    run(company, day(1), quote)
    assert quote.pending_level == 1 and quote.state == "open"  # shown as échu, still open
    sent(quote, day(1))
    run(company, day(10), quote)
    assert quote.pending_level == 2
    quote.state = "accepted"
    quote.save()
    run(company, day(11), quote)
    assert state(quote) == (None, False, None, None, "")


def test_today_is_decided_in_the_company_time_zone(company, other_company, make_invoice):
    from dunning.policies import ensure_default_policies

    ensure_default_policies(company)
    ensure_default_policies(other_company)
    company.timezone = "Europe/Paris"
    company.save()
    other_company.timezone = "UTC"
    other_company.save()
    paris = make_invoice(due_date=day(3))  # courtesy due on the due date - 3 = DUE
    other_customer = Customer.objects.create(company=other_company, code="X", name="X")
    utc = make_invoice(company=other_company, customer=other_customer, due_date=day(3))

    late_evening = datetime.combine(day(-1), datetime.min.time(), UTC).replace(hour=23, minute=30)
    result = scan(now=late_evening)  # 23:30 UTC is already tomorrow in Paris
    assert result.as_of == {DUE: [company.pk], day(-1): [other_company.pk]}
    assert state(paris)[0] == 1
    assert state(utc)[0] is None


def test_a_scan_of_one_company_leaves_the_others_alone(company, other_company, make_invoice):
    from dunning.policies import ensure_default_policies

    ensure_default_policies(company)
    ensure_default_policies(other_company)
    other_customer = Customer.objects.create(company=other_company, code="X", name="X")
    mine = make_invoice(due_date=DUE)
    theirs = make_invoice(company=other_company, customer=other_customer, due_date=DUE)
    scan(company, day(0))
    assert state(mine)[0] == 1
    assert state(theirs)[0] is None
