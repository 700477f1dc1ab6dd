"""Server time of the worklist's first page (with its total row) on PostgreSQL.

    .venv/bin/python bench/worklist.py [--sizes 10000,100000,1000000] [--runs 7]

Uses the database relance_bench_worklist on 127.0.0.1:5432 (created when missing; set
BENCH_DATABASE_URL to use another). Open invoices are bulk-inserted with one
INSERT ... SELECT generate_series per step, all "à relancer", spread over 2,000
customers and a year of due dates, at the levels of a real worklist (half never reminded,
then fewer at each level up to 0.1 % at the fifth, their reminder counts and last reminder
dates to match); each size adds to the previous one.
Prints, per size: the first page rendered through Django (test client, logged in),
and the two SQL statements alone (totals, page); then, at the largest size, the same
two statements for the sort on each column (and descending on the level, the reminder
count and the last reminder date) and for a search. Each figure is also a
ratio to a floor measured in the same run (issue 22): a bare SELECT of a page of 50
documents of the company by primary key; the load average is printed beside it.
The sorts and the search are timed through Django too (the screen with ?order= / ?q=),
with the CPU spent per page by Django and its PostgreSQL backend beside the wall time.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
BENCH_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/relance_bench_worklist"
)
os.environ["DATABASE_URL"] = BENCH_URL


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_company():
    from django.contrib.auth import get_user_model

    from dunning.policies import ensure_default_policies
    from receivables.models import Company, Customer, Membership, Role

    company, _ = Company.objects.get_or_create(name="Bench worklist")
    ensure_default_policies(company)
    if not Customer.objects.for_company(company).exists():
        Customer.objects.bulk_create(
            Customer(
                company=company,
                code=f"C{i:05d}",
                name=f"Client {i:05d} SARL",
                contact_name=f"Dupont {i}",
                emails=f"c{i}@example.org",
            )
            for i in range(2000)
        )
    user, _ = get_user_model().objects.get_or_create(username="bench-worklist")
    Membership.objects.update_or_create(
        user=user, defaults={"company": company, "role": Role.ADMIN}
    )
    return company, user


SPREAD = "(((g %% 1000) * 7919) %% 1000)"
LEVEL_UP = (
    f"(CASE WHEN {SPREAD} < 500 THEN 0 WHEN {SPREAD} < 800 THEN 1 WHEN {SPREAD} < 950 THEN 2"
    f" WHEN {SPREAD} < 999 THEN 3 ELSE 4 END)"
)


def insert_invoices(company, start: int, count: int) -> None:
    """One INSERT ... SELECT: every NOT NULL column gets a value, computed or default."""
    from django.db import connection

    from receivables.models import Document

    computed = {
        "company_id": "%(company)s",
        "kind": "'invoice'",
        "number": "'B' || lpad(g::text, 8, '0')",
        "issue_date": "(CURRENT_DATE - 400 + (g %% 365))",
        "due_date": "(CURRENT_DATE - 370 + (g %% 365))",
        "payment_method": "(CASE WHEN g %% 10 = 0 THEN 'direct_debit' ELSE 'transfer' END)",
        "customer_id": "(SELECT min(id) FROM receivables_customer WHERE company_id = %(company)s)"
        " + (g %% 2000)",
        "description": "'Livraison n° ' || g",
        "amount": "(50 + (g %% 9000))::numeric(14,2)",
        "paid_amount": "(CASE WHEN g %% 7 = 0 THEN 20 ELSE 0 END)::numeric(14,2)",
        "state": "'open'",
        "to_remind": "true",
        # a pseudo-random spread h = 0..999 of the levels: 50 % due at the first (never
        # reminded), 30 % at the second, 15 %, 4.9 %, 0.1 % at the fifth
        "pending_level": f"(1 + {LEVEL_UP})",
        "dunning_level": LEVEL_UP,
        "reminder_count": f"({LEVEL_UP} + (CASE WHEN g %% 17 = 0 AND {SPREAD} >= 500"
        " THEN 1 ELSE 0 END))",
        "last_reminder_date": f"(CASE WHEN {SPREAD} >= 500 THEN CURRENT_DATE - 3 - (g %% 90) END)",
        "to_remind_since": "CURRENT_DATE",
    }
    columns, values, params = (
        [],
        [],
        {"company": company.pk, "start": start, "end": start + count - 1},
    )
    for field in Document._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in computed:
            values.append(computed[field.column])
        elif field.has_default():
            key = f"d_{field.column}"
            params[key] = field.get_db_prep_value(field.get_default(), connection)
            values.append(f"%({key})s")
        elif field.null:
            values.append("NULL")
        else:
            values.append("''")
    sql = (
        f"INSERT INTO {Document._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 - fixed names
        f"SELECT {', '.join(values)} FROM generate_series(%(start)s, %(end)s) AS g"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.execute(f"ANALYZE {Document._meta.db_table}")
        cursor.execute("ANALYZE receivables_customer")  # autovacuum would, a minute later


def timed(fn, runs: int) -> float:
    fn()  # warm-up: caches, plans
    samples = []
    cpu = cpu_ms()
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    CPU_SPENT.append((cpu_ms() - cpu) / runs)
    return statistics.median(samples)


CPU_SPENT: list[float] = []  # ms of CPU per call of the last timed(): Django + PostgreSQL


def cpu_ms() -> float:
    """CPU of this process (Django, in-process client) and of its PostgreSQL backend
    (/proc of pg_backend_pid, the server runs on this host): on a shared machine the
    wall time mostly measures the neighbours."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        server = sum(int(f) for f in fields[11:13]) / os.sysconf("SC_CLK_TCK")
    except OSError:
        server = float("nan")
    return (time.process_time() + server) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    ensure_database(BENCH_URL)
    import django

    django.setup()
    import logging

    from django.core.management import call_command
    from django.test import Client

    # the request log (a line per page) and WhiteNoise's missing static folder would
    # bury the figures
    logging.getLogger("relance.http").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message="No directory at")

    from receivables.models import Document
    from receivables.worklist import ORDERINGS, SORT_KEYS, worklist, worklist_totals

    call_command("migrate", verbosity=0)
    company, user = setup_company()
    client = Client()
    client.force_login(user)
    have = Document.objects.for_company(company).count()
    for size in [int(s) for s in args.sizes.split(",")]:
        if have < size:
            t = time.perf_counter()
            insert_invoices(company, have + 1, size - have)
            print(f"inserted {size - have:,} invoices in {time.perf_counter() - t:.1f} s")
            have = size
        as_of = company.today()

        def page():
            response = client.get("/relance/")
            assert response.status_code == 200, response.status_code

        def sql_only(as_of=as_of):
            qs = worklist(company, as_of=as_of)
            worklist_totals(qs)
            list(qs[:50])

        base = timed(lambda: bare_page(company), args.runs)
        full = timed(page, args.runs)
        full_cpu = CPU_SPENT[-1]
        sql = timed(sql_only, args.runs)
        print(
            f"{have:>9,} open invoices: first page with total row {full:6.1f} ms"
            f" ({full_cpu:5.1f} ms CPU)"
            f" (SQL alone {sql:6.1f} ms, ×{sql / base:.1f} of the floor: a bare SELECT of a"
            f" page {base:.1f} ms), median of {args.runs}  {load()}"
        )
    print(
        f"at {have:,}: first page with total row through Django (and SQL alone), per sort and for a search"
    )
    # descending too for the columns a send writes (no index of their own on the document)
    sorts = [*ORDERINGS, *("-" + key for key in SORT_KEYS)]
    for order, search in [(o, "") for o in sorts] + [("-days_late", "Client 01234")]:

        def one(order=order, search=search):
            qs = worklist(company, as_of=company.today(), order=order, search=search)
            worklist_totals(qs)
            list(qs[:50])

        def screen(order=order, search=search):
            response = client.get("/relance/", {"order": order, "q": search})
            assert response.status_code == 200, response.status_code

        label = f"search {search!r}" if search else f"sort {order}"
        ms = timed(screen, args.runs)
        ms_cpu = CPU_SPENT[-1]
        sql = timed(one, args.runs)
        print(
            f"  {label:<26} {ms:7.1f} ms ({ms_cpu:5.1f} ms CPU; SQL alone {sql:6.1f} ms, ×{sql / base:5.1f} of the"
            f" floor)  {load()}"
        )


def bare_page(company) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT * FROM receivables_document WHERE company_id = %s ORDER BY id LIMIT 50",
            [company.pk],
        )
        cur.fetchall()


def load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
