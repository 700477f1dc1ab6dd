"""The dashboard's figures, aggregated in SQL (one query per chart, whatever the volume),
always scoped to one company."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Max, Q, Sum, Value
from django.db.models.functions import Coalesce

from receivables.models import INVOICE_LIKE, Allocation, Document, DocumentState, balance_of
from reminders.models import ReminderDocument

from . import metrics

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))
BALANCE = balance_of()
# Invoices that exist for the business, and the debit notes of charges invoiced (owed and
# reminded like invoices): not drafts, not cancelled (a waived note is cancelled).
REAL = Q(kind__in=INVOICE_LIKE) & ~Q(state__in=[DocumentState.DRAFT, DocumentState.CANCELLED])


def _money(expression, condition: Q) -> Coalesce:
    return Coalesce(Sum(expression, filter=condition), ZERO)


def open_invoices(company, currency: str | None = None):
    """The open invoices in one currency (the company's by default): a chart adds amounts
    up, and amounts of two currencies are never added together."""
    return (
        Document.objects.for_company(company)
        .filter(
            kind__in=INVOICE_LIKE,
            state=DocumentState.OPEN,
            currency=currency or company.currency,
        )
        .unpaid()
    )


@dataclass
class CurrencyTotal:
    currency: str
    count: int
    open: Decimal
    overdue: Decimal


def open_by_currency(company, as_of: date) -> list[CurrencyTotal]:
    """Outstanding and overdue balance per currency, the company's first."""
    overdue = Q(due_date__lt=as_of)
    rows = (
        Document.objects.for_company(company)
        .filter(kind__in=INVOICE_LIKE, state=DocumentState.OPEN)
        .unpaid()
        .order_by()
        .values("currency")
        .annotate(n=Count("pk"), total=_money(BALANCE, Q()), late=_money(BALANCE, overdue))
    )
    cent = Decimal("0.01")
    totals = [
        CurrencyTotal(
            r["currency"],
            r["n"],
            Decimal(r["total"]).quantize(cent),
            Decimal(r["late"]).quantize(cent),
        )
        for r in rows
    ]
    return sorted(totals, key=lambda t: (t.currency != company.currency, t.currency))


@dataclass
class AgingRow:
    key: str
    label: str
    count: int
    amount: Decimal


def aging(company, as_of: date) -> list[AgingRow]:
    sums = {}
    for key, _label, _low, _high in metrics.AGING_BUCKETS:
        earliest, latest = metrics.due_date_range(key, as_of)
        where = Q()
        if earliest is not None:
            where &= Q(due_date__gte=earliest)
        if latest is not None:
            where &= Q(due_date__lte=latest)
        sums[f"{key}_n"] = Count("pk", filter=where)
        sums[f"{key}_a"] = _money(BALANCE, where)
    row = open_invoices(company).aggregate(**sums)
    return [
        AgingRow(key, str(label), row[f"{key}_n"], row[f"{key}_a"])
        for key, label, _l, _h in metrics.AGING_BUCKETS
    ]


@dataclass
class DsoPoint:
    month_end: date
    receivables: Decimal
    sales: Decimal
    dso: Decimal | None


def dso_series(company, as_of: date, months: int = 12) -> list[DsoPoint]:
    """Receivables at each month end (invoiced by then minus settled by then) over the
    sales of the DSO window before it."""
    ends = metrics.month_ends(as_of, months)
    window = timedelta(days=metrics.DSO_WINDOW_DAYS - 1)
    invoices = Document.objects.for_company(company).filter(REAL, currency=company.currency)
    doc_sums = {}
    alloc_sums = {}
    for i, end in enumerate(ends):
        doc_sums[f"issued{i}"] = _money("amount", Q(issue_date__lte=end))
        doc_sums[f"sales{i}"] = _money("amount", Q(issue_date__range=(end - window, end)))
        alloc_sums[f"settled{i}"] = _money("amount", Q(date__lte=end, invoice__issue_date__lte=end))
    docs = invoices.aggregate(**doc_sums)
    allocs = (
        Allocation.objects.for_company(company).filter(invoice__in=invoices).aggregate(**alloc_sums)
    )
    points = []
    for i, end in enumerate(ends):
        receivables = docs[f"issued{i}"] - allocs[f"settled{i}"]
        sales = docs[f"sales{i}"]
        points.append(DsoPoint(end, receivables, sales, metrics.dso(receivables, sales)))
    return points


@dataclass
class CustomerOverdue:
    customer_id: int
    name: str
    count: int
    amount: Decimal


def overdue_by_customer(company, as_of: date, limit: int = 10) -> list[CustomerOverdue]:
    rows = (
        open_invoices(company)
        .filter(due_date__lt=as_of)
        .values("customer_id", "customer__name")
        .annotate(n=Count("pk"), total=Sum(BALANCE))
        .order_by("-total", "customer__name")[:limit]
    )
    return [
        CustomerOverdue(r["customer_id"], r["customer__name"], r["n"], r["total"]) for r in rows
    ]


def reminder_events(company) -> list[metrics.ReminderEvent]:
    """Every (level, sent date, paid date) of the reminders sent, one per document reminded."""
    paid_on = Max("allocations__date", filter=Q(state=DocumentState.PAID))
    rows = ReminderDocument.objects.filter(
        document__company=company,
        document__kind__in=INVOICE_LIKE,
        reminder__state="sent",
        reminder__sent_at__isnull=False,
    ).values("level_rank", "reminder__sent_at", "document_id")
    paid = dict(
        Document.objects.for_company(company)
        .filter(pk__in={r["document_id"] for r in rows}, state=DocumentState.PAID)
        .annotate(paid_on=paid_on)
        .values_list("pk", "paid_on")
    )
    return [
        metrics.ReminderEvent(
            r["level_rank"],
            company.today(r["reminder__sent_at"]),
            paid.get(r["document_id"]),
        )
        for r in rows
    ]
