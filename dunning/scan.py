"""The daily job: mark every open invoice and expired quote with the level now due.

Set-based: a handful of SQL statements per run whatever the number of documents
(`tests/dunning/test_scan_queries.py`). It computes, for each document, exactly what
`dunning.rules.evaluate` computes for one (`tests/dunning/test_scan_agrees.py`):
pending_level, to_remind, to_remind_since, next_action_date and stop_reason. It never
creates a reminder: the reminders app creates outbox rows from `pending_level`.

The result depends only on the documents' facts and on `as_of`, so the scan is
idempotent: running it twice, ten times a day, or once after a week without runs gives
the same state as running it every day.

How a run goes, per company-local date (companies in far-apart time zones may be on
different days): one CREATE TEMP TABLE ... AS SELECT of the rows whose state changes,
one SELECT of those changes for the report, one UPDATE ... FROM the temporary table
(guarded so that a reminder sent meanwhile is not overwritten), one DROP.

On PostgreSQL no index covers a column the scan writes, and document pages are filled to
half (receivables migration 0008): the UPDATE writes each new row version beside the old
one without touching any index ("HOT"), several times cheaper on a first scan of 1 M
(bench/scan.py). It also writes its changes into the running totals and the sort keys.

Quotes: an open quote past its validity date (or one an import marked "expired")
follows the quote policy; the scan does not change its state — "échu" is shown from
the validity date, and accepting the quote stops the reminders.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection, transaction
from django.utils.timezone import now as django_now

from receivables.models import Company
from receivables.models.company import today_in
from receivables.sort_keys import levels_rewritten

from .scan_sql import TEMP, ScanSQL

# SQL is assembled from constants only (TEMP); every value is a bound parameter.
# ruff: noqa: S608

FEW_CHANGES = 100_000
BIG_WORK_MEM = "128MB"  # ~64 MB of hash table per million changed rows
PARALLEL_TUPLE_COST = "0.01"  # PostgreSQL's default: 0.1
# what the scan sets for its own statements (SET LOCAL), then sets back
PLANNER_SETTINGS = ("enable_hashjoin", "enable_mergejoin", "work_mem", "parallel_tuple_cost")


@dataclass(frozen=True)
class Change:
    document_id: int
    number: str
    kind: str
    customer: str
    due_date: date
    old_pending: int | None
    new_pending: int | None
    level_name: str
    stop_reason: str
    days_late: int


@dataclass
class ScanResult:
    as_of: dict[date, list[int]] = field(default_factory=dict)  # date -> company ids
    changed: int = 0
    changes: list[Change] = field(default_factory=list)
    dry_run: bool = False


def scan(
    company: Company | int | None = None,
    as_of: date | None = None,
    *,
    dry_run: bool = False,
    report: bool = True,
    now: datetime | None = None,
) -> ScanResult:
    """Scan one company (or all) on `as_of` (default: today in each company's zone)."""
    companies = Company.objects.all()
    if company is not None:
        companies = companies.filter(pk=getattr(company, "pk", company))
    groups: dict[date, list[int]] = defaultdict(list)
    for pk, tz_name in companies.values_list("pk", "timezone"):
        groups[as_of or today_in(tz_name, now)].append(pk)
    result = ScanResult(as_of=dict(groups), dry_run=dry_run)
    everyone = company is None and len(groups) == 1
    started = time.monotonic()
    for day, ids in sorted(groups.items()):
        changed, changes = _scan_day(day, None if everyone else ids, dry_run, report)
        result.changed += changed
        result.changes += changes
    if not dry_run:  # when, and how long: /healthz and /metrics watch that scans run
        took = time.monotonic() - started
        companies.update(last_scan_at=django_now(), last_scan_seconds=took)
    return result


def _scan_day(
    as_of: date, company_ids: list[int] | None, dry_run: bool, report: bool
) -> tuple[int, list[Change]]:
    sql = ScanSQL(connection.vendor, as_of, company_ids)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TEMP}")
        saved = {}
        if connection.vendor == "postgresql":
            # Parallel workers read and compute the rows (1.7 → 1.4 s on 1 M): passing
            # them to the leader costs far less than the planner's default reckons.
            saved = _set_local(cursor, {"parallel_tuple_cost": PARALLEL_TUPLE_COST})
        cursor.execute(*sql.create_temp())
        found = cursor.rowcount  # PostgreSQL: rows of the temporary table
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {TEMP}")
            # A usual day changes a few thousand rows: find them by primary key rather
            # than hashing the whole table (6 s → 0.1 s on 1M invoices); a first scan
            # hashes the changes in memory, not in 16 batches on disk. relance.scan: the
            # running totals' row trigger leaves this transaction's changes to the scan.
            few = 0 <= found < FEW_CHANGES
            joins = {"enable_hashjoin": "off", "enable_mergejoin": "off"}
            _set_local(cursor, {**(joins if few else {"work_mem": BIG_WORK_MEM}),
                                "relance.scan": "on"})  # fmt: skip
        changes: list[Change] = []
        if report:
            cursor.execute(*sql.report())
            changes = [_change(row, as_of) for row in cursor.fetchall()]
        if dry_run:
            cursor.execute(f"SELECT COUNT(*) FROM {TEMP}")
            changed = cursor.fetchone()[0]
        elif connection.vendor == "postgresql":  # counted into the running totals
            with levels_rewritten(cursor, 0 if few else found):  # sort keys, when most change
                cursor.execute(sql.update_counted())
                changed = cursor.fetchone()[0]
        else:  # SQLite: its row triggers count the changes
            cursor.execute(sql.update())
            changed = cursor.rowcount
        if connection.vendor == "postgresql":  # what follows in an outer transaction
            _set_local(cursor, {**saved, "relance.scan": "off"})  # plans as before
        cursor.execute(f"DROP TABLE {TEMP}")
    return changed, changes


def _set_local(cursor, settings: dict[str, str]) -> dict[str, str]:
    """SET LOCAL of several at once. Answers the planner settings the scan changes as
    they were before this statement (read in the same one), to be set back at its end."""
    read = ", ".join(f"current_setting('{name}')" for name in PLANNER_SETTINGS)
    sets = ", ".join("set_config(%s, %s, true)" for _ in settings)
    cursor.execute(f"SELECT {read}, {sets}", [v for pair in settings.items() for v in pair])
    return dict(zip(PLANNER_SETTINGS, cursor.fetchone(), strict=False))


def _change(row, as_of: date) -> Change:
    doc_id, number, kind, customer, due, old, new, stop, level_name = row
    if isinstance(due, str):  # SQLite
        due = date.fromisoformat(due)
    return Change(doc_id, number, kind, customer, due, old, new, level_name or "", stop or "",
                  (as_of - due).days)  # fmt: skip
