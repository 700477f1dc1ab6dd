"""Dunning use cases for screens, templates, the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Sum

from receivables.models import (
    INVOICE_LIKE,
    Document,
    DocumentKind,
    DocumentState,
    Payment,
    balance_of,
)

from . import charges as ch
from .models import Level, Policy
from .policies import policy_for
from .reckoner import Reckoner
from .rules import Decision, Facts, LevelRule, PolicyRules, StopReason, current_part, evaluate

# -- which level is due ------------------------------------------------------------------


def policy_rules(policy: Policy | None) -> PolicyRules | None:
    if policy is None:
        return None
    levels = [
        LevelRule(rank=lv.rank, delay_days=lv.delay_days, min_balance=lv.min_balance, name=lv.name)
        for lv in policy.levels.all()
    ]
    return PolicyRules(levels=tuple(levels), skip_direct_debit=policy.skip_direct_debit)


def unallocated_credit(customer_id: int) -> Decimal:
    """Payments not yet allocated and credit notes not yet used, of one customer."""
    payments = Payment.objects.filter(customer_id=customer_id).aggregate(
        s=Sum(F("amount") - F("allocated_amount"))
    )["s"]
    notes = (
        Document.objects.filter(customer_id=customer_id, kind=DocumentKind.CREDIT_NOTE)
        .exclude(state__in=[DocumentState.DRAFT, DocumentState.CANCELLED])
        .aggregate(s=Sum(balance_of()))["s"]
    )
    return (payments or Decimal("0")) + (notes or Decimal("0"))


def facts_of(document: Document) -> Facts:
    customer = document.customer
    return Facts(
        kind=document.kind,
        state=document.state,
        due_date=document.due_date,
        balance=document.balance,
        payment_method=document.payment_method,
        dunning_level=document.dunning_level,
        last_reminder_date=document.last_reminder_date,
        disputed=document.disputed,
        blocked_until=document.blocked_until,
        promise_date=document.promise_date,
        customer_no_reminders=customer.no_reminders,
        customer_blocked_until=customer.blocked_until,
        customer_awaiting_reply=customer.awaiting_reply,
        lifecycle_status=document.lifecycle_status,
        unallocated_credit=unallocated_credit(customer.pk),
        part=current_part(document.balance, plan_parts_of(document)),
    )


def plan_parts_of(document: Document) -> list[tuple]:
    """(due date, left after, breaks on) of the document's accepted plan, if any."""
    return list(document.plan_parts.values_list("due_date", "left_after", "breaks_on"))


def decide(document: Document, as_of: date) -> Decision:
    """What the daily scan would set on this document on `as_of`."""
    return evaluate(facts_of(document), policy_rules(policy_for(document)), as_of)


def record_promise(company, customer, document_ids, promise_date: date | None) -> int:
    """The customer promised to pay these open invoices on `promise_date` (None withdraws
    the promise): reminders hold until then. Returns how many documents it covers."""
    return (
        Document.objects.for_company(company)
        .filter(
            customer=customer,
            kind__in=INVOICE_LIKE,
            state=DocumentState.OPEN,
            pk__in=list(document_ids),
        )
        .update(promise_date=promise_date)
    )


# -- late-payment charges ---------------------------------------------------------------


def charges_for(document: Document, as_of: date) -> ch.Charges:
    """Interest and indemnity owed on an invoice on `as_of` (zero for quotes)."""
    return Reckoner(as_of).charges(document)


# -- what the document page shows -------------------------------------------------------


@dataclass(frozen=True)
class DunningState:
    level: Level | None  # last level sent
    level_name: str
    to_remind: bool
    to_remind_since: date | None
    pending_level_name: str
    reminder_count: int
    last_reminder_date: date | None
    next_level_name: str
    next_action_date: date | None
    stop_reason: str
    stop_reason_label: str
    days_late: int
    charges: ch.Charges


def document_dunning_state(document: Document, as_of: date | None = None) -> DunningState:
    """Current level, 'à relancer' since, count, last date, next action and charges.

    Computed by the pure rules for `as_of` (default: today in the company's zone), so
    it is right even if the daily scan has not run yet today."""
    as_of = as_of or document.company.today()
    policy = policy_for(document)
    levels = {lv.rank: lv for lv in policy.levels.all()} if policy else {}
    decision = evaluate(facts_of(document), policy_rules(policy), as_of)
    current = levels.get(document.dunning_level)
    pending = levels.get(decision.pending_level) if decision.pending_level else None
    return DunningState(
        level=current,
        level_name=current.name if current else "",
        to_remind=decision.to_remind,
        to_remind_since=decision.to_remind_since,
        pending_level_name=pending.name if pending else "",
        reminder_count=document.reminder_count,
        last_reminder_date=document.last_reminder_date,
        next_level_name=decision.next_level.name if decision.next_level else "",
        next_action_date=decision.next_action_date,
        stop_reason=decision.stop_reason,
        stop_reason_label=str(StopReason(decision.stop_reason).label)
        if decision.stop_reason
        else "",
        days_late=document.days_late(as_of),
        charges=charges_for(document, as_of),
    )
