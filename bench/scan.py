"""Benchmark of the daily scan: build N open invoices, time `dunning.scan.scan`.

    .venv/bin/python bench/scan.py --invoices 1000000 --database postgres
    .venv/bin/python bench/scan.py --invoices 100000 --database sqlite

PostgreSQL: a dedicated database (relance_bench_scan, created when missing, or
--pg-url), loaded with COPY. SQLite: a file under a temporary folder, executemany.
The data is reused when the database already holds N invoices (--rebuild forces).
Three runs are timed: the first scan of fresh data (most rows change), the same day
again (nothing changes), and the next day (a day's worth of new levels).

Each figure is also a ratio to a floor measured in the same run, on the same freshly
vacuumed table: a bare UPDATE writing the scan's five columns of every invoice, with
nothing computed (issue 22). On a shared machine wall time mostly measures the
neighbours: beside it are the CPU seconds of the database server process (PostgreSQL
on this host: /proc of pg_backend_pid; SQLite: this process) and the load average.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
AS_OF = date(2026, 3, 16)
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/relance_bench_scan"


def configure(args) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "relance.settings"
    if args.database == "postgres":
        os.environ["DATABASE_URL"] = args.pg_url
        _create_pg_database(args.pg_url)
    else:
        os.environ.pop("DATABASE_URL", None)
        folder = args.sqlite_dir or tempfile.mkdtemp(prefix="relance-bench-")
        os.environ["RELANCE_DATA_DIR"] = folder
    import django

    django.setup()


def _create_pg_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def build(n: int, seed: int = 7) -> None:
    """N open invoices over N/40 customers of one company, a realistic mix of states."""
    from django.db import connection

    from dunning.policies import ensure_default_policies
    from receivables.models import Company, Customer, Document, Payment

    rng = random.Random(seed)
    with connection.cursor() as cur:
        for table in ("receivables_allocation", "receivables_payment", "receivables_document"):
            cur.execute(f"DELETE FROM {table}")  # noqa: S608 - constant names
    Customer.objects.all().delete()
    company = Company.objects.filter(name="Bench SARL").first() or Company.objects.create(
        name="Bench SARL", timezone="Europe/Paris"
    )
    ensure_default_policies(company)
    n_customers = max(10, n // 40)
    customers = Customer.objects.bulk_create(
        Customer(
            company=company,
            code=f"C{i:07d}",
            name=f"Client {i}",
            emails=f"c{i}@example.org",
            no_reminders=rng.random() < 0.02,
            blocked_until=AS_OF + timedelta(days=10) if rng.random() < 0.01 else None,
            is_business=rng.random() < 0.8,
        )
        for i in range(n_customers)
    )
    customer_ids = [c.pk for c in customers]
    Payment.objects.bulk_create(  # unallocated money of 2 % of the customers
        Payment(company=company, customer_id=cid, date=AS_OF, amount=Decimal("150.00"))
        for cid in rng.sample(customer_ids, max(1, n_customers // 50))
    )

    fields = [f for f in Document._meta.concrete_fields if not f.primary_key]
    template = Document(company=company, customer_id=customer_ids[0])
    defaults = {f.column: f.get_db_prep_save(getattr(template, f.attname), connection)
                for f in fields}  # fmt: skip
    columns = [f.column for f in fields]
    delays = [-3, 7, 15, 30, 45]

    def rows():
        for i in range(n):
            due = AS_OF + timedelta(days=rng.randint(-120, 30))
            late = (AS_OF - due).days
            reached = sum(1 for d in delays if late >= d)
            level = rng.randint(max(0, reached - 2), reached) if reached else 0
            last = due + timedelta(days=delays[level - 1] + rng.randint(0, 3)) if level else None
            amount = Decimal(rng.randint(500, 500000)) / 100
            r = rng.random()
            row = dict(defaults)
            row.update(
                kind="invoice",
                number=f"F{i:08d}",
                issue_date=due - timedelta(days=30),
                due_date=due,
                customer_id=rng.choice(customer_ids),
                amount=amount,
                paid_amount=(amount / 2).quantize(Decimal("0.01")) if r < 0.1 else Decimal(0),
                payment_method="direct_debit" if 0.1 <= r < 0.15 else "transfer",
                disputed=0.15 <= r < 0.18,
                promise_date=AS_OF + timedelta(days=5) if 0.18 <= r < 0.21 else None,
                dunning_level=level,
                reminder_count=level,
                last_reminder_date=last,
            )
            yield [row[c] for c in columns]

    if connection.vendor == "postgresql":
        raw = connection.connection
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY receivables_document ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows():
                copy.write_row(row)
        # Django runs in autocommit: the COPY is committed; VACUUM needs no transaction.
    else:
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO receivables_document ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        batch = []
        with connection.cursor() as cur:
            for row in rows():
                batch.append([str(v) if isinstance(v, (date, Decimal)) else v for v in row])
                if len(batch) == 50000:
                    cur.executemany(sql, batch)
                    batch = []
            if batch:
                cur.executemany(sql, batch)


def cpu_seconds() -> float:
    """CPU (user + system) of whoever runs the SQL: on PostgreSQL (on this host), the
    backend of this connection and the parallel workers that helped it (ended workers
    are counted in their parent's, the postmaster's, children time: nothing else
    connects during the bench); on SQLite, this process."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
        try:
            fields = _stat(pid)
            postmaster = _stat(int(fields[1]))
        except OSError:  # the server runs elsewhere
            return float("nan")
        ticks = sum(int(f) for f in fields[11:13]) + sum(int(f) for f in postmaster[13:15])
        return ticks / os.sysconf("SC_CLK_TCK")
    return time.process_time()


def _stat(pid: int) -> list[str]:
    """/proc/PID/stat from its 3rd field: 4th (index 1) the parent, 14-15 (11-12) user and
    system time, 16-17 (13-14) those of its children that ended."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def measure(fn) -> tuple[float, float, object]:
    cpu = cpu_seconds()
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, cpu_seconds() - cpu, value


def load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def vacuum() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            # the sort keys too: the reset above rewrote one row of theirs per document
            for table in ("receivables_document", "receivables_documentsortkey"):
                cur.execute(f"VACUUM ANALYZE {table}")
            # the rest as autovacuum would have left it after the load (off on this
            # machine): without statistics the customers look like 1,230 rows, not 25,000
            cur.execute("ANALYZE")


def floor(n: int) -> tuple[float, float]:
    """A bare UPDATE of the scan's five columns on every invoice (values unchanged,
    nothing computed): what writing the rows costs at least. Vacuumed afterwards so the
    first scan finds the table as this UPDATE did."""
    from django.db import connection

    def bare():
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE receivables_document SET pending_level = pending_level,"
                " to_remind = to_remind, to_remind_since = to_remind_since,"
                " next_action_date = next_action_date, stop_reason = stop_reason"
                " WHERE kind = 'invoice'"
            )
            return cur.rowcount

    wall, cpu, rows = measure(bare)
    vacuum()
    print(
        f"{'floor: bare UPDATE':<28} {wall:7.2f} s wall {cpu:7.2f} s server CPU  "
        f"{rows:>9,} rows  {load()}"
    )
    return wall, cpu


def timed(label: str, n: int, as_of: date, base: tuple[float, float]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dunning.scan import scan

    with CaptureQueriesContext(connection) as ctx:
        seconds, cpu, result = measure(lambda: scan(None, as_of, report=False))
    print(
        f"{label:<28} {seconds:7.2f} s wall {cpu:7.2f} s server CPU  "
        f"{result.changed:>9,} changed  ×{seconds / base[0]:.2f} wall ×{cpu / base[1]:.2f} CPU"
        f" of the floor  {n / seconds:>9,.0f} invoices/s  "
        f"{len(ctx.captured_queries):>2} SQL  {load()}"
    )


def level_index_after() -> None:
    """A scan that changes most levels leaves the worklist's level index to a task run
    after its commit (receivables.sort_keys): built here, timed apart, before the next."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    from receivables.sort_keys import build_level_index

    wall, cpu, state = measure(build_level_index.call)
    print(f"{'  then its level index':<28} {wall:7.2f} s wall {cpu:7.2f} s server CPU  "
          f"({state}, built concurrently after the scan's commit)  {load()}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--pg-url", default=PG_DEFAULT)
    parser.add_argument("--sqlite-dir", help="folder of the SQLite file (default: temporary)")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    configure(args)

    from django.core.management import call_command

    from receivables.models import Document

    call_command("migrate", verbosity=0)
    n = args.invoices
    if args.rebuild or Document.objects.filter(kind="invoice", state="open").count() != n:
        start = time.perf_counter()
        build(n)
        print(f"built {n:,} open invoices in {time.perf_counter() - start:.1f} s")
    Document.objects.update(pending_level=None, to_remind=False, to_remind_since=None,
                            next_action_date=None, stop_reason="")  # fmt: skip
    vacuum()
    print(f"{args.database}, {n:,} open invoices, as of {AS_OF}")
    base = floor(n)
    timed("first scan (fresh data)", n, AS_OF, base)
    level_index_after()
    timed("same day again", n, AS_OF, base)
    timed("next day", n, AS_OF + timedelta(days=1), base)
    pending = Document.objects.filter(to_remind=True).count()
    print(f"{pending:,} invoices to remind after the next-day scan")


if __name__ == "__main__":
    main()
