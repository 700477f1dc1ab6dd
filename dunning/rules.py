"""Which dunning level is due for one document: pure rules, no database.

`dunning/scan.py` computes the very same thing for every document at once in SQL;
`tests/dunning/test_scan_agrees.py` checks that both agree on generated documents.

The rules, in the order they are applied:
- only open invoices and open (or marked expired) quotes past their validity date with
  a positive balance and a policy with levels are dunned at all;
- the next level is the first one ranked above `dunning_level` (the last one SENT):
  one level at a time, never skipped, never past the last one (stop "done");
- it is due once its delay since the due date has passed AND, when a previous level
  was sent, at least the difference of the two delays has passed since the last
  reminder (a late first reminder does not bring the second one the same day);
- catch-up, not exact-day: "due on or before as_of", so a missed day is made up and a
  second run the same day changes nothing;
- stop conditions (first one wins): the e-invoicing platform rejected the invoice
  (lifecycle status 213), customer blocked, a reply of the customer waiting for a person
  (inbox), the buyer refused or disputes it on the platform (210, 207), or suspended it
  (208: a pause until a later status), document disputed or blocked,
  direct debit (policy option), promise to pay in the future, balance below the level
  minimum, unallocated credit of the customer covering the balance. The holds with an
  end date (blocked until, promise) resume on that date: it becomes the next action date.
- an accepted payment plan (`PlanPart`, the document's share of each instalment): while
  it holds, the rules above run on the first part not yet paid — its date stands for the
  due date and what is left of it for the balance (the minimum, the credit, the amount
  claimed); a part still unpaid on its `breaks_on` day breaks the plan, and the document
  is chased again on its own due date for its whole balance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from receivables.models import StopReason
from receivables.models.document import LIFECYCLE_DISPUTE, LIFECYCLE_PAUSE, LIFECYCLE_REJECTED

DIRECT_DEBIT = "direct_debit"
DUNNABLE_STATES = {"invoice": ("open",), "debit_note": ("open",), "quote": ("open", "expired")}


@dataclass(frozen=True)
class LevelRule:
    rank: int
    delay_days: int
    min_balance: Decimal = Decimal("0")
    name: str = ""


@dataclass(frozen=True)
class PolicyRules:
    levels: tuple[LevelRule, ...]
    skip_direct_debit: bool = True

    def __post_init__(self):
        object.__setattr__(self, "levels", tuple(sorted(self.levels, key=lambda lv: lv.rank)))

    def step_after(self, dunning_level: int) -> tuple[LevelRule | None, LevelRule | None]:
        """(next level, the level just before it) for a document whose last sent level
        has rank `dunning_level`."""
        previous = None
        for level in self.levels:
            if level.rank > dunning_level:
                return level, previous
            previous = level
        return None, previous


@dataclass(frozen=True)
class Part:
    """The document's share of the instalment being chased: what is left of it."""

    due_date: date
    owed: Decimal
    breaks_on: date | None = None


def current_part(balance: Decimal, parts) -> Part | None:
    """The first part not yet paid, from (due_date, left_after, breaks_on) rows: a part is
    paid once the balance is down to what may be left after it."""
    for due, left_after, breaks_on in sorted(parts, key=lambda p: p[0]):
        if balance > left_after:
            return Part(due, balance - left_after, breaks_on)
    return None


@dataclass(frozen=True)
class Facts:
    """What the rules need to know about one document (and its customer)."""

    kind: str
    state: str
    due_date: date
    balance: Decimal
    payment_method: str = "unspecified"
    dunning_level: int = 0
    last_reminder_date: date | None = None
    disputed: bool = False
    blocked_until: date | None = None
    promise_date: date | None = None
    customer_no_reminders: bool = False
    customer_blocked_until: date | None = None
    customer_awaiting_reply: bool = False
    lifecycle_status: str = ""
    unallocated_credit: Decimal = Decimal("0")
    part: Part | None = None  # an accepted payment plan's instalment (`current_part`)


@dataclass(frozen=True)
class Decision:
    pending_level: int | None = None
    to_remind_since: date | None = None
    next_level: LevelRule | None = None
    next_action_date: date | None = None
    stop_reason: str = StopReason.NONE

    @property
    def to_remind(self) -> bool:
        return self.pending_level is not None


NOTHING = Decision()


def plan_holds(facts: Facts, as_of: date) -> bool:
    part = facts.part
    return part is not None and (part.breaks_on is None or as_of < part.breaks_on)


def under_plan(facts: Facts, as_of: date) -> Facts:
    """The facts as the engine chases them: the instalment's date and amount while the
    plan holds, the document's own otherwise."""
    if not plan_holds(facts, as_of):
        return facts
    return replace(facts, due_date=facts.part.due_date, balance=facts.part.owed)


def is_dunnable(facts: Facts) -> bool:
    return facts.state in DUNNABLE_STATES.get(facts.kind, ()) and facts.balance > 0


def earliest_date(facts: Facts, level: LevelRule, previous: LevelRule | None) -> date:
    """The first day `level` may be due, ignoring stop conditions."""
    when = facts.due_date + timedelta(days=level.delay_days)
    if previous is not None and facts.last_reminder_date is not None:
        gap = level.delay_days - previous.delay_days
        when = max(when, facts.last_reminder_date + timedelta(days=gap))
    if facts.kind == "quote":  # a quote is chased only once its validity date is past
        when = max(when, facts.due_date + timedelta(days=1))
    return when


def stop_of(facts: Facts, policy: PolicyRules, level: LevelRule, as_of: date) -> tuple[str, bool]:
    """(reason, temporary): the first stop condition that holds on `as_of`, if any.

    A temporary stop ends on a known date (blocked until, promise date)."""
    if facts.lifecycle_status in LIFECYCLE_REJECTED:
        return StopReason.REJECTED, False
    cbu = facts.customer_blocked_until
    if cbu is not None and as_of < cbu:
        return StopReason.CUSTOMER_BLOCKED, True
    if facts.customer_no_reminders and cbu is None:
        return StopReason.CUSTOMER_BLOCKED, False
    if facts.customer_awaiting_reply:
        return StopReason.REPLY, False
    if facts.lifecycle_status in LIFECYCLE_DISPUTE:
        return StopReason.DISPUTED, False
    if facts.lifecycle_status in LIFECYCLE_PAUSE:
        return StopReason.SUSPENDED, False
    dbu = facts.blocked_until
    if dbu is not None and as_of < dbu:
        return (StopReason.DISPUTED if facts.disputed else StopReason.BLOCKED), True
    if facts.disputed and dbu is None:
        return StopReason.DISPUTED, False
    if policy.skip_direct_debit and facts.payment_method == DIRECT_DEBIT:
        return StopReason.DIRECT_DEBIT, False
    if facts.promise_date is not None and as_of < facts.promise_date:
        return StopReason.PROMISE, True
    if facts.balance < level.min_balance:
        return StopReason.BELOW_MINIMUM, False
    if facts.unallocated_credit > 0 and facts.unallocated_credit >= facts.balance:
        return StopReason.CREDIT, False
    return StopReason.NONE, False


def evaluate(facts: Facts, policy: PolicyRules | None, as_of: date) -> Decision:
    """The dunning state of a document on `as_of` (see the module docstring)."""
    if policy is None or not policy.levels or not is_dunnable(facts):
        return NOTHING
    facts = under_plan(facts, as_of)
    level, previous = policy.step_after(facts.dunning_level)
    if level is None:
        return Decision(stop_reason=StopReason.DONE)
    holds = [facts.promise_date, facts.blocked_until, facts.customer_blocked_until]
    when = max([earliest_date(facts, level, previous)] + [d for d in holds if d is not None])
    reason, temporary = stop_of(facts, policy, level, as_of)
    if reason:
        return Decision(
            next_level=level, next_action_date=when if temporary else None, stop_reason=reason
        )
    if when <= as_of:
        return Decision(
            pending_level=level.rank, to_remind_since=when, next_level=level, next_action_date=when
        )
    return Decision(next_level=level, next_action_date=when)


def policy_rules(levels: Sequence[LevelRule], skip_direct_debit: bool = True) -> PolicyRules:
    return PolicyRules(levels=tuple(levels), skip_direct_debit=skip_direct_debit)
