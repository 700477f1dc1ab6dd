"""The pure rules: which level is due, and why not (no database)."""

from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from dunning.rules import Facts, LevelRule, PolicyRules, StopReason, evaluate

DUE = date(2026, 3, 13)
FRENCH = PolicyRules(
    levels=(
        LevelRule(1, -3, name="Rappel de courtoisie"),
        LevelRule(2, 7, name="Relance 1"),
        LevelRule(3, 15, name="Relance 2"),
        LevelRule(4, 30, name="Appel"),
        LevelRule(5, 45, D("50"), name="Mise en demeure"),
    )
)


def facts(**kw) -> Facts:
    base = dict(kind="invoice", state="open", due_date=DUE, balance=D("100"))
    return Facts(**{**base, **kw})


def on(n: int) -> date:
    return DUE + timedelta(days=n)


def test_both_seed_invoices_start_with_the_courtesy_mail():
    # ANYWAY 2 days late, LENTY 7 days late, nothing sent yet: catch-up one level at a
    # time means the courtesy mail (J-3) comes first for both, never skipped.
    for late in (2, 7):
        decision = evaluate(facts(due_date=on(-late)), FRENCH, DUE)
        assert (decision.pending_level, decision.next_level.name) == (1, "Rappel de courtoisie")
        assert decision.to_remind_since == on(-late - 3)


def test_it_does_not_remind_drafts_cancelled_paid_or_refused_documents():
    for kind, state in [("invoice", "draft"), ("invoice", "cancelled"), ("invoice", "paid"),
                        ("quote", "accepted"), ("quote", "refused"), ("credit_note", "open")]:  # fmt: skip
        assert evaluate(facts(kind=kind, state=state), FRENCH, on(60)).stop_reason == ""
        assert not evaluate(facts(kind=kind, state=state), FRENCH, on(60)).to_remind
    assert not evaluate(facts(balance=D("0")), FRENCH, on(60)).to_remind


def test_a_quote_is_chased_only_once_expired():
    quotes = PolicyRules(levels=(LevelRule(1, -5), LevelRule(2, 10)))
    assert evaluate(facts(kind="quote"), quotes, DUE).next_action_date == on(1)
    assert evaluate(facts(kind="quote"), quotes, on(1)).pending_level == 1
    assert evaluate(facts(kind="quote", state="expired"), quotes, on(1)).pending_level == 1


def test_stop_conditions_say_why():
    cases = {
        StopReason.CUSTOMER_BLOCKED: facts(customer_no_reminders=True),
        StopReason.DISPUTED: facts(disputed=True),
        StopReason.BLOCKED: facts(blocked_until=on(90)),
        StopReason.DIRECT_DEBIT: facts(payment_method="direct_debit"),
        StopReason.PROMISE: facts(promise_date=on(90)),
        StopReason.BELOW_MINIMUM: facts(dunning_level=4, balance=D("49.99")),
        StopReason.CREDIT: facts(unallocated_credit=D("100")),
        StopReason.DONE: facts(dunning_level=5),
    }
    for reason, f in cases.items():
        decision = evaluate(f, FRENCH, on(60))
        assert (decision.pending_level, decision.stop_reason) == (None, reason)


def test_holds_with_an_end_date_plan_the_next_action_on_that_date():
    assert evaluate(facts(promise_date=on(90)), FRENCH, on(60)).next_action_date == on(90)
    assert evaluate(facts(customer_blocked_until=on(80)), FRENCH, on(60)).next_action_date == on(80)
    assert evaluate(facts(disputed=True), FRENCH, on(60)).next_action_date is None
    resumed = evaluate(facts(customer_no_reminders=True, customer_blocked_until=on(50)), FRENCH, on(60))  # fmt: skip
    assert (resumed.pending_level, resumed.to_remind_since) == (1, on(50))


def test_direct_debit_is_reminded_when_the_policy_says_so():
    policy = PolicyRules(levels=FRENCH.levels, skip_direct_debit=False)
    assert evaluate(facts(payment_method="direct_debit"), policy, on(0)).pending_level == 1


def test_credit_smaller_than_the_balance_does_not_stop_reminders():
    assert evaluate(facts(unallocated_credit=D("99.99")), FRENCH, on(0)).pending_level == 1


levels_st = st.lists(
    st.tuples(st.integers(1, 9), st.integers(-10, 60), st.sampled_from([D("0"), D("50")])),
    min_size=1,
    max_size=5,
    unique_by=lambda t: t[0],
).map(lambda ls: PolicyRules(levels=tuple(LevelRule(r, d, m) for r, d, m in ls)))


@settings(max_examples=200, deadline=None)
@given(
    policy=levels_st,
    steps=st.lists(st.tuples(st.integers(0, 12), st.booleans()), min_size=1, max_size=40),
    balance=st.sampled_from([D("10"), D("100")]),
)
def test_the_level_never_goes_down_never_skips_and_never_passes_the_last(policy, steps, balance):
    """Daily runs at random intervals; the reminder is sent (or not) when due."""
    ranks = [lv.rank for lv in policy.levels]
    level, last_sent, today = 0, None, on(-15)
    for gap, send in steps:
        today += timedelta(days=gap)
        f = facts(balance=balance, dunning_level=level, last_reminder_date=last_sent)
        decision = evaluate(f, policy, today)
        if decision.pending_level is not None:
            expected_next = min(r for r in ranks if r > level)
            assert decision.pending_level == expected_next  # one level at a time
            # catch-up: still due on every later day
            assert evaluate(f, policy, today + timedelta(days=30)).pending_level == expected_next
            if send:
                assert decision.pending_level > level
                level, last_sent = decision.pending_level, today
        assert level <= max(ranks)
        if level == max(ranks):
            f = facts(balance=balance, dunning_level=level, last_reminder_date=last_sent)
            assert evaluate(f, policy, today + timedelta(days=999)).stop_reason == "done"
