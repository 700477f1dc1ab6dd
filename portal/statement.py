"""What the portal shows a customer: their open items, from the same reckoning as the
reminders (dunning.reckoner), the reminders they received, and how to pay.

Charges are shown on a document when the level it reached claims them, as its reminder
did: the figures the customer reads here are the ones the last reminder stated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from dunning.models import Level
from dunning.policies import policy_for
from dunning.reckoner import Reckoner
from receivables.models import INVOICE_LIKE, Document, DocumentState, StopReason
from receivables.paycodes import payment_block
from reminders.models import Reminder, ReminderState

from .models import PaymentPlan, PlanState, PortalLink
from .tokens import doc_ref

ZERO = Decimal("0")


@dataclass
class Line:
    ref: str
    number: str
    issue_date: date
    due_date: date
    days_late: int
    currency: str
    amount: Decimal
    paid: Decimal
    balance: Decimal
    interest: Decimal = ZERO
    indemnity: Decimal = ZERO
    promise_date: date | None = None
    disputed: bool = False
    said_paid: bool = False

    @property
    def total(self) -> Decimal:
        return self.balance + self.interest + self.indemnity

    @property
    def charges(self) -> Decimal:
        return self.interest + self.indemnity


@dataclass
class Total:
    currency: str
    balance: Decimal = ZERO
    charges: Decimal = ZERO
    overdue: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.balance + self.charges


@dataclass
class Statement:
    as_of: date
    lines: list[Line]
    totals: list[Total]
    reminders: list[tuple[date, str, str]]  # (date, level, channel)
    payment_html: str = ""
    payment_text: str = ""
    plans: list[PaymentPlan] = field(default_factory=list)

    @property
    def has_charges(self) -> bool:
        return any(line.charges for line in self.lines)

    @property
    def plan_in_force(self) -> bool:
        """A request waiting for an answer, or an accepted plan: no second one offered."""
        return any(p.state in (PlanState.REQUESTED, PlanState.ACCEPTED) for p in self.plans)

    @property
    def open_plan(self) -> PaymentPlan | None:
        return next((p for p in self.plans if p.state != PlanState.REFUSED), None)


def open_invoices(company, customer):
    """The open items a customer reads and pays: invoices, and the debit notes that
    invoice their late-payment charges."""
    return (
        Document.objects.for_company(company)
        .filter(customer=customer, kind__in=INVOICE_LIKE, state=DocumentState.OPEN)
        .unpaid()
        .select_related("company", "customer", "customer__policy")
        .order_by("currency", "due_date", "number")
    )


def _claims(document: Document, levels: dict) -> bool:
    policy = policy_for(document)
    if policy is None or not document.dunning_level:
        return False
    if policy.pk not in levels:
        levels[policy.pk] = {lv.rank: lv for lv in Level.objects.filter(policy=policy)}
    level = levels[policy.pk].get(document.dunning_level)
    return bool(level and level.claims_charges)


def statement_of(link: PortalLink, language: str) -> Statement:
    company, customer = link.company, link.customer
    as_of = company.today()
    reckoner, levels = Reckoner(as_of), {}
    lines: list[Line] = []
    totals: dict[str, Total] = {}
    docs = list(open_invoices(company, customer))
    for doc in docs:
        line = reckoner.reckon([doc], claims_charges=_claims(doc, levels)).lines[0]
        lines.append(
            Line(
                ref=doc_ref(link, doc.pk),
                number=doc.number,
                issue_date=doc.issue_date,
                due_date=doc.due_date,
                days_late=max((as_of - doc.due_date).days, 0),
                currency=doc.currency,
                amount=doc.amount,
                paid=doc.paid_amount,
                balance=line.balance,
                interest=line.interest,
                indemnity=line.indemnity,
                promise_date=doc.promise_date
                if doc.promise_date and doc.promise_date >= as_of
                else None,
                disputed=doc.disputed,
                said_paid=doc.stop_reason == StopReason.REPLY,
            )
        )
        total = totals.setdefault(doc.currency, Total(doc.currency))
        total.balance += line.balance
        total.charges += line.interest + line.indemnity
        if doc.due_date < as_of:
            total.overdue += line.total
    sent = (
        Reminder.objects.for_company(company)
        .filter(customer=customer, state=ReminderState.SENT, sent_at__isnull=False)
        .order_by("-sent_at")[:50]
    )
    with translation.override(language):  # a default level's name, in the customer's words
        reminders = [
            (company.today(r.sent_at), _(r.level_name), r.get_channel_display()) for r in sent
        ]
    statement = Statement(as_of, lines, list(totals.values()), reminders)
    main = [d for d in docs if d.currency == company.currency] or docs
    if main:
        amount = sum((ln.total for ln in lines if ln.currency == main[0].currency), ZERO)
        with translation.override(language):
            statement.payment_html, statement.payment_text = payment_block(
                company, customer, main, amount
            )
    statement.plans = list(
        PaymentPlan.objects.for_company(company)
        .filter(customer=customer)
        .prefetch_related("instalments", "documents")
        .order_by("-requested_at")
    )
    for plan in statement.plans:
        plan.rows = instalment_rows(plan, as_of)
    return statement


def instalment_rows(plan: PaymentPlan, as_of: date) -> list[tuple]:
    """(due date, amount, state) of each instalment: « payée » once the plan's invoices
    are paid down that far (the first instalments first), « en retard » past its date."""
    left = sum((d.balance for d in plan.documents.all()), ZERO)
    paid, running, rows = plan.total - left, ZERO, []
    for i in plan.instalments.all():
        running += i.amount
        if plan.state == PlanState.ACCEPTED and running <= paid:
            state = "paid"
        elif plan.state == PlanState.ACCEPTED and i.due_date < as_of:
            state = "late"
        else:
            state = ""
        rows.append((i.due_date, i.amount, state))
    return rows


def document_of(link: PortalLink, ref: str) -> Document | None:
    """The customer's invoice named `ref` in this link's URLs (open or not), else None."""
    docs = (
        Document.objects.for_company(link.company)
        .filter(customer=link.customer, kind__in=INVOICE_LIKE)
        .exclude(state__in=[DocumentState.DRAFT, DocumentState.CANCELLED])
    )
    for pk in docs.values_list("pk", flat=True):
        if doc_ref(link, pk) == ref:
            return docs.get(pk=pk)
    return None


def render_statement_pdf(link: PortalLink, language: str) -> bytes:
    """« Relevé de compte » as a PDF: the same statement as the page, printed."""
    from pathlib import Path

    from django.template.loader import render_to_string

    from printing.pdf import html_to_pdf
    from reminders.keywords import fmt_date, fmt_money

    company = link.company
    with translation.override(language):
        statement = statement_of(link, language)
        money = lambda v, c: fmt_money(v, c, language)  # noqa: E731
        lines = [
            {
                "number": ln.number,
                "issue": fmt_date(ln.issue_date, language),
                "due": fmt_date(ln.due_date, language),
                "days_late": ln.days_late,
                "amount": money(ln.amount, ln.currency),
                "paid": money(ln.paid, ln.currency),
                "balance": money(ln.balance, ln.currency),
                "charges": money(ln.charges, ln.currency),
            }
            for ln in statement.lines
        ]
        totals = [
            {"currency": t.currency, "total": money(t.total, t.currency)} for t in statement.totals
        ]
        logo = company.logo_path
        html = render_to_string(
            "portal/statement_pdf.html",
            {
                "company": company,
                "customer": link.customer,
                "statement": statement,
                "lines": lines,
                "totals": totals,
                "as_of": fmt_date(statement.as_of, language),
                "lang": language,
                "logo_url": Path(logo).as_uri() if logo else "",
            },
        )
    return html_to_pdf(html, files=[logo] if logo else [])
