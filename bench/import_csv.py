"""Time the import of a generated invoices CSV into a scratch company, against two
floors measured in the same run: reading and parsing the same file with the csv module
alone, and the same rows inserted bare (executemany, one transaction) in a scratch table
of the same database. The machine may be shared: read the ratios, and the load average
printed with them.

    .venv/bin/python bench/import_csv.py [--rows 100000] [--keep]
    DATABASE_URL=postgres://… .venv/bin/python bench/import_csv.py
Uses the configured database; deletes its company after. Targets (issue 17): first import
<= 15 s, the same file again <= 8 s, memory flat (run with --rows 20000 and 100000 and
compare the peaks: the rows are streamed, only the file's bytes and text are held).
"""

import argparse
import csv
import io
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")

HEADER = "Numéro;Date;Échéance;Mode pmt;Code client;Client;Nom, prénom;Nature;Montant;Réglé"


def make_rows(rows: int, customers: int = 2000):
    for n in range(1, rows + 1):
        c = n % customers
        day, month = n % 28 + 1, n % 12 + 1
        paid = "" if n % 3 else f"{n % 50},00"
        yield (
            f"F{n:07d}",
            f"{day:02d}/{month:02d}/25",
            f"{day:02d}/{month:02d}/26",
            "Virement",
            f"C{c:05d}",
            f"Client {c} SARL",
            "Dupont Jean",
            f"Livraison de fournitures diverses n° {n}",
            f"{n % 9000 + 50} {n % 1000:03d},{n % 100:02d}",
            paid,
        )


def make_csv(rows: int) -> bytes:
    lines = [HEADER, *(";".join(r) for r in make_rows(rows))]
    return ("\n".join(lines) + "\n").encode()


def parse_floor_seconds(data: bytes) -> float:
    """The same file decoded and split into cells by the csv module, nothing else."""
    started = time.monotonic()
    text = data.decode("utf-8")
    count = sum(1 for _cells in csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert count > 1
    return time.monotonic() - started


def floor_seconds(rows: int) -> float:
    """The same rows inserted bare: what the database alone costs."""
    from django.db import connection, transaction

    table = "bench_import_floor"
    columns = ", ".join(f"c{i} varchar(200)" for i in range(10))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TABLE {table} ({columns})")
    started = time.monotonic()
    sql = f"INSERT INTO {table} VALUES ({', '.join(['%s'] * 10)})"  # noqa: S608 (fixed name)
    with transaction.atomic(), connection.cursor() as cursor:
        batch = []
        for row in make_rows(rows):
            batch.append(row)
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    took = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {table}")
    return took


def _progress_bars(bars: dict, attempt: str, tqdm):
    def progress(stage, done, total):
        bar = bars.get(stage) or bars.setdefault(
            stage, tqdm(total=total, desc=f"{attempt}: {stage}", leave=False)
        )
        bar.update(done - bar.n)

    return progress


def _vacuum(connection, models) -> None:
    """PostgreSQL: the deleted rows cleared now, or the next run (autovacuum may be off,
    as on the shared test server) imports into bloated tables and indexes (measured: a
    first import 2.5 x slower after five runs)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from tqdm import tqdm

    call_command("migrate", verbosity=0)
    from receivables.imports import import_file
    from receivables.models import Company

    data = make_csv(args.rows)
    parse = parse_floor_seconds(data)
    floor = floor_seconds(args.rows)
    print(
        f"{connection.vendor}: {args.rows} rows, {len(data) / 1e6:.1f} MB, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; floors: csv "
        f"module alone {parse:.2f} s, bare executemany of the same rows {floor:.1f} s; "
        f"peak memory before importing {max_rss_mb():.0f} MB"
    )
    company = Company.objects.create(name="bench import")
    targets = {"first import": 15.0, "same file again": 8.0}
    try:
        for attempt, target in targets.items():
            bars: dict = {}
            progress = _progress_bars(bars, attempt, tqdm)

            rss_before = max_rss_mb()
            started, cpu = time.monotonic(), time.process_time()
            result = import_file(company, data, "factures.csv", progress=progress)
            took, cpu = time.monotonic() - started, time.process_time() - cpu
            for bar in bars.values():
                bar.close()
            verdict = "ok" if took <= target else "OVER"
            print(
                f"{attempt}: {took:.1f} s (target {target:.0f} s: {verdict}) = "
                f"{took / parse:.0f} x the csv floor, {took / floor:.1f} x the insert floor, "
                f"{args.rows / took:,.0f} rows/s, this process's CPU {cpu:.1f} s "
                f"({cpu / args.rows * 1e6:.0f} µs a row), load {os.getloadavg()[0]:.1f}, "
                f"peak memory {max_rss_mb():.0f} MB (+{max_rss_mb() - rss_before:.0f}) "
                f"— {result.summary()}"
            )
    finally:
        if not args.keep:
            from receivables.models import Allocation, Customer, Document, Payment

            for model in (Allocation, Payment, Document, Customer):
                model.objects.filter(company=company).delete()
            company.delete()
            _vacuum(connection, (Allocation, Payment, Document, Customer))


if __name__ == "__main__":
    main()
