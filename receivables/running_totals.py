"""Counts and sums of a company's documents read from their running totals (issue 22).

The rows of `DocumentTotal` are deltas kept by triggers (receivables migration 0012);
`sums` adds up those that match, `fold` replaces a company's rows by one per key so
that reading stays a matter of a few hundred rows.
"""

# SQL is assembled from constants of this module only; every value is a bound parameter.
# ruff: noqa: S608

from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from .models import DocumentTotal

FOLD_AFTER = 2000  # deltas a company may pile up before a reader folds them
TOTALS = DocumentTotal._meta.db_table
KEY = "company_id, kind, state, to_remind, direct_debit, currency, due_date"
SUMS = "SUM(count), SUM(amount), SUM(paid)"


def sums(
    company_id: int,
    *,
    kinds,
    states,
    to_remind: bool | None,
    direct_debit: bool | None,
    start: date | None,
    end: date | None,
) -> list[dict]:
    """[{currency, count, amount, paid}] of the documents that match, by currency."""
    rows = DocumentTotal.objects.filter(company_id=company_id, kind__in=kinds, state__in=states)
    if to_remind is not None:
        rows = rows.filter(to_remind=to_remind)
    if direct_debit is not None:
        rows = rows.filter(direct_debit=direct_debit)
    if start:
        rows = rows.filter(due_date__gte=start)
    if end:
        rows = rows.filter(due_date__lte=end)
    found = list(
        rows.values("currency")
        .annotate(
            n=Sum("count"),
            a=Sum("amount"),
            p=Sum("paid"),
            deltas=Count("pk", filter=Q(folded=False)),
        )
        .order_by("currency")
    )
    if sum(r["deltas"] for r in found) > FOLD_AFTER:  # for the next reader
        fold(company_id)
    return [
        {"currency": r["currency"], "count": r["n"], "amount": r["a"], "paid": r["p"]}
        for r in found
        if r["n"]
    ]


def fold(company_id: int) -> None:
    """One row per key for the company's deltas, keys that add up to nothing dropped.

    PostgreSQL: one statement deletes the rows it reads, so a delta committed meanwhile
    is either folded or left for next time, never lost or counted twice, and two folds
    at once each take distinct rows. SQLite has one writer at a time."""
    groups = f"SELECT {KEY}, {SUMS}, TRUE FROM {{rows}} GROUP BY {KEY} HAVING SUM(count) <> 0"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH gone AS (DELETE FROM {TOTALS} WHERE company_id = %s RETURNING *)"
                f" INSERT INTO {TOTALS} ({KEY}, count, amount, paid, folded)"
                f" {groups.format(rows='gone')}",
                [company_id],
            )
            return
        cursor.execute(f"SELECT MAX(id) FROM {TOTALS} WHERE company_id = %s", [company_id])
        last = cursor.fetchone()[0] or 0
        mine = f"(SELECT * FROM {TOTALS} WHERE company_id = %s AND id <= %s)"
        cursor.execute(
            f"INSERT INTO {TOTALS} ({KEY}, count, amount, paid, folded) {groups.format(rows=mine)}",
            [company_id, last],
        )
        cursor.execute(f"DELETE FROM {TOTALS} WHERE company_id = %s AND id <= %s",
                       [company_id, last])  # fmt: skip
