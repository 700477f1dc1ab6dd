"""Dunning use cases for screens, templates, the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Sum

from receivables.models import Document, DocumentKind, DocumentState, Payment, balance_of

from . import charges as ch
from .models import Channel, LateChargeRule, Level, Policy, ReferenceRate
from .policies import policy_for
from .rules import Decision, Facts, LevelRule, PolicyRules, StopReason, evaluate

EU_MEMBERS = set(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)


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
        unallocated_credit=unallocated_credit(customer.pk),
    )


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
            kind=DocumentKind.INVOICE,
            state=DocumentState.OPEN,
            pk__in=list(document_ids),
        )
        .update(promise_date=promise_date)
    )


# -- late-payment charges ---------------------------------------------------------------


def charge_rule_for(document: Document) -> LateChargeRule | None:
    """The rule of the creditor's country for B2B or B2C; EU directive as B2B fallback."""
    business = document.customer.is_business
    country = document.company.country
    rules = {r.jurisdiction: r for r in LateChargeRule.objects.filter(business=business)}
    if country in rules:
        return rules[country]
    if business and country in EU_MEMBERS:
        return rules.get("EU")
    return None


def _formal_notice_date(document: Document) -> date | None:
    """Date of the formal notice: the last letter level of the policy, once sent.

    TODO(reminders): read the sent reminder of that level when the outbox exists; until
    then the last reminder date stands for it (the notice is the last level)."""
    policy = policy_for(document)
    if policy is None:
        return None
    notice = policy.levels.filter(channel=Channel.LETTER).order_by("-rank").first()
    if notice is None or document.dunning_level < notice.rank:
        return None
    return document.last_reminder_date


def charges_for(document: Document, as_of: date) -> ch.Charges:
    """Interest and indemnity owed on an invoice on `as_of` (zero for quotes)."""
    if document.kind != DocumentKind.INVOICE or document.state != DocumentState.OPEN:
        return ch.NO_CHARGES
    rule = charge_rule_for(document)
    if rule is None:
        return ch.NO_CHARGES
    if rule.rate_series:
        rates = list(
            ReferenceRate.objects.filter(series=rule.rate_series).values_list("date", "rate")
        )
    else:  # a fixed rate: the margin alone
        rates = [(date.min, Decimal("0"))]
    data = ch.ChargeRule(
        margin_points=rule.margin_points,
        interest_from=rule.interest_from,
        indemnity_bands=tuple((Decimal(a), Decimal(b)) for a, b in rule.indemnity_bands),
        currency=rule.currency,
    )
    notice = _formal_notice_date(document) if rule.interest_from == "formal_notice" else None
    return ch.compute_charges(document.balance, document.due_date, as_of, data, rates, notice)


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
