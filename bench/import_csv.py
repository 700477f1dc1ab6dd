"""Time the import of a generated invoices CSV (default ~10 MB) into a scratch company.

    .venv/bin/python bench/import_csv.py [--mb 10] [--keep]
Uses the configured database (DATABASE_URL for PostgreSQL); deletes its company after.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")


def make_csv(target_bytes: int, customers: int = 2000) -> bytes:
    lines = ["Numéro;Date;Échéance;Mode pmt;Code client;Client;Nom, prénom;Nature;Montant;Réglé"]
    size, n = len(lines[0]), 0
    while size < target_bytes:
        n += 1
        c = n % customers
        day, month = n % 28 + 1, n % 12 + 1
        paid = "" if n % 3 else f"{n % 50},00"
        line = (
            f"F{n:07d};{day:02d}/{month:02d}/25;{day:02d}/{month:02d}/26;Virement;C{c:05d};"
            f"Client {c} SARL;Dupont Jean;Livraison de fournitures diverses n° {n};"
            f"{n % 9000 + 50} {n % 1000:03d},{n % 100:02d};{paid}"
        )
        lines.append(line)
        size += len(line.encode()) + 1
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=10)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from receivables.imports import import_file
    from receivables.models import Company

    data = make_csv(int(args.mb * 1024 * 1024))
    rows = data.count(b"\n") - 1
    company = Company.objects.create(name="bench import")
    try:
        for attempt in ("first import", "same file again"):
            started = time.monotonic()
            result = import_file(company, data, "factures.csv")
            took = time.monotonic() - started
            print(
                f"{attempt}: {len(data) / 1e6:.1f} MB, {rows} rows in {took:.1f} s "
                f"= {rows / took:,.0f} rows/s — {result.summary()}"
            )
    finally:
        if not args.keep:
            from receivables.models import Allocation, Customer, Document, Payment

            for model in (Allocation, Payment, Document, Customer):
                model.objects.filter(company=company).delete()
            company.delete()


if __name__ == "__main__":
    main()
