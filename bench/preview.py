"""Benchmark: the batch preview of a large selection (« Rel mail » / « Rel courr »).

    .venv/bin/python bench/preview.py                   # 2,000 invoices
    .venv/bin/python bench/preview.py --invoices 10000

One customer and one late invoice per message (bench/send.py's data, without PDFs: the
preview does not read them), in a fresh SQLite file unless DATABASE_URL is set. Times the
service (`preview_batch`, every message worded, then only the first ones as the screen
asks) and the screen (POST /relances/apercu/, e-mail then letter), wall clock and CPU of
this process (on a shared machine, wall time also measures the neighbours).
"""

import argparse
import inspect
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def timed(label: str, call):
    t, c = time.perf_counter(), time.process_time()
    result = call()
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    print(f"  {label:<44} {wall:6.2f} s wall  {cpu:6.2f} s CPU", end="")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=2_000)
    args = parser.parse_args()

    from send import make_data, setup_django

    with tempfile.TemporaryDirectory(prefix="relance-bench-") as tmp:
        setup_django(Path(tmp), 2525)
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client

        from receivables.models import Company, Membership, Role
        from reminders.preview import preview_batch

        as_of = Company(timezone="Europe/Paris").today()
        company, _mail, ids, _size = make_data(0, args.invoices, as_of)
        print(f"{args.invoices} invoices, one customer each ({connection.vendor})")

        p = timed("service, every message worded", lambda: preview_batch(company, ids))
        print(f"  {len(p.messages)} messages")
        # run from a copy of an older checkout (before word_first) for the "before" figures
        if "word_first" in inspect.signature(preview_batch).parameters:
            p = timed(
                "service, the first 20 worded", lambda: preview_batch(company, ids, word_first=20)
            )
            print(f"  {len(p.messages)} messages")

        user = get_user_model().objects.create_user("bench", password="-")
        Membership.objects.create(user=user, company=company, role=Role.ADMIN)
        client = Client()
        client.force_login(user)
        selection = ",".join(map(str, ids))
        for channel in ("email", "letter"):
            response = timed(
                f"screen, {channel}",
                lambda ch=channel: client.post(
                    "/relances/apercu/", {"ids": selection, "channel": ch}
                ),
            )
            size = len(response.content)
            print(f"  HTTP {response.status_code}, {size / 1024 / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
