"""The worklist ("Relance des factures"): one query shared by the screens, the API and the CLI.

Set-based and index-friendly: ordering by days late is ordering by due date, the
totals are one aggregate query, and nothing is computed per row in Python.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from .models import (
    INVOICE_LIKE,
    Company,
    Customer,
    Document,
    DocumentKind,
    DocumentState,
    PaymentMethod,
    balance_of,
    percent_paid_of,
)
from .running_totals import sums

PERIODS = ("week", "month", "30", "60", "90")
# customers a search may name by id; more (a search for « a ») go as a subquery: one bound
# value per id would pass SQLite's limit of variables and make PostgreSQL plan a long list
SEARCH_IDS = 5000
KINDS = ("invoice", "quote")

# Sort keys a caller may pass (optionally prefixed with "-") and the fields behind them.
# Days late is the due date reversed: sorting on it keeps the (company, ..., due_date) index.
ORDERINGS = {
    "id": ("id",),
    "number": ("number",),
    "issue_date": ("issue_date",),
    "due_date": ("due_date",),
    "days_late": ("-due_date",),
    "payment_method": ("payment_method",),
    "customer": ("customer__name",),
    "contact": ("customer__contact_name",),
    "description": ("description",),
    "amount": ("amount",),
    "paid": ("paid_amount",),
    "balance": ("balance",),
    "percent_paid": ("percent_paid",),
    "level": ("pending_level", "dunning_level"),
    "reminder_count": ("reminder_count",),
    "last_reminder_date": ("last_reminder_date",),
}
# The columns a send writes, sorted on PostgreSQL by their narrow table's indexes (the
# same values as the document's, kept in step: DocumentSortKey): the same order.
SORT_KEYS = {
    "level": ("sort_key__pending_level", "sort_key__dunning_level"),
    "reminder_count": ("sort_key__reminder_count",),
    "last_reminder_date": ("sort_key__last_reminder_date",),
}


class DaysBetween(Func):
    """Whole days from `due_date` to a fixed date, as an integer on every backend."""

    output_field = IntegerField()

    def __init__(self, as_of: date, field: str = "due_date"):
        super().__init__(Value(as_of), F(field))

    def as_sql(self, compiler, connection, **extra):
        return self.as_postgresql(compiler, connection, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner="::date - ", **extra
        )

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def period_range(period, as_of: date) -> tuple[date | None, date | None]:
    """Bounds on the due date for a period choice; (None, None) = no bound.

    "week" and "month" are the calendar week / month of `as_of`; "30", "60", "90" keep
    what fell due in the last N days and what is not due yet (courtesy reminders).
    """
    if not period:
        return None, None
    if isinstance(period, tuple | list):
        start, end = period
        return start, end
    if period == "week":
        start = as_of - timedelta(days=as_of.weekday())
        return start, start + timedelta(days=6)
    if period == "month":
        return as_of.replace(day=1), as_of.replace(day=monthrange(as_of.year, as_of.month)[1])
    if period in ("30", "60", "90"):
        return as_of - timedelta(days=int(period)), None
    raise ValueError(f"unknown period: {period!r} (expected one of {', '.join(PERIODS)})")


def order_by_fields(order: str, *, keyed: bool = False) -> list[str]:
    """`order` like "-amount" → ORDER BY fields, always ending with the id as tie-breaker;
    `keyed`: from the sort keys' table when the column has its copy there."""
    key = order.lstrip("-")
    if key not in ORDERINGS:
        raise ValueError(f"unknown sort column: {order!r}")
    fields = list(SORT_KEYS[key] if keyed and key in SORT_KEYS else ORDERINGS[key])
    if order.startswith("-"):
        fields = [f[1:] if f.startswith("-") else "-" + f for f in fields]
    return fields + ["-id" if order.startswith("-") else "id"]


def worklist(
    company: Company,
    *,
    as_of: date,
    period=None,
    show_not_due: bool = False,
    hide_direct_debit: bool = False,
    kind: str = "invoice",
    search: str = "",
    order: str = "-days_late",
    excluded_ids=(),
) -> QuerySet:
    """Documents to remind (or, with `show_not_due`, every open one) of one company."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind: {kind!r}")
    if kind == DocumentKind.QUOTE:
        states = [DocumentState.OPEN, DocumentState.EXPIRED]
    else:
        states = [DocumentState.OPEN]
    kinds = INVOICE_LIKE if kind == DocumentKind.INVOICE else (kind,)  # debit notes too
    qs = Document.objects.for_company(company).filter(kind__in=kinds, state__in=states)
    if not show_not_due:
        qs = qs.filter(to_remind=True)
    start, end = period_range(period, as_of)
    if start:
        qs = qs.filter(due_date__gte=start)
    if end:
        qs = qs.filter(due_date__lte=end)
    if hide_direct_debit:
        qs = qs.exclude(payment_method=PaymentMethod.DIRECT_DEBIT)
    counted = None if search.strip() else RunningTotals(
        company.pk, kinds, states, None if show_not_due else True,
        False if hide_direct_debit else None, start, end,
    )  # fmt: skip
    if search := search.strip():
        # the customers first (a few thousand rows), then their documents by index and
        # the numbers by trigrams (PostgreSQL, migration 0014), not a join of every document
        found = Customer.objects.for_company(company).filter(
            Q(name__icontains=search) | Q(code__icontains=search)
            | Q(contact_name__icontains=search)
        )  # fmt: skip
        ids = list(found.values_list("pk", flat=True)[: SEARCH_IDS + 1])
        if len(ids) > SEARCH_IDS:
            ids = found.values("pk")
        qs = qs.filter(Q(number__icontains=search) | Q(customer_id__in=ids))
    if excluded_ids:
        if counted:
            counted.excluded = qs.filter(pk__in=list(excluded_ids))
        qs = qs.exclude(pk__in=list(excluded_ids))
    qs = qs.annotate(
        days_late=DaysBetween(as_of),
        balance=balance_of(),
        percent_paid=percent_paid_of(),
    )
    if order.lstrip("-") in ("customer", "contact"):  # lets the customer's index order the page
        qs = qs.filter(customer__company=company)
    keyed = order.lstrip("-") in SORT_KEYS and connection.vendor == "postgresql"
    if keyed:  # an inner join: the sort keys' index orders the page, 50 rows read
        qs = qs.filter(sort_key__company_id=company.pk)
    qs = qs.select_related("customer").order_by(*order_by_fields(order, keyed=keyed))
    qs.running_totals = counted  # lost by a further .filter(): then added up row by row
    return qs


def worklist_totals(qs: QuerySet) -> dict:
    """Count and sums (Montant, Réglé, Solde) of a worklist, per currency, in one
    aggregate query: `by_currency` lists them; amount, paid and balance are the sums of
    the only currency, None when there are several (amounts of two currencies are never
    added up)."""
    counted = getattr(qs, "running_totals", None)
    by_currency = counted.by_currency() if counted else totals_by_currency(qs)
    one = by_currency[0] if len(by_currency) == 1 else None
    return {
        "count": sum(t["count"] for t in by_currency),
        "amount": one["amount"] if one else (None if by_currency else Decimal("0.00")),
        "paid": one["paid"] if one else (None if by_currency else Decimal("0.00")),
        "balance": one["balance"] if one else (None if by_currency else Decimal("0.00")),
        "by_currency": by_currency,
    }


def totals_by_currency(qs: QuerySet) -> list[dict]:
    """[{currency, count, amount, paid, balance}] of the documents of `qs`, by currency
    code, amounts to the cent (a SQLite sum brings stray digits)."""
    money = DecimalField(max_digits=16, decimal_places=2)
    zero = Value(Decimal("0"), output_field=money)
    rows = (
        qs.order_by()
        .values("currency")
        .annotate(
            count=Count("id"),
            amount=Coalesce(Sum("amount"), zero, output_field=money),
            paid=Coalesce(Sum("paid_amount"), zero, output_field=money),
        )
        .order_by("currency")
    )
    cent = Decimal("0.01")
    return [
        {
            "currency": r["currency"],
            "count": r["count"],
            "amount": Decimal(r["amount"]).quantize(cent),
            "paid": Decimal(r["paid"]).quantize(cent),
            "balance": (Decimal(r["amount"]) - Decimal(r["paid"])).quantize(cent),
        }
        for r in rows
    ]


@dataclass
class RunningTotals:
    """The worklist's filters as the running totals know them (no search): its total
    row read from a few hundred rows of `DocumentTotal` instead of every document, less
    the documents removed for the session."""

    company_id: int
    kinds: tuple
    states: list
    to_remind: bool | None
    direct_debit: bool | None
    start: date | None
    end: date | None
    excluded: QuerySet | None = None

    def by_currency(self) -> list[dict]:
        found = sums(
            self.company_id, kinds=self.kinds, states=self.states, to_remind=self.to_remind,
            direct_debit=self.direct_debit, start=self.start, end=self.end,
        )  # fmt: skip
        removed = (
            {r["currency"]: r for r in totals_by_currency(self.excluded)} if self.excluded else {}
        )
        cent = Decimal("0.01")
        rows = []
        for r in found:
            less = removed.get(r["currency"], {"count": 0, "amount": 0, "paid": 0})
            count = r["count"] - less["count"]
            if count:
                amount = (Decimal(r["amount"]) - less["amount"]).quantize(cent)
                paid = (Decimal(r["paid"]) - less["paid"]).quantize(cent)
                rows.append({"currency": r["currency"], "count": count, "amount": amount,
                             "paid": paid, "balance": amount - paid})  # fmt: skip
        return rows
