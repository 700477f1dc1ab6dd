"""What the customer file says of the portal: the customer's live links and when one was
last opened, their payment plans, and their broken promises (a promise whose date passed
while an invoice it covered is still open: the engine resumed, the file counts it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Max

from inbox.models import InboundMessage, Outcome
from receivables.models import INVOICE_LIKE, Document, DocumentState

from .models import PaymentPlan, PortalLink
from .tokens import live, settings_for


@dataclass
class PortalSummary:
    enabled: bool
    live_links: int
    last_seen: datetime | None
    broken_promises: int
    plans: list[PaymentPlan] = field(default_factory=list)


def broken_promises(company, customer) -> int:
    today = company.today()
    promises = InboundMessage.objects.for_company(company).filter(
        customer=customer, outcome=Outcome.PROMISE, promise_date__lt=today
    )
    still_open = Document.objects.for_company(company).filter(
        customer=customer, kind__in=INVOICE_LIKE, state=DocumentState.OPEN
    )
    return sum(
        1
        for m in promises.only("promise_date", "received_at")
        if still_open.filter(due_date__lte=m.promise_date, issue_date__lte=m.received_at.date())
        .unpaid()
        .exists()
    )


def summary(company, customer) -> PortalSummary:
    links = PortalLink.objects.for_company(company).filter(customer=customer)
    return PortalSummary(
        enabled=settings_for(company).enabled,
        live_links=live(customer).count(),
        last_seen=links.aggregate(m=Max("last_seen_at"))["m"],
        broken_promises=broken_promises(company, customer),
        plans=list(
            PaymentPlan.objects.for_company(company)
            .filter(customer=customer)
            .prefetch_related("instalments")
            .order_by("-requested_at")[:10]
        ),
    )


def preview_link(company, customer) -> PortalLink:
    """An unsaved link for « Voir comme le client »: the page, without a token."""
    return PortalLink(company=company, customer=customer, token_hash="preview")
